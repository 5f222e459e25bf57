/* Decoding Docker Engine API replies into the model: pure, no I/O. */
#include "engine_decode.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "trace_model.h"
#include "util.h"

/* At most this many type warnings per reply. */
#define MAX_NOTES 8

struct dctx {
	struct mt_trace *t;
	const char *what; /* "container", "image", ... for messages */
	enum mt_err err;  /* sticky: MT_ERR_NOMEM */
	unsigned notes;
};

static void wrong_type(struct dctx *d, const char *key)
{
	if (d->notes++ < MAX_NOTES)
		mti_warn(d->t, MT_ERR_ENGINE_REPLY, 0, "engine",
		         "%s reply: field \"%s\" has an unexpected type; ignored", d->what, key);
}

static const cJSON *d_obj(struct dctx *d, const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsObject(v)) {
		wrong_type(d, key);
		return NULL;
	}
	return v;
}

static char *d_str(struct dctx *d, const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	char *s;

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v) || !v->valuestring) {
		wrong_type(d, key);
		return NULL;
	}
	s = mti_strdup(v->valuestring);
	if (!s)
		d->err = MT_ERR_NOMEM;
	return s;
}

static bool d_bool(struct dctx *d, const cJSON *o, const char *key)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (!v || cJSON_IsNull(v))
		return false;
	if (!cJSON_IsBool(v)) {
		wrong_type(d, key);
		return false;
	}
	return cJSON_IsTrue(v);
}

static bool d_num(struct dctx *d, const cJSON *o, const char *key, double min, double max,
                  double *out)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;

	if (!v || cJSON_IsNull(v))
		return false;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < min ||
	    v->valuedouble > max) {
		wrong_type(d, key);
		return false;
	}
	*out = v->valuedouble;
	return true;
}

static long d_long(struct dctx *d, const cJSON *o, const char *key, long dflt)
{
	double v;

	return d_num(d, o, key, -2147483648.0, 2147483647.0, &v) ? (long)v : dflt;
}

/* An array of strings; non-strings are skipped with a warning. */
static char **d_strv(struct dctx *d, const cJSON *o, const char *key, size_t max, size_t *n)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
	const cJSON *item;
	char **out = NULL;
	size_t cap = 0;
	bool bad = false;

	*n = 0;
	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsArray(v)) {
		wrong_type(d, key);
		return NULL;
	}
	cJSON_ArrayForEach (item, v) {
		if (*n >= max)
			break;
		if (!cJSON_IsString(item) || !item->valuestring) {
			bad = true;
			continue;
		}
		if (mti_grow((void **)&out, &cap, *n + 1, sizeof(*out)) ||
		    !(out[*n] = mti_strdup(item->valuestring))) {
			d->err = MT_ERR_NOMEM;
			break;
		}
		(*n)++;
	}
	if (bad)
		wrong_type(d, key);
	return out;
}

static cJSON *parse_root(struct dctx *d, const char *json, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(json, len);

	if (!root) {
		mti_warn(d->t, MT_ERR_ENGINE_REPLY, 0, "engine", "%s reply is not valid JSON",
		         d->what);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		mti_warn(d->t, MT_ERR_ENGINE_REPLY, 0, "engine", "%s reply is not a JSON object",
		         d->what);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Rejects a reply whose ID field does not name what we asked for. */
static bool id_matches(struct dctx *d, const cJSON *root, const char *key, const char *expect)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

	if (cJSON_IsString(v) && v->valuestring && strcmp(v->valuestring, expect) == 0)
		return true;
	mti_warn(d->t, MT_ERR_ENGINE_REPLY, 0, "engine",
	         "%s reply describes \"%.80s\", not the %.80s that was asked for: ignored", d->what,
	         cJSON_IsString(v) && v->valuestring ? v->valuestring : "(no ID)", expect);
	return false;
}

/* Reads 1 to 4 digits at *p into *out, moving *p past them. */
static bool version_number(const char **p, unsigned *out)
{
	unsigned n = 0, digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 5) {
		n = n * 10 + (unsigned)(**p - '0');
		(*p)++;
		digits++;
	}
	*out = n;
	return digits >= 1 && digits <= 4;
}

bool mti_parse_api_version(const char *s, struct mti_api_version *v)
{
	struct mti_api_version r = {0, 0};

	if (!s || !version_number(&s, &r.major))
		return false;
	if (*s == '.') {
		s++;
		if (!version_number(&s, &r.minor))
			return false;
	}
	if (*s)
		return false;
	*v = r;
	return true;
}

enum mt_err mti_decode_version(const char *json, size_t len, struct mt_trace *t, char **api_version,
                               char **version, char **os)
{
	struct dctx d = {t, "version", MT_OK, 0};
	cJSON *root;

	*api_version = *version = *os = NULL;
	root = parse_root(&d, json, len);
	if (!root)
		return MT_ERR_ENGINE_REPLY;
	*api_version = d_str(&d, root, "ApiVersion");
	*version = d_str(&d, root, "Version");
	*os = d_str(&d, root, "Os");
	cJSON_Delete(root);
	if (d.err) {
		free(*api_version);
		free(*version);
		free(*os);
		*api_version = *version = *os = NULL;
	}
	return d.err;
}

static void decode_mounts(struct dctx *d, const cJSON *root, struct mt_engine_container *ec)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "Mounts"), *item;
	size_t cap = 0;

	if (!v || cJSON_IsNull(v))
		return;
	if (!cJSON_IsArray(v)) {
		wrong_type(d, "Mounts");
		return;
	}
	cJSON_ArrayForEach (item, v) {
		struct mt_mount *m;

		if (ec->n_mounts >= MTI_ENGINE_MAX_LABELS || d->err)
			break;
		if (!cJSON_IsObject(item)) {
			wrong_type(d, "Mounts[]");
			continue;
		}
		if (mti_grow((void **)&ec->mounts, &cap, ec->n_mounts + 1, sizeof(*ec->mounts))) {
			d->err = MT_ERR_NOMEM;
			break;
		}
		m = &ec->mounts[ec->n_mounts++];
		memset(m, 0, sizeof(*m));
		m->type = d_str(d, item, "Type");
		m->source = d_str(d, item, "Source");
		m->destination = d_str(d, item, "Destination");
		m->rw = d_bool(d, item, "RW");
		m->risk = mti_mount_risk(m);
	}
}

static void decode_labels(struct dctx *d, const cJSON *config, struct mt_engine_container *ec)
{
	const cJSON *labels = d_obj(d, config, "Labels"), *item;
	size_t cap = 0;

	cJSON_ArrayForEach (item, labels) {
		struct mt_kv *kv;

		if (ec->n_labels >= MTI_ENGINE_MAX_LABELS || d->err)
			break;
		if (!cJSON_IsString(item) || !item->string || !item->valuestring) {
			wrong_type(d, "Labels{}");
			continue;
		}
		if (mti_grow((void **)&ec->labels, &cap, ec->n_labels + 1, sizeof(*ec->labels))) {
			d->err = MT_ERR_NOMEM;
			break;
		}
		kv = &ec->labels[ec->n_labels];
		kv->key = mti_strdup(item->string);
		kv->value = mti_strdup(item->valuestring);
		if (!kv->key || !kv->value) {
			free(kv->key);
			free(kv->value);
			d->err = MT_ERR_NOMEM;
			break;
		}
		ec->n_labels++;
	}
	ec->k8s_pod_name = d_str(d, labels, "io.kubernetes.pod.name");
	ec->k8s_namespace = d_str(d, labels, "io.kubernetes.pod.namespace");
	ec->k8s_container = d_str(d, labels, "io.kubernetes.container.name");
	ec->k8s_pod_uid = d_str(d, labels, "io.kubernetes.pod.uid");
}

enum mt_err mti_decode_container(const char *json, size_t len, const char *expect_id,
                                 struct mt_trace *t, struct mt_engine_container *ec,
                                 char ***exec_ids, size_t *n_exec_ids)
{
	struct dctx d = {t, "container", MT_OK, 0};
	const cJSON *config, *host, *state, *graph, *data, *restart;
	cJSON *root;
	char **ids;
	size_t n_ids = 0, i, kept = 0;
	char *name;
	double v;

	memset(ec, 0, sizeof(*ec));
	ec->target_change = -1;
	*exec_ids = NULL;
	*n_exec_ids = 0;
	root = parse_root(&d, json, len);
	if (!root)
		return MT_ERR_ENGINE_REPLY;
	if (!id_matches(&d, root, "Id", expect_id)) {
		cJSON_Delete(root);
		return MT_ERR_ENGINE_REPLY;
	}
	ec->id = mti_strdup(expect_id);
	if (!ec->id)
		d.err = MT_ERR_NOMEM;
	name = d_str(&d, root, "Name");
	if (name && name[0] == '/') {
		ec->name = mti_strdup(name + 1);
		if (!ec->name)
			d.err = MT_ERR_NOMEM;
		free(name);
	} else {
		ec->name = name;
	}
	ec->image_id = d_str(&d, root, "Image");
	ec->created = d_str(&d, root, "Created");
	ec->path = d_str(&d, root, "Path");
	ec->args = d_strv(&d, root, "Args", MTI_ENGINE_MAX_LIST, &ec->n_args);
	ec->restart_count = d_long(&d, root, "RestartCount", 0);
	state = d_obj(&d, root, "State");
	ec->status = d_str(&d, state, "Status");
	ec->started_at = d_str(&d, state, "StartedAt");
	if (d_num(&d, state, "Pid", 0, MTI_PID_MAX_LIMIT, &v))
		ec->init_pid = (pid_t)v;
	config = d_obj(&d, root, "Config");
	ec->image_ref = d_str(&d, config, "Image");
	ec->user = d_str(&d, config, "User");
	ec->working_dir = d_str(&d, config, "WorkingDir");
	ec->entrypoint = d_strv(&d, config, "Entrypoint", MTI_ENGINE_MAX_LIST, &ec->n_entrypoint);
	ec->cmd = d_strv(&d, config, "Cmd", MTI_ENGINE_MAX_LIST, &ec->n_cmd);
	decode_labels(&d, config, ec);
	host = d_obj(&d, root, "HostConfig");
	ec->privileged = d_bool(&d, host, "Privileged");
	ec->pid_mode = d_str(&d, host, "PidMode");
	ec->network_mode = d_str(&d, host, "NetworkMode");
	ec->cgroup_parent = d_str(&d, host, "CgroupParent");
	ec->cap_add = d_strv(&d, host, "CapAdd", MTI_ENGINE_MAX_LABELS, &ec->n_cap_add);
	restart = d_obj(&d, host, "RestartPolicy");
	ec->restart_policy = d_str(&d, restart, "Name");
	ec->restart_max = d_long(&d, restart, "MaximumRetryCount", 0);
	decode_mounts(&d, root, ec);
	graph = d_obj(&d, root, "GraphDriver");
	ec->graph_driver = d_str(&d, graph, "Name");
	data = d_obj(&d, graph, "Data");
	ec->upper_dir = d_str(&d, data, "UpperDir");
	ids = d_strv(&d, root, "ExecIDs", MTI_ENGINE_MAX_EXECS, &n_ids);
	/* Exec IDs go into URLs: only well-formed ones are kept. */
	for (i = 0; i < n_ids; i++) {
		if (strlen(ids[i]) == 64 && mti_is_hex(ids[i], 64))
			ids[kept++] = ids[i];
		else
			free(ids[i]);
	}
	if (kept < n_ids)
		wrong_type(&d, "ExecIDs[]");
	*exec_ids = ids;
	*n_exec_ids = kept;
	cJSON_Delete(root);
	return d.err;
}

char *mti_reference_registry(const char *ref)
{
	const char *slash = strchr(ref, '/');
	size_t l;

	if (!slash)
		return mti_strdup("docker.io");
	l = (size_t)(slash - ref);
	if (memchr(ref, '.', l) || memchr(ref, ':', l) ||
	    (l == 9 && memcmp(ref, "localhost", 9) == 0)) {
		static const char *const hub_aliases[] = {"docker.io", "index.docker.io",
		                                          "registry-1.docker.io"};
		size_t i;

		for (i = 0; i < MTI_ARRAY_LEN(hub_aliases); i++)
			if (l == strlen(hub_aliases[i]) && memcmp(ref, hub_aliases[i], l) == 0)
				return mti_strdup("docker.io");
		return mti_strndup(ref, l);
	}
	return mti_strdup("docker.io");
}

enum mt_err mti_decode_image(const char *json, size_t len, const char *expect_id,
                             struct mt_trace *t, struct mt_image *img)
{
	struct dctx d = {t, "image", MT_OK, 0};
	cJSON *root;

	memset(img, 0, sizeof(*img));
	root = parse_root(&d, json, len);
	if (!root)
		return MT_ERR_ENGINE_REPLY;
	if (!id_matches(&d, root, "Id", expect_id)) {
		cJSON_Delete(root);
		return MT_ERR_ENGINE_REPLY;
	}
	img->id = mti_strdup(expect_id);
	if (!img->id)
		d.err = MT_ERR_NOMEM;
	img->repo_tags = d_strv(&d, root, "RepoTags", MTI_ENGINE_MAX_LABELS, &img->n_repo_tags);
	img->repo_digests =
	    d_strv(&d, root, "RepoDigests", MTI_ENGINE_MAX_LABELS, &img->n_repo_digests);
	img->created = d_str(&d, root, "Created");
	if (img->n_repo_digests) {
		img->registry = mti_reference_registry(img->repo_digests[0]);
		if (!img->registry)
			d.err = MT_ERR_NOMEM;
		else if (strcmp(img->registry, "docker.io") == 0)
			img->source = MT_IMAGE_SOURCE_DOCKER_HUB;
		else
			img->source = MT_IMAGE_SOURCE_REGISTRY;
	} else {
		img->source = MT_IMAGE_SOURCE_LOCAL;
	}
	cJSON_Delete(root);
	return d.err;
}

enum mt_err mti_decode_exec(const char *json, size_t len, const char *expect_id,
                            const char *container_id, struct mt_trace *t, struct mt_exec_session *x)
{
	struct dctx d = {t, "exec", MT_OK, 0};
	const cJSON *pc;
	cJSON *root;
	double v;

	memset(x, 0, sizeof(*x));
	x->chain_index = -1;
	x->exit_code = -1;
	root = parse_root(&d, json, len);
	if (!root)
		return MT_ERR_ENGINE_REPLY;
	if (!id_matches(&d, root, "ID", expect_id) ||
	    !id_matches(&d, root, "ContainerID", container_id)) {
		cJSON_Delete(root);
		return MT_ERR_ENGINE_REPLY;
	}
	x->id = mti_strdup(expect_id);
	if (!x->id)
		d.err = MT_ERR_NOMEM;
	x->running = d_bool(&d, root, "Running");
	if (d_num(&d, root, "Pid", 0, MTI_PID_MAX_LIMIT, &v))
		x->pid = (pid_t)v;
	if (!x->running)
		x->exit_code = d_long(&d, root, "ExitCode", -1);
	pc = d_obj(&d, root, "ProcessConfig");
	x->user = d_str(&d, pc, "user");
	x->entrypoint = d_str(&d, pc, "entrypoint");
	x->args = d_strv(&d, pc, "arguments", MTI_ENGINE_MAX_LIST, &x->n_args);
	x->privileged = d_bool(&d, pc, "privileged");
	x->tty = d_bool(&d, pc, "tty");
	cJSON_Delete(root);
	return d.err;
}

/* Splits "exec_start: sh -c x" into action and detail. */
static enum mt_err split_action(struct mt_event *e, const char *action)
{
	const char *colon = strstr(action, ": ");

	if (colon) {
		e->action = mti_strndup(action, (size_t)(colon - action));
		e->detail = mti_strdup(colon + 2);
		return e->action && e->detail ? MT_OK : MT_ERR_NOMEM;
	}
	e->action = mti_strdup(action);
	return e->action ? MT_OK : MT_ERR_NOMEM;
}

/* Decodes one event object into e; false when it is not ours. */
static bool decode_event(struct dctx *d, const cJSON *o, const char *container_id,
                         struct mt_event *e)
{
	const cJSON *actor, *attrs;
	char *action, *id;
	double v;

	memset(e, 0, sizeof(*e));
	actor = d_obj(d, o, "Actor");
	id = d_str(d, actor, "ID");
	if (!id || strcmp(id, container_id) != 0) {
		free(id);
		return false;
	}
	e->actor_id = id;
	e->type = d_str(d, o, "Type");
	action = d_str(d, o, "Action");
	if (action && split_action(e, action))
		d->err = MT_ERR_NOMEM;
	free(action);
	attrs = d_obj(d, actor, "Attributes");
	e->exec_id = d_str(d, attrs, "execID");
	if (!e->detail)
		e->detail = d_str(d, attrs, "image");
	if (d_num(d, o, "timeNano", 0, 9.2e18, &v))
		e->time_ns = (int64_t)v;
	else if (d_num(d, o, "time", 0, 9.2e9, &v))
		e->time_ns = (int64_t)v * 1000000000;
	return true;
}

enum mt_err mti_decode_events(const char *body, size_t len, const char *container_id,
                              struct mt_trace *t, struct mt_event **events, size_t *n)
{
	struct dctx d = {t, "events", MT_OK, 0};
	const char *p = body, *end = body + len;
	size_t cap = 0;
	bool bad = false;

	*events = NULL;
	*n = 0;
	while (p < end && !d.err) {
		const char *parse_end = NULL;
		cJSON *o;
		struct mt_event e;

		while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		o = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &parse_end, 0);
		if (!o || !parse_end || parse_end <= p) {
			cJSON_Delete(o);
			bad = true;
			break;
		}
		p = parse_end;
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			bad = true;
			continue;
		}
		if (*n >= MTI_ENGINE_MAX_EVENTS) {
			cJSON_Delete(o);
			break;
		}
		if (decode_event(&d, o, container_id, &e)) {
			if (mti_grow((void **)events, &cap, *n + 1, sizeof(**events))) {
				mti_event_clear(&e);
				d.err = MT_ERR_NOMEM;
			} else {
				(*events)[(*n)++] = e;
			}
		}
		cJSON_Delete(o);
	}
	if (bad)
		mti_warn(t, MT_ERR_ENGINE_REPLY, 0, "engine",
		         "events reply holds something that is not a JSON event: the rest was "
		         "ignored");
	return d.err;
}

enum mt_err mti_decode_changes(const char *json, size_t len, const char *target_path,
                               struct mt_trace *t, struct mt_engine_container *ec)
{
	struct dctx d = {t, "changes", MT_OK, 0};
	const cJSON *item;
	cJSON *root = cJSON_ParseWithLength(json, len);
	size_t cap = 0;

	ec->n_added = ec->n_modified = ec->n_deleted = 0;
	ec->target_change = -1;
	if (!root) {
		mti_warn(t, MT_ERR_ENGINE_REPLY, 0, "engine", "changes reply is not valid JSON");
		return MT_ERR_ENGINE_REPLY;
	}
	if (cJSON_IsNull(root)) {
		/* The engine answers null when nothing changed. */
		cJSON_Delete(root);
		ec->have_changes = true;
		return MT_OK;
	}
	if (!cJSON_IsArray(root)) {
		mti_warn(t, MT_ERR_ENGINE_REPLY, 0, "engine", "changes reply is not a JSON array");
		cJSON_Delete(root);
		return MT_ERR_ENGINE_REPLY;
	}
	cJSON_ArrayForEach (item, root) {
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(item, "Path");
		double kind;
		bool is_target, keep;

		if (d.err)
			break;
		if (!cJSON_IsString(path) || !path->valuestring ||
		    !d_num(&d, item, "Kind", 0, 2, &kind)) {
			wrong_type(&d, "Path/Kind");
			continue;
		}
		if (kind == MT_CHANGE_ADDED)
			ec->n_added++;
		else if (kind == MT_CHANGE_DELETED)
			ec->n_deleted++;
		else
			ec->n_modified++;
		is_target = target_path && strcmp(path->valuestring, target_path) == 0;
		if (is_target)
			ec->target_change = (int)kind;
		keep = is_target ||
		       (kind != MT_CHANGE_DELETED && mti_is_scratch_path(path->valuestring));
		if (!keep || ec->n_changes >= MTI_ENGINE_MAX_CHANGES)
			continue;
		if (mti_grow((void **)&ec->changes, &cap, ec->n_changes + 1,
		             sizeof(*ec->changes))) {
			d.err = MT_ERR_NOMEM;
			break;
		}
		ec->changes[ec->n_changes].path = mti_strdup(path->valuestring);
		if (!ec->changes[ec->n_changes].path) {
			d.err = MT_ERR_NOMEM;
			break;
		}
		ec->changes[ec->n_changes].kind = (enum mt_change_kind)kind;
		ec->changes[ec->n_changes].executable = -1;
		ec->changes[ec->n_changes].is_target_exe = is_target;
		ec->n_changes++;
	}
	cJSON_Delete(root);
	ec->have_changes = d.err == MT_OK;
	return d.err;
}

/* One entry of a container list into c; false when it is not kept. */
static bool decode_list_entry(struct dctx *d, const cJSON *item, const char *image_id,
                              const char *own_id, struct mt_spread_container *c)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "Id");
	const cJSON *img = cJSON_GetObjectItemCaseSensitive(item, "ImageID");
	char **names;
	size_t n_names = 0;
	double created;

	memset(c, 0, sizeof(*c));
	c->created_ns = -1;
	c->file_in_layer = -1;
	if (!cJSON_IsObject(item) || !cJSON_IsString(id) || !id->valuestring ||
	    strlen(id->valuestring) != 64 || !mti_is_hex(id->valuestring, 64)) {
		wrong_type(d, "Id");
		return false;
	}
	if (own_id && strcmp(id->valuestring, own_id) == 0)
		return false;
	if (!cJSON_IsString(img) || !img->valuestring || strcmp(img->valuestring, image_id) != 0) {
		mti_warn(d->t, MT_ERR_ENGINE_REPLY, 0, "engine",
		         "container list: %.12s is not of image %.80s: ignored", id->valuestring,
		         image_id);
		return false;
	}
	names = d_strv(d, item, "Names", 1, &n_names);
	if (n_names)
		c->name = mti_strdup(names[0][0] == '/' ? names[0] + 1 : names[0]);
	mti_strv_free(names, n_names);
	c->id = mti_strdup(id->valuestring);
	c->state = d_str(d, item, "State");
	/* Seconds since the epoch; up to the year 2286 (int64 ns). */
	if (d_num(d, item, "Created", 0, 9.2e9, &created))
		c->created_ns = (int64_t)created * 1000000000LL;
	if (!c->id || (n_names && !c->name))
		d->err = MT_ERR_NOMEM;
	return true;
}

enum mt_err mti_decode_container_list(const char *json, size_t len, const char *image_id,
                                      const char *own_id, struct mt_trace *t,
                                      struct mt_spread_image *si)
{
	struct dctx d = {t, "container list", MT_OK, 0};
	const cJSON *item;
	cJSON *root = cJSON_ParseWithLength(json, len);

	if (!root || !cJSON_IsArray(root)) {
		mti_warn(t, MT_ERR_ENGINE_REPLY, 0, "engine",
		         "container list reply is not a JSON array");
		cJSON_Delete(root);
		return MT_ERR_ENGINE_REPLY;
	}
	cJSON_ArrayForEach (item, root) {
		struct mt_spread_container c, *slot;

		if (d.err)
			break;
		if (!decode_list_entry(&d, item, image_id, own_id, &c))
			continue;
		if (mti_append_capped((void **)&si->containers, &si->n_containers,
		                      MTI_ENGINE_MAX_SAME_IMAGE, sizeof(c), &si->truncated,
		                      (void **)&slot)) {
			d.err = MT_ERR_NOMEM;
		} else if (slot) {
			*slot = c;
			continue;
		}
		free(c.id);
		free(c.name);
		free(c.state);
	}
	cJSON_Delete(root);
	return d.err;
}
