/* The miner's own configuration (see miner_config.h). Every byte here comes
 * from the attacker: values are capped, kept as bytes (the renderers
 * escape them) and the file is read through the target's root only. */
#include "miner_config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exe.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define OPEN_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* An option of a miner's command line that takes a value. */
struct option_def {
	const char *name; /* "--url", "-o" */
	int setting;      /* enum mt_miner_setting, or -1 for the config file */
};

/* xmrig (the reference), cpuminer (--userpass, -O) and xmr-stak (-r, --rigid, --currency). */
static const struct option_def options[] = {
    {"-o", MT_MINER_POOL},
    {"--url", MT_MINER_POOL},
    {"-u", MT_MINER_USER},
    {"--user", MT_MINER_USER},
    {"-p", MT_MINER_PASS},
    {"--pass", MT_MINER_PASS},
    {"--rig-id", MT_MINER_RIG_ID},
    {"-r", MT_MINER_RIG_ID},
    {"--rigid", MT_MINER_RIG_ID},
    {"-a", MT_MINER_ALGO},
    {"--algo", MT_MINER_ALGO},
    {"--coin", MT_MINER_COIN},
    {"--currency", MT_MINER_COIN},
    {"--donate-level", MT_MINER_DONATE},
    {"-t", MT_MINER_THREADS},
    {"--threads", MT_MINER_THREADS},
    {"--cpu-max-threads-hint", MT_MINER_THREADS},
    {"-O", -2},
    {"--userpass", -2}, /* user:pass */
    {"-c", -1},
    {"--config", -1},
};

/* Environment variables that name a setting; "prefixed" ones only count
 * behind MINER_, XMRIG_ or MINING_ (a bare USER or THREADS is no miner's). */
static const struct {
	const char *name;
	int setting;
	bool prefixed;
} env_names[] = {
    {"POOL", MT_MINER_POOL, false},           {"POOL_URL", MT_MINER_POOL, false},
    {"POOL_ADDRESS", MT_MINER_POOL, false},   {"URL", MT_MINER_POOL, true},
    {"WALLET", MT_MINER_USER, false},         {"WALLET_ADDRESS", MT_MINER_USER, false},
    {"POOL_USER", MT_MINER_USER, false},      {"USER", MT_MINER_USER, true},
    {"POOL_PASS", MT_MINER_PASS, false},      {"PASS", MT_MINER_PASS, true},
    {"PASSWORD", MT_MINER_PASS, true},        {"WORKER", MT_MINER_RIG_ID, false},
    {"WORKER_NAME", MT_MINER_RIG_ID, false},  {"WORKER_ID", MT_MINER_RIG_ID, false},
    {"RIG_ID", MT_MINER_RIG_ID, false},       {"ALGO", MT_MINER_ALGO, false},
    {"ALGORITHM", MT_MINER_ALGO, false},      {"COIN", MT_MINER_COIN, false},
    {"DONATE_LEVEL", MT_MINER_DONATE, false}, {"THREADS", MT_MINER_THREADS, true},
    {"CPU_THREADS", MT_MINER_THREADS, true},
};

static const char *const env_prefixes[] = {"MINER_", "XMRIG_", "MINING_"};

/* Appends one setting; an empty value or one already kept from the same
 * source under the same name is skipped. */
static enum mt_err add_value(struct mt_miner_config *mc, int setting, const char *value, size_t len,
                             const char *source, const char *name)
{
	struct mt_miner_value *v;
	size_t i;

	if (!len)
		return MT_OK;
	if (len > MTI_MINER_VALUE_MAX)
		len = MTI_MINER_VALUE_MAX;
	for (i = 0; i < mc->n_values; i++) {
		v = &mc->values[i];
		if ((int)v->setting == setting && strcmp(v->source, source) == 0 &&
		    strcmp(v->name, name) == 0 && strlen(v->value) == len &&
		    memcmp(v->value, value, len) == 0)
			return MT_OK;
	}
	if (mti_append_capped((void **)&mc->values, &mc->n_values, MTI_MINER_VALUES, sizeof(*v),
	                      &mc->truncated, (void **)&v))
		return MT_ERR_NOMEM;
	if (!v)
		return MT_OK;
	v->setting = (enum mt_miner_setting)setting;
	v->value = mti_strndup(value, len);
	v->source = mti_strdup(source);
	v->name = mti_strdup(name);
	return v->value && v->source && v->name ? MT_OK : MT_ERR_NOMEM;
}

/* cpuminer's --userpass USER:PASS: two settings. */
static enum mt_err add_userpass(struct mt_miner_config *mc, const char *value, const char *source,
                                const char *name)
{
	const char *colon = strchr(value, ':');
	enum mt_err err;

	if (!colon)
		return add_value(mc, MT_MINER_USER, value, strlen(value), source, name);
	err = add_value(mc, MT_MINER_USER, value, (size_t)(colon - value), source, name);
	return err ? err : add_value(mc, MT_MINER_PASS, colon + 1, strlen(colon + 1), source, name);
}

/* Which option arg is, and where its value is glued to it ("--url=X",
 * "-oX"); NULL when it is none of ours. */
static const struct option_def *match_option(const char *arg, const char **glued)
{
	size_t i, n;

	*glued = NULL;
	for (i = 0; i < MTI_ARRAY_LEN(options); i++) {
		n = strlen(options[i].name);
		if (strncmp(arg, options[i].name, n) != 0)
			continue;
		if (!arg[n])
			return &options[i];
		if (options[i].name[1] == '-' && arg[n] == '=') {
			*glued = arg + n + 1;
			return &options[i];
		}
		if (options[i].name[1] != '-') { /* -oVALUE, as getopt takes it */
			*glued = arg + n;
			return &options[i];
		}
	}
	return NULL;
}

enum mt_err mti_miner_config_argv(struct mt_miner_config *mc, char *const *argv, size_t argc,
                                  char **config)
{
	enum mt_err err = MT_OK;
	size_t i;

	mc->checked = true;
	for (i = 1; !err && i < argc; i++) {
		const struct option_def *o;
		const char *value, *glued;

		if (!argv[i] || strcmp(argv[i], "--") == 0)
			break;
		o = match_option(argv[i], &glued);
		if (!o)
			continue;
		value = glued;
		if (!value) {
			if (i + 1 >= argc || !argv[i + 1])
				break;
			value = argv[++i];
		}
		if (o->setting == -1) {
			free(*config);
			*config = mti_strndup(value, strnlen(value, PATH_MAX)); /* copies n bytes */
			if (!*config)
				err = MT_ERR_NOMEM;
		} else if (o->setting == -2) {
			err = add_userpass(mc, value, "argv", o->name);
		} else {
			err = add_value(mc, o->setting, value, strlen(value), "argv", o->name);
		}
	}
	return err;
}

/* The setting a variable name stands for, -1 when none. */
static int env_setting(const char *name, size_t len)
{
	size_t i, k, plen = 0;

	for (k = 0; k < MTI_ARRAY_LEN(env_prefixes) && !plen; k++)
		if (len > strlen(env_prefixes[k]) &&
		    strncmp(name, env_prefixes[k], strlen(env_prefixes[k])) == 0)
			plen = strlen(env_prefixes[k]);
	for (i = 0; i < MTI_ARRAY_LEN(env_names); i++)
		if ((plen || !env_names[i].prefixed) && strlen(env_names[i].name) == len - plen &&
		    memcmp(name + plen, env_names[i].name, len - plen) == 0)
			return env_names[i].setting;
	return -1;
}

enum mt_err mti_miner_config_environ(struct mt_miner_config *mc, const char *buf, size_t len)
{
	enum mt_err err = MT_OK;
	const char *p = buf, *end = buf + len;

	while (!err && p < end) {
		const char *rec_end = memchr(p, '\0', (size_t)(end - p));
		const char *eq;
		size_t rlen = rec_end ? (size_t)(rec_end - p) : (size_t)(end - p);
		char name[64];
		int setting;

		eq = memchr(p, '=', rlen);
		if (eq && (size_t)(eq - p) < sizeof(name)) {
			memcpy(name, p, (size_t)(eq - p));
			name[eq - p] = '\0';
			setting = env_setting(name, (size_t)(eq - p));
			if (setting >= 0)
				err = add_value(mc, setting, eq + 1, rlen - (size_t)(eq - p) - 1,
				                "environ", name);
		}
		p += rlen + 1;
	}
	return err;
}

/* A JSON string as is, a number as an integer when it is one. */
static enum mt_err add_json(struct mt_miner_config *mc, int setting, const cJSON *item,
                            const char *path, const char *name)
{
	char num[64];

	if (cJSON_IsString(item) && item->valuestring)
		return add_value(mc, setting, item->valuestring, strlen(item->valuestring), path,
		                 name);
	if (cJSON_IsNumber(item)) {
		double d = item->valuedouble;

		if (d >= -1e15 && d <= 1e15 && d == (double)(long long)d)
			snprintf(num, sizeof(num), "%lld", (long long)d);
		else
			snprintf(num, sizeof(num), "%.6g", d);
		return add_value(mc, setting, num, strlen(num), path, name);
	}
	return MT_OK;
}

/* Keys of a pool object (and of cpuminer's top level). */
static const struct {
	const char *key;
	int setting;
} pool_keys[] = {
    {"url", MT_MINER_POOL},      {"user", MT_MINER_USER}, {"pass", MT_MINER_PASS},
    {"rig-id", MT_MINER_RIG_ID}, {"algo", MT_MINER_ALGO}, {"coin", MT_MINER_COIN},
};

static enum mt_err add_keys(struct mt_miner_config *mc, const cJSON *obj, const char *prefix,
                            const char *path)
{
	enum mt_err err = MT_OK;
	char name[64];
	size_t i;

	for (i = 0; !err && i < MTI_ARRAY_LEN(pool_keys); i++) {
		snprintf(name, sizeof(name), "%s%s", prefix, pool_keys[i].key);
		err = add_json(mc, pool_keys[i].setting,
		               cJSON_GetObjectItemCaseSensitive(obj, pool_keys[i].key), path, name);
	}
	if (!err) {
		const cJSON *up = cJSON_GetObjectItemCaseSensitive(obj, "userpass");

		if (cJSON_IsString(up) && up->valuestring) {
			snprintf(name, sizeof(name), "%suserpass", prefix);
			err = add_userpass(mc, up->valuestring, path, name);
		}
	}
	return err;
}

enum mt_err mti_miner_config_json(struct mt_miner_config *mc, const char *buf, size_t len,
                                  const char *path)
{
	cJSON *root = cJSON_ParseWithLength(buf, len);
	const cJSON *pools, *cpu;
	enum mt_err err = MT_OK;
	char prefix[32];
	int i = 0;

	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return MT_ERR_PARSE;
	}
	pools = cJSON_GetObjectItemCaseSensitive(root, "pools");
	if (cJSON_IsArray(pools)) {
		const cJSON *pool;

		cJSON_ArrayForEach (pool, pools) {
			if (err)
				break;
			if (i >= MTI_MINER_POOLS) {
				mc->truncated =
				    true; /* the pools after the cap are not looked at */
				break;
			}
			snprintf(prefix, sizeof(prefix), "pools[%d].", i++);
			if (cJSON_IsObject(pool))
				err = add_keys(mc, pool, prefix, path);
		}
	}
	if (!err)
		err = add_keys(mc, root, "", path);
	if (!err)
		err = add_json(mc, MT_MINER_DONATE,
		               cJSON_GetObjectItemCaseSensitive(root, "donate-level"), path,
		               "donate-level");
	if (!err)
		err = add_json(mc, MT_MINER_THREADS,
		               cJSON_GetObjectItemCaseSensitive(root, "threads"), path, "threads");
	cpu = cJSON_GetObjectItemCaseSensitive(root, "cpu");
	if (!err && cJSON_IsObject(cpu))
		err = add_json(mc, MT_MINER_THREADS,
		               cJSON_GetObjectItemCaseSensitive(cpu, "max-threads-hint"), path,
		               "cpu.max-threads-hint");
	cJSON_Delete(root);
	return err;
}

/* The file's path inside the target's root: absolute as given, relative
 * to its working directory; NULL when its working directory is unknown. */
static char *config_path(int dirfd, const char *named, const char *exe)
{
	char *base = NULL, *out = NULL, *slash;
	struct mti_buf b;

	if (named && named[0] == '/')
		return mti_strdup(named);
	if (named) {
		if (mti_readlink_at(dirfd, "cwd", &base) != MT_OK)
			return NULL;
	} else {
		if (!exe || exe[0] != '/')
			return NULL;
		base = mti_strdup(exe);
		slash = base ? strrchr(base, '/') : NULL;
		if (!slash) {
			free(base);
			return NULL;
		}
		*slash = '\0';
	}
	mti_buf_init(&b);
	if (mti_buf_printf(&b, "%s/%s", base, named ? named : "config.json") == MT_OK)
		out = mti_buf_steal(&b);
	mti_buf_free(&b);
	free(base);
	return out;
}

/* Reads the config file at path inside the target's root into mc. A file
 * that is absent beside the binary is no news; one named on the command
 * line that cannot be read is said in config_error. */
static enum mt_err read_file(struct mt_trace *t, int dirfd, const char *path, bool named)
{
	struct mt_miner_config *mc = &t->postmortem.miner_config;
	const char *why = NULL;
	struct mti_buf b;
	struct stat st;
	enum mt_err err = MT_OK;
	int root, fd;

	mti_buf_init(&b);
	root = openat(dirfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		why = strerror(errno);
		goto out;
	}
	fd = mti_open_in_root(root, path, OPEN_FLAGS);
	close(root);
	if (fd < 0) {
		why = errno == ELOOP ? "a symbolic link" : strerror(errno);
		if (!named && errno == ENOENT)
			why = NULL;
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		why = "not a regular file";
		goto out;
	}
	if ((uint64_t)st.st_size > MTI_MINER_FILE_MAX) {
		close(fd);
		why = "larger than the 256 KiB read";
		goto out;
	}
	err = mti_read_fd(fd, MTI_MINER_FILE_MAX, &b, NULL);
	close(fd);
	if (err == MT_ERR_NOMEM)
		goto out;
	if (err) {
		why = mt_strerror(err);
		err = MT_OK;
		goto out;
	}
	mc->config_file = mti_strdup(path);
	if (!mc->config_file) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	err = mti_miner_config_json(mc, b.data, b.len, path);
	if (err == MT_ERR_PARSE) {
		why = "not a JSON object";
		err = MT_OK;
	}
out:
	mti_buf_free(&b);
	if (!err && why) {
		mti_warn(t, MT_ERR_IO, t->chain[0].pid, "miner-config", "cannot read %s: %s", path,
		         why);
		free(mc->config_error);
		mc->config_error = mti_strdup(why);
		if (!mc->config_error)
			err = MT_ERR_NOMEM;
	}
	return err;
}

enum mt_err mti_miner_config_read(struct mt_trace *t, int dirfd)
{
	struct mt_miner_config *mc = &t->postmortem.miner_config;
	const struct mt_process *p = &t->chain[0];
	char *named = NULL, *path = NULL;
	struct mti_buf b;
	bool truncated = false;
	enum mt_err err, rerr;

	err = mti_miner_config_argv(mc, p->argv, p->argc, &named);
	if (err || dirfd < 0)
		goto out;
	mti_buf_init(&b);
	rerr = mti_read_at(dirfd, "environ", MTI_MINER_ENVIRON_MAX, &b, &truncated);
	if (rerr == MT_OK) {
		mc->environ_read = true;
		err = mti_miner_config_environ(mc, b.data, b.len);
	} else if (rerr == MT_ERR_NOMEM) {
		err = rerr;
	} else {
		mti_warn(t, rerr, p->pid, "miner-config", "cannot read the environment: %s",
		         mt_strerror(rerr));
	}
	mti_buf_free(&b);
	if (err)
		goto out;
	path = config_path(dirfd, named, p->exe.memfd ? NULL : p->exe.path);
	if (path)
		err = read_file(t, dirfd, path, named != NULL);
out:
	free(named);
	free(path);
	return err;
}
