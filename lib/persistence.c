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

/* Reads the regular file path inside root_fd into b (at most cap bytes,
 * *truncated when longer). *present is false when there is nothing to read
 * there (absent, a symlink, out of the root, not a regular file). */
static enum mt_err read_place_file(int root_fd, const char *path, size_t cap, struct stat *st,
                                   struct mti_buf *b, bool *truncated, bool *present)
{
	enum mt_err err;
	int fd;

	*present = false;
	*truncated = false;
	fd = mti_open_in_root(root_fd, path, OPEN_FLAGS);
	if (fd < 0)
		return MT_OK;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return MT_OK;
	}
	*present = true;
	err = mti_read_fd(fd, cap, b, truncated);
	close(fd);
	return err;
}

/* Looks at one file of the writable layer: a regular file present there is
 * reported. */
static enum mt_err check_file(const struct search *s, const char *path, enum mt_persist_kind kind)
{
	struct mti_buf b;
	struct stat st;
	enum mt_err err;
	bool truncated, present;

	mti_buf_init(&b);
	err = read_place_file(s->root_fd, path, MTI_PERSIST_CONTENT + 1, &st, &b, &truncated,
	                      &present);
	if (err && err != MT_ERR_NOMEM) {
		mti_warn(s->t, err, 0, "persistence", "cannot read %s: %s", path, mt_strerror(err));
		err = MT_OK;
	} else if (!err && present) {
		err =
		    add_item(s, kind, path, &st, &b, truncated,
		             "in the container's writable layer: added or changed since the image");
	}
	mti_buf_free(&b);
	return err;
}

/* Calls visit for every entry of a directory (at most MTI_PERSIST_DIR_MAX;
 * *over_limit when it holds more), or for /home for each home's own files.
 * *dir_st is the directory's identity (st_ino 0 when it did not open). */
typedef enum mt_err (*visit_fn)(void *ctx, const char *path, enum mt_persist_kind kind);

static enum mt_err each_in_dir(int root_fd, const char *dir, enum mt_persist_kind kind, bool homes,
                               visit_fn visit, void *ctx, bool *over_limit, struct stat *dir_st)
{
	enum mt_err err = MT_OK;
	struct dirent *de;
	size_t seen = 0, i;
	DIR *d;
	int fd;

	*over_limit = false;
	dir_st->st_ino = 0;
	fd = mti_open_in_root(root_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return MT_OK;
	if (fstat(fd, dir_st) != 0)
		dir_st->st_ino = 0;
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
			*over_limit = true;
			break;
		}
		for (i = 0; !err && i < (homes ? MTI_ARRAY_LEN(home_files) : 1); i++) {
			path = homes ? mti_asprintf("%s/%s/%s", dir, de->d_name, home_files[i].path)
			             : mti_asprintf("%s/%s", dir, de->d_name);
			err = path ? visit(ctx, path, homes ? home_files[i].kind : kind)
			           : MT_ERR_NOMEM;
			free(path);
		}
	}
	closedir(d);
	return err;
}

static void warn_over_limit(struct mt_trace *t, bool on_host, const char *dir)
{
	mti_warn(t, MT_ERR_LIMIT, 0, "persistence",
	         "%s%s holds more than %d entries: the rest were not looked at",
	         on_host ? "the host's " : "", dir, MTI_PERSIST_DIR_MAX);
}

static enum mt_err visit_layer_file(void *ctx, const char *path, enum mt_persist_kind kind)
{
	return check_file(ctx, path, kind);
}

/* Every persistence place of the writable layer. */
static enum mt_err search_layer(struct search *s)
{
	enum mt_err err = MT_OK;
	struct stat dir_st;
	bool over;
	size_t i;

	for (i = 0; !err && i <= MTI_ARRAY_LEN(places); i++) {
		bool homes = i == MTI_ARRAY_LEN(places);
		const char *path = homes ? "/home" : places[i].path;

		if (!homes && !places[i].dir) {
			err = check_file(s, path, places[i].kind);
			continue;
		}
		err = each_in_dir(s->root_fd, path, homes ? MT_PERSIST_SSH_KEYS : places[i].kind,
		                  homes, visit_layer_file, s, &over, &dir_st);
		if (!err && over)
			warn_over_limit(s->t, false, path);
	}
	return err;
}

/* Opens root as the search's root; false (with a warning) when it cannot. */
static bool open_root(struct mt_trace *t, const char *root, bool on_host, int *fd)
{
	*fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd >= 0)
		return true;
	mti_warn(t, mti_errno_to_err(errno), 0, "persistence", "cannot open %s%s: %s",
	         on_host ? "" : "the writable layer ", root, strerror(errno));
	return false;
}

/* The host's places are read once per session (a scan traces many
 * processes) and searched by every trace for its own miner. */
struct host_file {
	char *path;
	enum mt_persist_kind kind;
	struct stat st;
	struct mti_buf data;
	bool truncated;
	enum mt_err err; /* it could not be read */
	bool dir_over;   /* a directory with more entries than were read */
};

struct mti_host_files {
	enum mt_err open_err; /* the root itself did not open */
	char *root;
	struct host_file *v;
	size_t n, cap;
};

static enum mt_err host_add(struct mti_host_files *h, const char *path, enum mt_persist_kind kind,
                            struct host_file **out)
{
	struct host_file *f;

	if (mti_grow((void **)&h->v, &h->cap, h->n + 1, sizeof(*h->v)))
		return MT_ERR_NOMEM;
	f = &h->v[h->n];
	memset(f, 0, sizeof(*f));
	mti_buf_init(&f->data);
	f->kind = kind;
	f->path = mti_strdup(path);
	if (!f->path)
		return MT_ERR_NOMEM;
	h->n++;
	*out = f;
	return MT_OK;
}

struct host_load {
	struct mti_host_files *h;
	int root_fd;
};

static enum mt_err visit_host_file(void *ctx, const char *path, enum mt_persist_kind kind)
{
	struct host_load *l = ctx;
	struct host_file *f;
	struct mti_buf b;
	struct stat st;
	bool truncated, present;
	enum mt_err err;

	mti_buf_init(&b);
	err =
	    read_place_file(l->root_fd, path, MTI_PERSIST_HOST_READ, &st, &b, &truncated, &present);
	if (err == MT_ERR_NOMEM || (!err && !present)) {
		mti_buf_free(&b);
		return err;
	}
	if (host_add(l->h, path, kind, &f)) {
		mti_buf_free(&b);
		return MT_ERR_NOMEM;
	}
	f->err = err;
	f->st = st;
	f->data = b; /* owned by the index now */
	f->truncated = truncated;
	return MT_OK;
}

/* Reads every host place that can start the miner again (cron, the preload
 * list, systemd units); a directory seen under two names (/lib and /usr/lib
 * on a merged /usr) is read once. */
static enum mt_err host_load(struct mti_host_files *h, int root_fd)
{
	struct host_load l = {h, root_fd};
	struct stat seen[MTI_ARRAY_LEN(places)], dir_st;
	size_t n_seen = 0, i, k;
	enum mt_err err = MT_OK;
	bool over;

	for (i = 0; !err && i < MTI_ARRAY_LEN(places); i++) {
		struct host_file *f;

		if (places[i].kind != MT_PERSIST_CRON && places[i].kind != MT_PERSIST_PRELOAD &&
		    places[i].kind != MT_PERSIST_SYSTEMD_UNIT)
			continue;
		if (!places[i].dir) {
			err = visit_host_file(&l, places[i].path, places[i].kind);
			continue;
		}
		{
			/* identity first, so that a second name is skipped unread */
			int fd = mti_open_in_root(root_fd, places[i].path,
			                          O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			bool dup = false;

			if (fd < 0)
				continue;
			if (fstat(fd, &dir_st) == 0) {
				for (k = 0; k < n_seen && !dup; k++)
					dup = seen[k].st_ino == dir_st.st_ino &&
					      seen[k].st_dev == dir_st.st_dev;
				if (!dup)
					seen[n_seen++] = dir_st;
			}
			close(fd);
			if (dup)
				continue;
		}
		err = each_in_dir(root_fd, places[i].path, places[i].kind, false, visit_host_file,
		                  &l, &over, &dir_st);
		if (!err && over && !(err = host_add(h, places[i].path, places[i].kind, &f)))
			f->dir_over = true;
	}
	return err;
}

void mti_host_files_free(struct mti_host_files *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->n; i++) {
		free(h->v[i].path);
		mti_buf_free(&h->v[i].data);
	}
	free(h->v);
	free(h->root);
	free(h);
}

/* The index of host_root, read on first use into *cache. */
static enum mt_err host_files_get(struct mt_trace *t, const char *host_root,
                                  struct mti_host_files **cache)
{
	struct mti_host_files *h = *cache;
	enum mt_err err;
	int fd;

	if (h && strcmp(h->root, host_root) == 0)
		return MT_OK;
	mti_host_files_free(h);
	*cache = h = calloc(1, sizeof(*h));
	if (!h || !(h->root = mti_strdup(host_root)))
		return MT_ERR_NOMEM;
	if (!open_root(t, host_root, true, &fd)) {
		h->open_err = MT_ERR_IO;
		return MT_OK;
	}
	err = host_load(h, fd);
	close(fd);
	return err;
}

/* Reports the host files that name one of the needles, and a non-empty
 * preload list. */
static enum mt_err search_host(struct search *s, const struct mti_host_files *h)
{
	enum mt_err err = MT_OK;
	size_t i;

	for (i = 0; !err && i < h->n; i++) {
		const struct host_file *f = &h->v[i];
		const char *needle;
		char *why;

		if (f->dir_over) {
			warn_over_limit(s->t, true, f->path);
			continue;
		}
		if (f->err) {
			mti_warn(s->t, f->err, 0, "persistence", "cannot read the host's %s: %s",
			         f->path, mt_strerror(f->err));
			continue;
		}
		needle = named_in(s, f->data.data ? f->data.data : "", f->data.len);
		if (f->kind == MT_PERSIST_PRELOAD && f->data.len)
			why =
			    mti_strdup("the host's preload list is not empty: every program loads "
			               "what it lists");
		else if (needle)
			why = mti_asprintf("a host file that names the miner (%s)", needle);
		else
			continue;
		err = why ? add_item(s, f->kind, f->path, &f->st, &f->data, f->truncated, why)
		          : MT_ERR_NOMEM;
		free(why);
	}
	return err;
}

enum mt_err mti_persistence_read(struct mt_trace *t, const char *upperdir, const char *host_root,
                                 struct mti_host_files **host_cache)
{
	struct mt_persistence *ps = &t->postmortem.persistence;
	const struct mt_process *target = t->chain_len ? &t->chain[0] : NULL;
	struct search s = {t, -1, false, {NULL, NULL, NULL}, 0};
	enum mt_err err = MT_OK;

	if (upperdir && open_root(t, upperdir, false, &s.root_fd)) {
		ps->checked_container = true;
		err = search_layer(&s);
		close(s.root_fd);
		s.root_fd = -1;
	}
	/* The host is searched for the target's binary by path and by name;
	 * names shorter than 4 bytes would be found everywhere. */
	if (err || !host_root || !target || !target->exe.path || target->exe.memfd)
		return err;
	err = host_files_get(t, host_root, host_cache);
	if (err || (*host_cache)->open_err)
		return err;
	ps->checked_host = true;
	s.on_host = true;
	s.needles[s.n_needles++] = target->exe.path;
	if (strlen(mti_base_name(target->exe.path)) >= 4)
		s.needles[s.n_needles++] = mti_base_name(target->exe.path);
	if (target->comm && strlen(target->comm) >= 4 &&
	    strcmp(target->comm, mti_base_name(target->exe.path)) != 0)
		s.needles[s.n_needles++] = target->comm;
	return search_host(&s, *host_cache);
}
