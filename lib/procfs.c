/* Reading /proc (or a captured copy of it) like the kernel is racing us. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "proc_parse.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* Links in /proc are at most a page; captured trees use plain symlinks. */
#define MTI_CAP_LINK (64u * 1024u)

enum mt_err mti_errno_to_err(int e)
{
	switch (e) {
	case ENOENT:
	case ESRCH:
		return MT_ERR_VANISHED;
	case EACCES:
	case EPERM:
		return MT_ERR_PERMISSION;
	case ENOMEM:
		return MT_ERR_NOMEM;
	case ELOOP:
	case ENOTDIR:
		return MT_ERR_PARSE;
	default:
		return MT_ERR_IO;
	}
}

enum mt_err mti_procfs_open(const char *root, struct mti_procfs *pfs)
{
	struct statfs sfs;

	pfs->root_fd = -1;
	pfs->live = false;
	pfs->root = mti_strdup(root ? root : "/proc");
	if (!pfs->root)
		return MT_ERR_NOMEM;
	pfs->root_fd = open(pfs->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfs->root_fd < 0) {
		int e = errno;

		free(pfs->root);
		pfs->root = NULL;
		if (e == ENOENT || e == ENOTDIR)
			return MT_ERR_NO_PROCESS;
		return mti_errno_to_err(e);
	}
	if (fstatfs(pfs->root_fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
		pfs->live = true;
	return MT_OK;
}

void mti_procfs_close(struct mti_procfs *pfs)
{
	if (pfs->root_fd >= 0)
		close(pfs->root_fd);
	pfs->root_fd = -1;
	free(pfs->root);
	pfs->root = NULL;
}

enum mt_err mti_proc_open_pid(const struct mti_procfs *pfs, pid_t pid, int *dirfd)
{
	char name[24];
	int fd;

	*dirfd = -1;
	if (pid <= 0)
		return MT_ERR_INVALID_ARG;
	snprintf(name, sizeof(name), "%d", (int)pid);
	fd = openat(pfs->root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		enum mt_err err = mti_errno_to_err(errno);

		return err == MT_ERR_VANISHED ? MT_ERR_NO_PROCESS : err;
	}
	*dirfd = fd;
	return MT_OK;
}

enum mt_err mti_read_fd(int fd, size_t cap, struct mti_buf *out, bool *truncated)
{
	enum mt_err err;

	mti_buf_reset(out);
	if (truncated)
		*truncated = false;
	for (;;) {
		size_t room;
		ssize_t n;

		err = mti_buf_reserve(out, 4096);
		if (err)
			return err;
		room = out->cap - out->len - 1;
		if (out->len + room > cap + 1)
			room = cap + 1 - out->len;
		n = read(fd, out->data + out->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mti_errno_to_err(errno);
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		if (out->len > cap) {
			out->len = cap;
			out->data[out->len] = '\0';
			if (!truncated)
				return MT_ERR_TOO_LARGE;
			*truncated = true;
			return MT_OK;
		}
	}
	out->data[out->len] = '\0';
	return MT_OK;
}

/* Opens a regular file of a proc directory for reading into *fd: never
 * through a link, never anything else. A captured tree is hostile: a FIFO
 * would block the open or the read forever and opening a device node can
 * act on the device, so the type is checked before the open (O_NONBLOCK
 * covers a swap in between) and again on what was opened. */
static enum mt_err open_regular_at(int dirfd, const char *name, int *fd)
{
	struct stat st;
	enum mt_err err;

	*fd = -1;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return mti_errno_to_err(errno);
	if (!S_ISREG(st.st_mode))
		return MT_ERR_NOT_REGULAR;
	do {
		*fd =
		    openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	} while (*fd < 0 && errno == EINTR);
	if (*fd < 0)
		return mti_errno_to_err(errno);
	if (fstat(*fd, &st) != 0)
		err = mti_errno_to_err(errno);
	else if (!S_ISREG(st.st_mode))
		err = MT_ERR_NOT_REGULAR;
	else
		return MT_OK;
	close(*fd);
	*fd = -1;
	return err;
}

enum mt_err mti_read_at(int dirfd, const char *name, size_t cap, struct mti_buf *out,
                        bool *truncated)
{
	enum mt_err err;
	int fd;

	err = open_regular_at(dirfd, name, &fd);
	if (err)
		return err;
	err = mti_read_fd(fd, cap, out, truncated);
	close(fd);
	return err;
}

enum mt_err mti_read_record_at(int dirfd, const char *name, size_t cap, struct mti_buf *out,
                               bool *truncated)
{
	enum mt_err err;
	size_t room;
	ssize_t n;
	int fd;

	err = open_regular_at(dirfd, name, &fd);
	if (err)
		return err;
	mti_buf_reset(out);
	err = mti_buf_reserve(out, 4096);
	if (err) {
		close(fd);
		return err;
	}
	room = out->cap - 1 < cap ? out->cap - 1 : cap;
	do {
		n = read(fd, out->data, room);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n >= room) {
		/* an error, or a record larger than one read: the general way */
		err =
		    n < 0 ? mti_errno_to_err(errno) : mti_read_at(dirfd, name, cap, out, truncated);
		close(fd);
		return err;
	}
	out->len = (size_t)n;
	out->data[out->len] = '\0';
	if (truncated)
		*truncated = false;
	close(fd);
	return MT_OK;
}

enum mt_err mti_readlink_at(int dirfd, const char *name, char **out)
{
	size_t size = 256;
	char *buf = NULL;

	*out = NULL;
	for (;;) {
		ssize_t n;
		char *p = realloc(buf, size);

		if (!p) {
			free(buf);
			return MT_ERR_NOMEM;
		}
		buf = p;
		n = readlinkat(dirfd, name, buf, size);
		if (n < 0) {
			enum mt_err err = mti_errno_to_err(errno);

			free(buf);
			return err == MT_ERR_PARSE ? MT_ERR_IO : err;
		}
		if ((size_t)n < size) {
			buf[n] = '\0';
			*out = buf;
			return MT_OK;
		}
		if (size >= MTI_CAP_LINK) {
			free(buf);
			return MT_ERR_TOO_LARGE;
		}
		size *= 2;
	}
}

uint64_t mti_read_ns(int dirfd, const char *name)
{
	char path[32], *link = NULL;
	uint64_t ino = 0;

	snprintf(path, sizeof(path), "ns/%s", name);
	if (mti_readlink_at(dirfd, path, &link) == MT_OK)
		mti_parse_ns_link(link, &ino);
	free(link);
	return ino;
}

int mti_open_in_root_walk(int root_fd, const char *path, int flags)
{
	char comp[NAME_MAX + 1];
	int dir = fcntl(root_fd, F_DUPFD_CLOEXEC, 0), next;

	while (dir >= 0) {
		size_t len;

		while (*path == '/')
			path++;
		if (!*path) {
			next = openat(dir, ".", flags | O_CLOEXEC);
			close(dir);
			return next;
		}
		len = strcspn(path, "/");
		if (len > NAME_MAX) {
			close(dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, path, len);
		comp[len] = '\0';
		path += len;
		while (*path == '/')
			path++;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			close(dir);
			errno = EXDEV;
			return -1;
		}
		if (*path)
			next = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		else
			next = openat(dir, comp, flags | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		if (!*path || next < 0)
			return next;
		dir = next;
	}
	return -1;
}

int mti_open_in_root(int root_fd, const char *path, int flags)
{
	static volatile int no_openat2;
	struct open_how how;
	long fd;

	if (no_openat2)
		return mti_open_in_root_walk(root_fd, path, flags);
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	do {
		fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	} while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	if (fd < 0 && errno == ENOSYS) {
		/* kernels before 5.6, seccomp filters, valgrind */
		no_openat2 = 1;
		return mti_open_in_root_walk(root_fd, path, flags);
	}
	return (int)fd;
}
