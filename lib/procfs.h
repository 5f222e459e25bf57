/* Reading /proc (or a captured copy of it) like the kernel is racing us. */
#ifndef MTI_PROCFS_H
#define MTI_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

/* Caps on what we read from one /proc file. */
#define MTI_CAP_SMALL (64u * 1024u) /* stat, status, cgroup */
#define MTI_CAP_CMDLINE (256u * 1024u)
#define MTI_CAP_MOUNTINFO (4u * 1024u * 1024u)

struct mti_procfs {
	int root_fd; /* O_DIRECTORY fd of the proc root */
	char *root;  /* its path, for messages and host paths */
	bool live;   /* a real procfs, not a captured tree */
};

/* Opens the proc root. Errors: MT_ERR_NO_PROCESS if it does not exist,
 * MT_ERR_PERMISSION, MT_ERR_IO, MT_ERR_NOMEM. */
enum mt_err mti_procfs_open(const char *root, struct mti_procfs *pfs);
void mti_procfs_close(struct mti_procfs *pfs);

/* Opens <root>/<pid> as a directory fd. MT_ERR_NO_PROCESS when absent. */
enum mt_err mti_proc_open_pid(const struct mti_procfs *pfs, pid_t pid, int *dirfd);

/* Maps an errno from reading a file of a process dir to an error: a
 * process that went away reads as ENOENT or ESRCH. */
enum mt_err mti_errno_to_err(int e);

/* Reads the whole file name (relative to dirfd) into out, at most cap
 * bytes. With truncated NULL a longer file is MT_ERR_TOO_LARGE; otherwise
 * the first cap bytes are kept and *truncated is set. Only a regular file
 * is opened (O_NOFOLLOW|O_NONBLOCK, its type checked before and after):
 * a link, FIFO, socket or device is MT_ERR_NOT_REGULAR. */
enum mt_err mti_read_at(int dirfd, const char *name, size_t cap, struct mti_buf *out,
                        bool *truncated);

/* Reads a file the kernel hands out whole on each read: /proc/PID/stat
 * (one seq_file record) or cmdline (copied from the process's memory until
 * the count or the arguments end), for which a read shorter than asked is
 * the end of the file, as procps reads them: one read instead of two per
 * file when thousands are sampled. A file that fills the first read is
 * read again to its end like mti_read_at, with the same meaning of cap and
 * truncated. */
enum mt_err mti_read_record_at(int dirfd, const char *name, size_t cap, struct mti_buf *out,
                               bool *truncated);
/* Reads the whole file from an already open fd (see mti_read_at). */
enum mt_err mti_read_fd(int fd, size_t cap, struct mti_buf *out, bool *truncated);

/* readlinkat into a new string (*out, caller frees). */
enum mt_err mti_readlink_at(int dirfd, const char *name, char **out);

/* The inode of namespace name ("pid", "mnt", ...) from the link ns/<name>
 * under dirfd (a /proc/PID directory), 0 when unknown. */
uint64_t mti_read_ns(int dirfd, const char *name);

/* Opens path inside the directory root_fd without ever leaving it
 * (openat2 RESOLVE_IN_ROOT, no magic links: a symlink is followed, but an
 * absolute one starts again at root_fd). flags as for openat. Where openat2
 * is missing, falls back to mti_open_in_root_walk. Returns an fd or -1 with
 * errno set. */
int mti_open_in_root(int root_fd, const char *path, int flags);

/* The same without openat2: one component at a time with O_NOFOLLOW, so
 * every symlink (magic links included) and every ".." is refused (ELOOP,
 * ENOTDIR or EXDEV): stricter, never out of root_fd. */
int mti_open_in_root_walk(int root_fd, const char *path, int flags);

#endif
