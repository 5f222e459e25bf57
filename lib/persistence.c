/* Persistence: the places an attacker writes to come back, looked up in the
 * container's writable layer and, read-only, on the host.
 *
 * A file in the writable layer (the overlay's upper dir) was added or
 * changed inside the container after its image was built: a crontab that
 * came with the image stays in a lower layer and is not reported. Every
 * path is resolved inside its root (openat2 RESOLVE_IN_ROOT, or one
 * component at a time refusing symlinks), opened O_NOFOLLOW|O_NONBLOCK and
 * read only when it is a regular file: the layer is the attacker's.
 */
#include "persistence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exe.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define OPEN_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* The places: a file, or every file of a directory. */
static const struct place {
	const char *path;
	enum mt_persist_kind kind;
	bool dir;
} places[] = {
    {"/etc/crontab", MT_PERSIST_CRON, false},
    {"/etc/cron.d", MT_PERSIST_CRON, true},
    {"/etc/cron.hourly", MT_PERSIST_CRON, true},
    {"/etc/cron.daily", MT_PERSIST_CRON, true},
    {"/etc/cron.weekly", MT_PERSIST_CRON, true},
    {"/etc/cron.monthly", MT_PERSIST_CRON, true},
    {"/var/spool/cron/crontabs", MT_PERSIST_CRON, true}, /* Debian */
    {"/var/spool/cron", MT_PERSIST_CRON, true},          /* Red Hat: files directly */
    {"/etc/crontabs", MT_PERSIST_CRON, true},            /* Alpine, busybox */
    {"/etc/ld.so.preload", MT_PERSIST_PRELOAD, false},
    {"/root/.ssh/authorized_keys", MT_PERSIST_SSH_KEYS, false},
    {"/root/.ssh/authorized_keys2", MT_PERSIST_SSH_KEYS, false},
    {"/etc/rc.local", MT_PERSIST_RC_LOCAL, false},
    {"/etc/rc.d/rc.local", MT_PERSIST_RC_LOCAL, false},
    {"/etc/init.d", MT_PERSIST_INIT_SCRIPT, true},
    {"/etc/systemd/system", MT_PERSIST_SYSTEMD_UNIT, true},
    {"/lib/systemd/system", MT_PERSIST_SYSTEMD_UNIT, true},
    {"/usr/lib/systemd/system", MT_PERSIST_SYSTEMD_UNIT, true},
    {"/etc/profile", MT_PERSIST_PROFILE, false},
    {"/etc/profile.d", MT_PERSIST_PROFILE, true},
    {"/etc/bash.bashrc", MT_PERSIST_SHELL_RC, false},
    {"/etc/bashrc", MT_PERSIST_SHELL_RC, false},
    {"/root/.bashrc", MT_PERSIST_SHELL_RC, false},
    {"/root/.bash_profile", MT_PERSIST_SHELL_RC, false},
    {"/root/.profile", MT_PERSIST_SHELL_RC, false},
    {"/root/.zshrc", MT_PERSIST_SHELL_RC, false},
};

/* The files of each home directory worth a look. */
static const struct place home_files[] = {
    {".ssh/authorized_keys", MT_PERSIST_SSH_KEYS, false},
    {".ssh/authorized_keys2", MT_PERSIST_SSH_KEYS, false},
    {".bashrc", MT_PERSIST_SHELL_RC, false},
    {".bash_profile", MT_PERSIST_SHELL_RC, false},
    {".profile", MT_PERSIST_SHELL_RC, false},
};

int mti_persistence_kind(const char *path)
{
	size_t i, n;

	if (!path)
		return -1;
	for (i = 0; i < MTI_ARRAY_LEN(places); i++) {
		n = strlen(places[i].path);
		if (strncmp(path, places[i].path, n) != 0)
			continue;
		if (!places[i].dir ? path[n] == '\0'
		                   : path[n] == '/' && path[n + 1] && !strchr(path + n + 1, '/'))
			return (int)places[i].kind;
	}
	if (mti_str_starts(path, "/home/")) {
		const char *rest = strchr(path + 6, '/');

		for (i = 0; rest && rest > path + 6 && i < MTI_ARRAY_LEN(home_files); i++)
			if (strcmp(rest + 1, home_files[i].path) == 0)
				return (int)home_files[i].kind;
	}
	return -1;
}

/* What one search looks for and where its results go. */
struct search {
	struct mt_trace *t;
	int root_fd;
	bool on_host;
	const char *needles[3]; /* host files are reported when they name one */
	size_t n_needles;
};

/* The needle of the host file's content, or NULL. */
static const char *named_in(const struct search *s, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < s->n_needles; i++)
		if (memmem(data, len, s->needles[i], strlen(s->needles[i])))
			return s->needles[i];
	return NULL;
}

static enum mt_err add_item(const struct search *s, enum mt_persist_kind kind, const char *path,
                            const struct stat *st, const struct mti_buf *b, bool truncated,
                            const char *why)
{
	struct mt_persistence *ps = &s->t->postmortem.persistence;
	struct mt_persistence_item *it;

	if (mti_append_capped((void **)&ps->items, &ps->n_items, MTI_PERSIST_MAX, sizeof(*it),
	                      &ps->truncated, (void **)&it))
		return MT_ERR_NOMEM;
	if (!it)
		return MT_OK;
	it->kind = kind;
	it->on_host = s->on_host;
	it->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	it->size = (uint64_t)st->st_size;
	it->path = mti_strdup(path);
	it->why = mti_strdup(why);
	if (b->data) {
		it->content = mti_strndup(
		    b->data, b->len < MTI_PERSIST_CONTENT ? b->len : MTI_PERSIST_CONTENT);
		it->content_truncated = truncated || b->len > MTI_PERSIST_CONTENT;
	}
	if (!it->path || !it->why || (b->data && !it->content))
		return MT_ERR_NOMEM;
	return MT_OK;
}

/* Looks at one file: a regular file present in the layer is reported; on
 * the host only when it is a preload list that lists something or names
 * the target. */
static enum mt_err check_file(const struct search *s, const char *path, enum mt_persist_kind kind)
{
	struct mti_buf b;
	struct stat st;
	enum mt_err err = MT_OK;
	const char *needle = NULL;
	char *why = NULL;
	bool truncated = false;
	int fd;

	fd = mti_open_in_root(s->root_fd, path, OPEN_FLAGS);
	if (fd < 0)
		return MT_OK; /* absent, a symlink, or out of the root: nothing to read */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return MT_OK;
	}
	mti_buf_init(&b);
	err = mti_read_fd(fd, s->on_host ? MTI_PERSIST_HOST_READ : MTI_PERSIST_CONTENT + 1, &b,
	                  &truncated);
	close(fd);
	if (err == MT_ERR_NOMEM)
		goto out;
	if (err) {
		mti_warn(s->t, err, 0, "persistence", "cannot read %s%s: %s",
		         s->on_host ? "the host's " : "", path, mt_strerror(err));
		err = MT_OK;
		goto out;
	}
	if (s->on_host) {
		needle = named_in(s, b.data ? b.data : "", b.len);
		if (kind == MT_PERSIST_PRELOAD && b.len)
			why =
			    mti_strdup("the host's preload list is not empty: every program loads "
			               "what it lists");
		else if (needle)
			why = mti_asprintf("a host file that names the miner (%s)", needle);
		else
			goto out;
	} else {
		why = mti_strdup("in the container's writable layer: added or changed since the "
		                 "image");
	}
	err = why ? add_item(s, kind, path, &st, &b, truncated, why) : MT_ERR_NOMEM;
out:
	free(why);
	mti_buf_free(&b);
	return err;
}

/* Every regular file of a directory (at most MTI_PERSIST_DIR_MAX), or for
 * /home each home's own files. */
static enum mt_err check_dir(const struct search *s, const char *dir, enum mt_persist_kind kind,
                             bool homes)
{
	enum mt_err err = MT_OK;
	struct dirent *de;
	size_t seen = 0, i;
	DIR *d;
	int fd;

	fd = mti_open_in_root(s->root_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return MT_OK;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return MT_OK;
	}
	while (!err && (de = readdir(d)) != NULL) {
		char *path;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++seen > MTI_PERSIST_DIR_MAX) {
			mti_warn(s->t, MT_ERR_LIMIT, 0, "persistence",
			         "%s%s holds more than %d entries: the rest were not looked at",
			         s->on_host ? "the host's " : "", dir, MTI_PERSIST_DIR_MAX);
			break;
		}
		for (i = 0; !err && i < (homes ? MTI_ARRAY_LEN(home_files) : 1); i++) {
			path = homes ? mti_asprintf("%s/%s/%s", dir, de->d_name, home_files[i].path)
			             : mti_asprintf("%s/%s", dir, de->d_name);
			err = path ? check_file(s, path, homes ? home_files[i].kind : kind)
			           : MT_ERR_NOMEM;
			free(path);
		}
	}
	closedir(d);
	return err;
}

static enum mt_err search_root(struct search *s)
{
	enum mt_err err = MT_OK;
	size_t i;

	for (i = 0; !err && i < MTI_ARRAY_LEN(places); i++) {
		/* On the host only what can start the miner again is searched. */
		if (s->on_host && places[i].kind != MT_PERSIST_CRON &&
		    places[i].kind != MT_PERSIST_PRELOAD &&
		    places[i].kind != MT_PERSIST_SYSTEMD_UNIT)
			continue;
		err = places[i].dir ? check_dir(s, places[i].path, places[i].kind, false)
		                    : check_file(s, places[i].path, places[i].kind);
	}
	if (!err && !s->on_host)
		err = check_dir(s, "/home", MT_PERSIST_SSH_KEYS, true);
	return err;
}

/* Searches the places under the directory root; *checked when it opened. */
static enum mt_err search_in(struct search *s, const char *root, bool *checked)
{
	enum mt_err err;
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		mti_warn(s->t, mti_errno_to_err(errno), 0, "persistence", "cannot open %s%s: %s",
		         s->on_host ? "" : "the writable layer ", root, strerror(errno));
		return MT_OK;
	}
	*checked = true;
	s->root_fd = fd;
	err = search_root(s);
	s->root_fd = -1;
	close(fd);
	return err;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

enum mt_err mti_persistence_read(struct mt_trace *t, const char *upperdir, const char *host_root)
{
	struct mt_persistence *ps = &t->postmortem.persistence;
	const struct mt_process *target = t->chain_len ? &t->chain[0] : NULL;
	struct search s = {t, -1, false, {NULL, NULL, NULL}, 0};
	enum mt_err err = MT_OK;

	if (upperdir)
		err = search_in(&s, upperdir, &ps->checked_container);
	/* The host is searched for the target's binary by path and by name;
	 * names shorter than 4 bytes would be found everywhere. */
	if (err || !host_root || !target || !target->exe.path || target->exe.memfd)
		return err;
	s.on_host = true;
	s.needles[s.n_needles++] = target->exe.path;
	if (strlen(base_of(target->exe.path)) >= 4)
		s.needles[s.n_needles++] = base_of(target->exe.path);
	if (target->comm && strlen(target->comm) >= 4 &&
	    strcmp(target->comm, base_of(target->exe.path)) != 0)
		s.needles[s.n_needles++] = target->comm;
	return search_in(&s, host_root, &ps->checked_host);
}
