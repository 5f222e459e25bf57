/* Where the target's binary came from.
 *
 * The process's own mountinfo names its root mount. For an overlay root the
 * exe's inode is looked up in the writable layer (upperdir) and in each image
 * layer (lowerdir), always resolved inside that directory (openat2
 * RESOLVE_IN_ROOT), so a symlink planted in the container cannot lead us out.
 * A deleted exe is decided by its link count: only a writable-layer file can
 * be unlinked; an image file can only be hidden by a whiteout and keeps its
 * link in the lower layer.
 */
#include "origin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exe.h"
#include "mountinfo.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

struct layer_hit {
	bool found;
	bool inode_match;
};

/* Looks path up inside the directory dir; fills hit. */
static void lookup_in_layer(struct mt_trace *t, pid_t pid, const char *dir, const char *path,
                            uint64_t inode, struct layer_hit *hit)
{
	struct stat st;
	int dfd, fd;

	hit->found = false;
	hit->inode_match = false;
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		enum mt_err err = mti_errno_to_err(errno);

		mti_warn(t, err == MT_ERR_VANISHED ? MT_ERR_NOT_FOUND : err, pid, "overlay",
		         "cannot open layer directory %s: %s", dir, strerror(errno));
		return;
	}
	fd = mti_open_in_root(dfd, path, O_PATH | O_NOFOLLOW);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			hit->found = true;
			hit->inode_match = (uint64_t)st.st_ino == inode;
		}
		close(fd);
	}
	close(dfd);
}

/* The deepest mount point covering path, whatever its device. */
static const struct mti_mount *covering_mount(const struct mti_mounts *m, const char *path)
{
	const struct mti_mount *best = NULL;
	size_t i, best_len = 0;

	for (i = 0; i < m->n; i++) {
		const char *mp = m->v[i].mount_point;
		size_t l = strlen(mp);
		bool covers = strcmp(mp, "/") == 0 ||
		              (strncmp(mp, path, l) == 0 && (path[l] == '/' || path[l] == '\0'));

		if (covers && (!best || l >= best_len)) {
			best = &m->v[i];
			best_len = l;
		}
	}
	return best;
}

static enum mt_err set_mount(struct mt_origin *o, const struct mti_mount *mnt)
{
	o->mount_point = mti_strdup(mnt->mount_point);
	o->mount_fstype = mti_strdup(mnt->fstype);
	o->mount_source = mti_strdup(mnt->source);
	return o->mount_point && o->mount_fstype && o->mount_source ? MT_OK : MT_ERR_NOMEM;
}

/* Decides the overlay case once the layers were searched. */
static enum mt_err decide_overlay(struct mt_origin *o, const struct mt_exe *exe,
                                  const struct layer_hit *upper, bool lower_inode_match)
{
	if (exe->deleted && exe->nlink == 0) {
		o->kind = MT_ORIGIN_WRITABLE_LAYER;
		o->unlinked = true;
		o->detail = mti_asprintf(
		    "deleted after it started and its link count is 0: only a file in the "
		    "container's writable layer can be unlinked (an image file can only be "
		    "hidden by a whiteout), so it was dropped into the container after the "
		    "image was built");
	} else if (exe->deleted) {
		o->whiteout_hidden = o->lower_index >= 0;
		o->kind = o->lower_index >= 0 ? MT_ORIGIN_IMAGE_LAYER : MT_ORIGIN_UNKNOWN;
		o->detail = mti_asprintf(
		    "deleted inside the container but still linked (link count %llu)%s",
		    (unsigned long long)exe->nlink,
		    o->lower_index >= 0 ? ": an image file hidden by a whiteout"
		                        : "; no image layer holds it");
	} else if (upper->found && upper->inode_match) {
		o->kind = MT_ORIGIN_WRITABLE_LAYER;
		o->detail = mti_asprintf(
		    "the running file is in the container's writable layer (same inode "
		    "%llu): written after the image was built%s",
		    (unsigned long long)exe->inode,
		    o->lower_index >= 0 ? ", replacing a file of the same path in the image" : "");
	} else if (o->lower_index >= 0 && lower_inode_match) {
		o->kind = MT_ORIGIN_IMAGE_LAYER;
		o->detail = mti_asprintf("shipped in image layer %d (same inode %llu); the "
		                         "writable layer does not hold it",
		                         o->lower_index, (unsigned long long)exe->inode);
	} else if (upper->found && o->lower_index < 0) {
		o->kind = MT_ORIGIN_WRITABLE_LAYER;
		o->detail = mti_asprintf("only the writable layer holds this path (the inode "
		                         "differs: the file was replaced after start)");
	} else if (o->lower_index >= 0 && !upper->found) {
		o->kind = MT_ORIGIN_IMAGE_LAYER;
		o->detail = mti_asprintf("image layer %d holds this path, the writable layer "
		                         "does not (inode not confirmed)",
		                         o->lower_index);
	} else {
		o->kind = MT_ORIGIN_UNKNOWN;
		o->detail = mti_asprintf(
		    "%s: the file was moved or replaced after the process started",
		    upper->found ? "both the image and the writable layer hold this path "
		                   "but neither is the running inode"
		                 : "no layer holds this path any more");
	}
	return o->detail ? MT_OK : MT_ERR_NOMEM;
}

static enum mt_err analyse_overlay(const struct mti_procfs *pfs, struct mt_trace *t,
                                   const struct mt_process *p, const struct mti_mount *root,
                                   const char *engine_upperdir, struct mt_origin *o)
{
	const struct mt_exe *exe = &p->exe;
	struct layer_hit upper = {false, false}, hit;
	char **lowers = NULL, *lowerdir = NULL;
	size_t n_lowers = 0, i;
	bool lower_inode_match = false;
	enum mt_err err;

	(void)pfs;
	err = mti_mount_option(root, "upperdir", &o->upperdir);
	if (err == MT_ERR_NOMEM)
		return err;
	if (err && engine_upperdir) {
		o->upperdir = mti_strdup(engine_upperdir);
		if (!o->upperdir)
			return MT_ERR_NOMEM;
	}
	err = mti_mount_option(root, "lowerdir", &lowerdir);
	if (err == MT_ERR_NOMEM)
		return err;
	if (lowerdir) {
		err = mti_split_lowerdir(lowerdir, &lowers, &n_lowers);
		free(lowerdir);
		if (err)
			return err;
	}
	o->analysed = true;
	if (o->upperdir) {
		o->upper_path = mti_asprintf("%s%s", o->upperdir, exe->path);
		if (!o->upper_path) {
			err = MT_ERR_NOMEM;
			goto out;
		}
		lookup_in_layer(t, p->pid, o->upperdir, exe->path, exe->inode, &upper);
		o->in_upper = upper.found;
		o->inode_match = upper.found && upper.inode_match;
	} else {
		mti_warn(t, MT_ERR_NOT_FOUND, p->pid, "overlay",
		         "the overlay root names no writable layer");
	}
	for (i = 0; i < n_lowers; i++) {
		lookup_in_layer(t, p->pid, lowers[i], exe->path, exe->inode, &hit);
		if (hit.found) {
			o->lower_index = (int)i;
			lower_inode_match = hit.inode_match;
			o->lower_path = mti_asprintf("%s%s", lowers[i], exe->path);
			if (!o->lower_path) {
				err = MT_ERR_NOMEM;
				goto out;
			}
			break;
		}
	}
	err = decide_overlay(o, exe, &upper, lower_inode_match);
out:
	mti_strv_free(lowers, n_lowers);
	return err;
}

enum mt_err mti_origin_analyse(const struct mti_procfs *pfs, struct mt_trace *t, int dirfd,
                               const struct mt_process *p, bool in_container,
                               const char *engine_upperdir, struct mt_origin *o)
{
	const struct mt_exe *exe = &p->exe;
	const struct mti_mount *root, *holder;
	struct mti_mounts mounts = {NULL, 0};
	struct mti_buf b;
	enum mt_err err = MT_OK;

	mti_origin_clear(o);
	mti_buf_init(&b);
	if (!exe->readable || !exe->path) {
		o->detail = mti_asprintf("the executable link could not be read");
		goto out;
	}
	if (exe->memfd) {
		o->kind = MT_ORIGIN_MEMFD;
		o->analysed = true;
		o->detail = mti_asprintf("runs from an anonymous memory file (memfd \"%s\"): "
		                         "fileless, nothing of it is on disk",
		                         exe->memfd_name ? exe->memfd_name : "");
		goto out;
	}
	if (!pfs->live) {
		o->detail = mti_asprintf("a captured /proc tree: the file systems cannot be "
		                         "examined");
		goto out;
	}
	if (!exe->have_stat) {
		o->detail = mti_asprintf("the executable could not be examined");
		goto out;
	}
	err = mti_read_at(dirfd, "mountinfo", MTI_CAP_MOUNTINFO, &b, NULL);
	if (err == MT_ERR_NOMEM)
		goto out;
	if (err || mti_mounts_parse(b.data, b.len, &mounts)) {
		mti_warn(t, err ? err : MT_ERR_PARSE, p->pid, "mountinfo",
		         "cannot read the process's mount table: %s",
		         mt_strerror(err ? err : MT_ERR_PARSE));
		err = MT_OK;
		o->detail = mti_asprintf("the process's mount table could not be read");
		goto out;
	}
	root = mti_mounts_root(&mounts);
	if (root && !(o->root_fstype = mti_strdup(root->fstype))) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	holder = mti_mounts_for_file(&mounts, exe->dev_major, exe->dev_minor, exe->path);
	if (!holder)
		holder = covering_mount(&mounts, exe->path);
	if (holder && (err = set_mount(o, holder)))
		goto out;
	if (!in_container) {
		o->kind = MT_ORIGIN_HOST;
		o->analysed = true;
		o->detail = mti_asprintf("a host file on the %s mount at %s",
		                         holder ? holder->fstype : "unknown",
		                         holder ? holder->mount_point : "?");
		goto out;
	}
	if (holder && holder != root) {
		o->kind = MT_ORIGIN_MOUNT;
		o->analysed = true;
		o->detail = mti_asprintf("held by the %s mount at %s inside the container "
		                         "(source %s), not by the image or its writable layer",
		                         holder->fstype, holder->mount_point, holder->source);
		goto out;
	}
	if (!root) {
		o->detail = mti_asprintf("the process's mount table has no root mount");
		goto out;
	}
	if (strcmp(root->fstype, "overlay") != 0) {
		o->detail = mti_asprintf("the container's root is a %s file system; telling the "
		                         "image from the writable layer needs overlay",
		                         root->fstype);
		goto out;
	}
	err = analyse_overlay(pfs, t, p, root, engine_upperdir, o);
out:
	if (!err && !o->detail)
		err = MT_ERR_NOMEM;
	mti_mounts_free(&mounts);
	mti_buf_free(&b);
	return err;
}
