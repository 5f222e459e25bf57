/* What a process runs: the exe link, deletion, memfd, stat and SHA-256.
 *
 * The content is always read through /proc/PID/exe, which the kernel keeps
 * pointing at the running file even after it was unlinked, and never through
 * a path inside the container (which the attacker could swap or symlink).
 */
#include "exe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "hash.h"
#include "rules.h"
#include "trace_model.h"
#include "util.h"

#define DELETED_SUFFIX " (deleted)"
#define MEMFD_PREFIX "/memfd:"

/* True when path, resolved inside the process's root, is the very file the
 * process runs: then " (deleted)" was part of its real name. */
static bool literal_name_exists(int dirfd, const char *full_link, const struct stat *exe_st)
{
	struct stat st;
	int root, fd;
	bool same = false;

	root = openat(dirfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return false;
	fd = mti_open_in_root(root, full_link, O_PATH | O_NOFOLLOW);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0 && st.st_dev == exe_st->st_dev &&
		    st.st_ino == exe_st->st_ino)
			same = true;
		close(fd);
	}
	close(root);
	return same;
}

void mti_exe_split_link(const char *link, const char *comm, char *buf, size_t len,
                        struct mt_exe *e)
{
	memset(e, 0, sizeof(*e));
	mti_strlcpy(buf, link, len);
	e->deleted = mti_str_ends(buf, DELETED_SUFFIX);
	if (e->deleted)
		buf[strlen(buf) - strlen(DELETED_SUFFIX)] = '\0';
	e->path = buf;
	e->memfd = mti_str_starts(buf, MEMFD_PREFIX);
	if (e->memfd) {
		e->memfd_name = buf + strlen(MEMFD_PREFIX);
		e->runtime_memfd = mti_is_runtime_memfd(e->memfd_name, comm);
	}
}

enum mt_err mti_exe_read(const struct mti_procfs *pfs, struct mt_trace *t, int dirfd, pid_t pid,
                         const char *comm, bool hash, int *hash_fd, struct mt_exe *exe)
{
	char *link = NULL;
	struct mt_exe parts;
	struct stat st;
	enum mt_err err;
	size_t len;
	int fd;

	memset(exe, 0, sizeof(*exe));
	if (hash_fd)
		*hash_fd = -1;
	err = mti_readlink_at(dirfd, "exe", &link);
	if (err == MT_ERR_VANISHED) {
		/* Kernel threads and zombies have no exe; a vanished process has no dir. */
		return MT_OK;
	}
	if (err == MT_ERR_NOMEM)
		return err;
	if (err) {
		mti_warn(t, err, pid, "exe", "cannot read the executable link: %s",
		         mt_strerror(err));
		return MT_OK;
	}
	exe->readable = true;
	len = strlen(link) + 1;
	if (!(exe->path = malloc(len))) {
		free(link);
		return MT_ERR_NOMEM;
	}
	mti_exe_split_link(link, comm, exe->path, len, &parts);
	exe->deleted = parts.deleted;
	exe->memfd = parts.memfd;
	exe->runtime_memfd = parts.runtime_memfd;
	if (parts.memfd && !(exe->memfd_name = mti_strdup(parts.memfd_name))) {
		free(link);
		return MT_ERR_NOMEM;
	}
	exe->host_path =
	    mti_asprintf("%s/%d/root%s", pfs->root, (int)pid, exe->memfd ? "" : exe->path);
	if (!exe->host_path) {
		free(link);
		return MT_ERR_NOMEM;
	}
	if (!pfs->live) {
		/* A captured tree has the link text only: following it would read
		 * the analyst's own files. */
		free(link);
		return MT_OK;
	}
	if (fstatat(dirfd, "exe", &st, 0) != 0) {
		err = mti_errno_to_err(errno);
		free(link);
		if (err == MT_ERR_VANISHED)
			return err;
		mti_warn(t, err, pid, "exe", "cannot stat the executable: %s", mt_strerror(err));
		return MT_OK;
	}
	exe->have_stat = true;
	exe->size = (uint64_t)st.st_size;
	exe->inode = (uint64_t)st.st_ino;
	exe->dev_major = major(st.st_dev);
	exe->dev_minor = minor(st.st_dev);
	exe->nlink = (uint64_t)st.st_nlink;
	exe->mode = (uint32_t)st.st_mode;
	if (exe->deleted && !exe->memfd && st.st_nlink > 0 &&
	    literal_name_exists(dirfd, link, &st)) {
		/* A file really named "x (deleted)": a trick, not a deletion. */
		exe->deleted = false;
		free(exe->path);
		exe->path = link;
		link = NULL;
		free(exe->host_path);
		exe->host_path = mti_asprintf("%s/%d/root%s", pfs->root, (int)pid, exe->path);
		if (!exe->host_path)
			return MT_ERR_NOMEM;
		mti_warn(t, MT_OK, pid, "exe",
		         "the executable's name itself ends in \" (deleted)\": it was not deleted");
	}
	free(link);
	if (!hash)
		return MT_OK;
	fd = openat(dirfd, "exe", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = mti_errno_to_err(errno);
		if (err == MT_ERR_VANISHED)
			return err;
		mti_warn(t, err, pid, "exe", "cannot open the executable to hash it: %s",
		         mt_strerror(err));
		return MT_OK;
	}
	if (hash_fd) {
		*hash_fd = fd;
		return MT_OK;
	}
	err = mti_sha256_fd(fd, MTI_HASH_MAX_BYTES, exe->sha256, NULL);
	close(fd);
	if (err == MT_ERR_NOMEM)
		return err;
	if (err) {
		exe->sha256[0] = '\0';
		mti_warn(t, err, pid, "exe", "cannot hash the executable: %s", mt_strerror(err));
	}
	return MT_OK;
}
