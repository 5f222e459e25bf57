/* Spread (see spread.h). Every process of the proc root is opened as one
 * directory fd; its executable is stat'ed through "exe" (the inode even
 * when deleted) and, only when its size is the target's and the target was
 * hashed, hashed through the same link. */
#include "spread.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup_path.h"
#include "hash.h"
#include "proc_parse.h"
#include "procfs.h"
#include "runtime.h"
#include "shim.h"
#include "trace_model.h"
#include "util.h"

#define DELETED_SUFFIX " (deleted)"
#define SHIM_DEPTH 32 /* ancestors looked at for a containerd shim */

const char *mti_spread_match(const struct mt_exe *target, const char *name, uint64_t size,
                             unsigned dev_major, unsigned dev_minor, uint64_t ino,
                             const char *sha256)
{
	if (!target->have_stat || size != target->size)
		return NULL;
	if (ino && ino == target->inode && dev_major == target->dev_major &&
	    dev_minor == target->dev_minor)
		return "same-file";
	if (target->sha256[0])
		return sha256 && strcmp(sha256, target->sha256) == 0 ? "sha256" : NULL;
	return name && target->path && strcmp(name, mti_base_name(target->path)) == 0
	           ? "name-and-size"
	           : NULL;
}

/* The nearest containerd shim among pid's ancestors, when it names the
 * task whose default cgroup path is path (ctr run's /<namespace>/<id>):
 * that task's ID, a new string; else NULL. */
static char *shim_task(const struct mti_procfs *pfs, pid_t pid, const char *path,
                       struct mti_buf *b)
{
	char *id = NULL;
	int depth;

	for (depth = 0; depth < SHIM_DEPTH && pid > 1 && !id; depth++) {
		struct mti_stat st;
		struct mti_shim shim;
		char **argv = NULL;
		size_t argc = 0;
		bool shim_found, cut;
		int dirfd;

		if (mti_proc_open_pid(pfs, pid, &dirfd) != MT_OK)
			return NULL;
		if (mti_read_at(dirfd, "stat", MTI_CAP_SMALL, b, NULL) != MT_OK || !b->len ||
		    mti_parse_stat(b->data, b->len, &st) != MT_OK) {
			close(dirfd);
			return NULL;
		}
		pid = st.ppid;
		shim_found = depth > 0 &&
		             mti_read_at(dirfd, "cmdline", MTI_CAP_SMALL, b, NULL) == MT_OK &&
		             mti_split_nul(b->data ? b->data : "", b->len, 64, &argv, &argc, &cut) ==
		                 MT_OK &&
		             mti_shim_parse(argv, argc, &shim);
		close(dirfd);
		if (shim_found && shim.id && mti_shim_cgroup_matches(path, shim.namespace, shim.id))
			id = mti_strdup(shim.id);
		mti_strv_free(argv, argc);
		if (shim_found)
			break;
	}
	return id;
}

/* The container ID of process pid (its /proc directory dirfd): its
 * cgroup's, or for a host-looking cgroup the containerd task its shim
 * names; NULL on the host. */
static char *container_of(const struct mti_procfs *pfs, pid_t pid, int dirfd, struct mti_buf *b)
{
	struct mt_cgroup_info cg;
	char *id = NULL;

	if (mti_read_at(dirfd, "cgroup", MTI_CAP_SMALL, b, NULL) != MT_OK)
		return NULL;
	memset(&cg, 0, sizeof(cg));
	if (mti_cgroup_parse(b->data ? b->data : "", b->len, &cg) == MT_OK) {
		if (cg.scope == MT_SCOPE_CONTAINER)
			id = mti_strdup(cg.container.id);
		else if (cg.scope == MT_SCOPE_HOST && cg.path && cg.path[0] == '/' &&
		         strchr(cg.path + 1, '/'))
			id = shim_task(pfs, pid, cg.path, b);
	}
	mti_cgroup_info_free(&cg);
	return id;
}

static enum mt_err add_proc(const struct mti_procfs *pfs, struct mt_spread *sp, pid_t pid,
                            int dirfd, const char *exe, const char *match, struct mti_buf *b)
{
	struct mt_spread_proc *p;

	if (mti_append_capped((void **)&sp->procs, &sp->n_procs, MTI_SPREAD_MAX, sizeof(*p),
	                      &sp->truncated, (void **)&p))
		return MT_ERR_NOMEM;
	if (!p)
		return MT_OK;
	p->pid = pid;
	p->exe_path = mti_strdup(exe);
	p->match = mti_strdup(match);
	if (mti_read_at(dirfd, "comm", MTI_CAP_SMALL, b, NULL) == MT_OK && b->len) {
		p->comm = mti_strndup(b->data, b->data[b->len - 1] == '\n' ? b->len - 1 : b->len);
		if (!p->comm)
			return MT_ERR_NOMEM;
	}
	p->container_id = container_of(pfs, pid, dirfd, b);
	return p->exe_path && p->match ? MT_OK : MT_ERR_NOMEM;
}

/* Every process's executable by identity, read once per session (a scan
 * traces many findings, each looking for its binary everywhere), and the
 * hashes taken of them. */
struct exe_entry {
	pid_t pid;
	dev_t dev;
	ino_t ino;
	uint64_t size;
};

struct hashed_file {
	dev_t dev;
	ino_t ino;
	uint64_t size;
	int64_t mtime_ns;
	char sha256[65];
};

struct mti_exe_index {
	struct exe_entry *v;
	size_t n, cap;
	bool truncated; /* more processes than MTI_SPREAD_SCAN */
	struct hashed_file *hashed;
	size_t n_hashed, cap_hashed;
};

void mti_exe_index_free(struct mti_exe_index *x)
{
	if (!x)
		return;
	free(x->v);
	free(x->hashed);
	free(x);
}

/* Lists the processes of the proc root with their executable's identity
 * (one stat through each "exe" link); kernel threads and processes whose
 * link cannot be followed are left out. */
static enum mt_err index_build(const struct mti_procfs *pfs, struct mti_exe_index *x)
{
	enum mt_err err = MT_OK;
	struct dirent *de;
	size_t seen = 0;
	DIR *d;
	int fd;

	fd = openat(pfs->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return MT_OK;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return MT_OK;
	}
	while (!err && (de = readdir(d)) != NULL) {
		char path[32];
		struct stat st;
		pid_t pid;

		if (!mti_parse_pid(de->d_name, &pid))
			continue;
		if (++seen > MTI_SPREAD_SCAN) {
			x->truncated = true;
			break;
		}
		snprintf(path, sizeof(path), "%d/exe", (int)pid);
		if (fstatat(pfs->root_fd, path, &st, 0) != 0)
			continue;
		err = mti_grow((void **)&x->v, &x->cap, x->n + 1, sizeof(*x->v));
		if (!err)
			x->v[x->n++] =
			    (struct exe_entry){pid, st.st_dev, st.st_ino, (uint64_t)st.st_size};
	}
	closedir(d);
	return err;
}

/* The SHA-256 of the executable behind fd (identity st) into sha, hashed
 * once per session; "" when it cannot be read. */
static void hash_once(struct mti_exe_index *x, int fd, const struct stat *st, char sha[65])
{
	int64_t mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	struct hashed_file *h;
	size_t i;

	for (i = 0; i < x->n_hashed; i++) {
		h = &x->hashed[i];
		if (h->dev == st->st_dev && h->ino == st->st_ino &&
		    h->size == (uint64_t)st->st_size && h->mtime_ns == mtime) {
			memcpy(sha, h->sha256, 65);
			return;
		}
	}
	if (mti_sha256_fd(fd, MTI_HASH_MAX_BYTES, sha, NULL) != MT_OK)
		sha[0] = '\0';
	if (x->n_hashed < MTI_SPREAD_HASHED &&
	    mti_grow((void **)&x->hashed, &x->cap_hashed, x->n_hashed + 1, sizeof(*x->hashed)) ==
	        MT_OK) {
		h = &x->hashed[x->n_hashed++];
		*h = (struct hashed_file){st->st_dev, st->st_ino, (uint64_t)st->st_size, mtime, ""};
		memcpy(h->sha256, sha, 65);
	}
}

/* Looks at one process whose executable had the target's size; its match
 * (if any) is added. Read again: it may have changed since the index. */
static enum mt_err check_pid(const struct mti_procfs *pfs, struct mti_exe_index *x,
                             struct mt_trace *t, pid_t pid, struct mti_buf *b)
{
	const struct mt_exe *target = &t->chain[0].exe;
	char sha[65] = "", *link = NULL;
	const char *match;
	enum mt_err err = MT_OK;
	struct stat st;
	size_t len;
	int dirfd, fd;

	if (mti_proc_open_pid(pfs, pid, &dirfd) != MT_OK)
		return MT_OK;
	if (fstatat(dirfd, "exe", &st, 0) != 0 || (uint64_t)st.st_size != target->size ||
	    mti_readlink_at(dirfd, "exe", &link) != MT_OK)
		goto out;
	len = strlen(link);
	if (mti_str_ends(link, DELETED_SUFFIX))
		link[len - strlen(DELETED_SUFFIX)] = '\0';
	if (target->sha256[0] &&
	    !((uint64_t)st.st_ino == target->inode && major(st.st_dev) == target->dev_major &&
	      minor(st.st_dev) == target->dev_minor)) {
		fd = openat(dirfd, "exe", O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			hash_once(x, fd, &st, sha);
			close(fd);
		}
	}
	match = mti_spread_match(target, mti_base_name(link), (uint64_t)st.st_size,
	                         major(st.st_dev), minor(st.st_dev), (uint64_t)st.st_ino, sha);
	if (match)
		err = add_proc(pfs, &t->postmortem.spread, pid, dirfd, link, match, b);
out:
	free(link);
	close(dirfd);
	return err;
}

/* Counts the distinct containers of the matches other than the target's. */
static void count_containers(struct mt_trace *t)
{
	struct mt_spread *sp = &t->postmortem.spread;
	const char *own =
	    t->chain[0].container_index >= 0 ? t->containers[t->chain[0].container_index].id : NULL;
	size_t i, k;

	sp->n_other_containers = 0;
	for (i = 0; i < sp->n_procs; i++) {
		const char *id = sp->procs[i].container_id;
		bool seen = !id || (own && strcmp(id, own) == 0);

		for (k = 0; k < i && !seen; k++)
			seen =
			    sp->procs[k].container_id && strcmp(sp->procs[k].container_id, id) == 0;
		sp->n_other_containers += !seen;
	}
}

void mti_spread_mark_running(struct mt_spread *sp)
{
	struct mt_spread_image *si = &sp->same_image;
	size_t i, k;

	si->n_running_miner = 0;
	for (i = 0; i < si->n_containers; i++) {
		struct mt_spread_container *c = &si->containers[i];

		c->runs_miner = false;
		for (k = 0; k < sp->n_procs && !c->runs_miner; k++)
			c->runs_miner = sp->procs[k].container_id &&
			                strcmp(sp->procs[k].container_id, c->id) == 0;
		si->n_running_miner += c->runs_miner;
	}
}

int mti_spread_file_in_layer(int upper_fd, const struct mt_exe *target)
{
	char sha[65] = "";
	struct stat st;
	int fd, same = 0;

	/* Never blocking on a FIFO, never following a link out of the layer. */
	fd = mti_open_in_root(upper_fd, target->path,
	                      O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == target->size)
		same = !target->sha256[0] ||
		       (mti_sha256_fd(fd, MTI_HASH_MAX_BYTES, sha, NULL) == MT_OK &&
		        strcmp(sha, target->sha256) == 0);
	close(fd);
	return same;
}

/* Searches the writable layers of the first MTI_SPREAD_LAYERS containers
 * (own's runtime knows them). */
static enum mt_err search_layers(struct mti_runtime *rt, const struct mti_procfs *pfs,
                                 const struct mt_container *own, struct mt_trace *t)
{
	struct mt_spread_image *si = &t->postmortem.spread.same_image;
	const struct mt_exe *target = &t->chain[0].exe;
	enum mt_err err = MT_OK;
	size_t i;

	if (!pfs->live || !target->path || target->path[0] != '/')
		return MT_OK;
	for (i = 0; !err && i < si->n_containers && i < MTI_SPREAD_LAYERS; i++) {
		struct mt_spread_container *c = &si->containers[i];
		char *upper = NULL;
		int dfd;

		err = mti_runtime_upper_dir(rt, own, c->id, &upper);
		dfd = upper && upper[0] == '/'
		          ? open(upper, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		          : -1;
		free(upper);
		if (dfd < 0)
			continue;
		c->file_in_layer = mti_spread_file_in_layer(dfd, target);
		close(dfd);
		si->layers_looked_at++;
		si->n_file_in_layer += c->file_in_layer == 1;
	}
	return err;
}

enum mt_err mti_spread_image_words(struct mt_spread_image *si)
{
	struct mti_buf b;
	enum mt_err err;

	mti_buf_init(&b);
	if (!si->n_containers)
		err = mti_buf_puts(&b, "No other container of the same image exists");
	else
		err =
		    mti_buf_printf(&b,
		                   "%zu more container%s of the same image%s; the same miner runs "
		                   "in %zu of them",
		                   si->n_containers, si->n_containers == 1 ? "" : "s",
		                   si->truncated ? " (and more)" : "", si->n_running_miner);
	if (!err && si->layers_looked_at)
		err = mti_buf_printf(
		    &b,
		    "; the same file lies in the writable layer of %zu container%s "
		    "(%zu searched)",
		    si->n_file_in_layer, si->n_file_in_layer == 1 ? "" : "s", si->layers_looked_at);
	if (err) {
		mti_buf_free(&b);
		return err;
	}
	free(si->text);
	si->text = mti_buf_steal(&b);
	return si->text ? MT_OK : MT_ERR_NOMEM;
}

enum mt_err mti_spread_containers(struct mti_runtime *rt, const struct mti_procfs *pfs,
                                  struct mt_trace *t)
{
	const struct mt_container *own;
	enum mt_err err;

	if (!t->chain_len || t->chain[0].container_index < 0 || !t->chain[0].exe.have_stat)
		return MT_OK;
	own = &t->containers[t->chain[0].container_index];
	if (!own->engine || !own->engine->image_id)
		return MT_OK;
	err = mti_runtime_same_image(rt, t, own, &t->postmortem.spread.same_image);
	if (!err)
		mti_spread_mark_running(&t->postmortem.spread);
	if (!err && !t->chain[0].exe.memfd)
		err = search_layers(rt, pfs, own, t);
	if (!err && t->postmortem.spread.same_image.checked)
		err = mti_spread_image_words(&t->postmortem.spread.same_image);
	return err;
}

enum mt_err mti_spread_read(const struct mti_procfs *pfs, struct mti_exe_index **index,
                            struct mt_trace *t)
{
	struct mt_spread *sp = &t->postmortem.spread;
	const struct mt_exe *target;
	struct mti_exe_index *x;
	enum mt_err err = MT_OK;
	struct mti_buf b;
	size_t i;

	if (!pfs->live || !t->chain_len || !t->chain[0].exe.have_stat || t->chain[0].exe.memfd)
		return MT_OK;
	target = &t->chain[0].exe;
	if (!*index) {
		*index = calloc(1, sizeof(**index));
		if (!*index)
			return MT_ERR_NOMEM;
		err = index_build(pfs, *index);
		if (err)
			return err;
	}
	x = *index;
	mti_buf_init(&b);
	sp->checked = true;
	sp->truncated = x->truncated;
	for (i = 0; !err && i < x->n; i++) {
		if (x->v[i].pid == t->chain[0].pid)
			continue;
		sp->processes_seen++;
		if (x->v[i].size == target->size)
			err = check_pid(pfs, x, t, x->v[i].pid, &b);
	}
	mti_buf_free(&b);
	count_containers(t);
	return err;
}
