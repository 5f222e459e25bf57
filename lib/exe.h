/* What a process runs: the exe link, deletion, memfd, stat and SHA-256. */
#ifndef MTI_EXE_H
#define MTI_EXE_H

#include <minertrace/minertrace.h>

#include "session.h"

/* Fills exe for the process whose /proc directory is dirfd. comm helps to
 * tell runc's own memfd from a miner hiding behind the same name. With
 * hash and hash_fd not NULL, the executable is opened but not hashed: *hash_fd
 * (or -1) is for the caller to hash later and close.
 * Problems become warnings in t (may be NULL); returns MT_ERR_NOMEM or
 * MT_ERR_VANISHED when the process went away, else MT_OK. */
enum mt_err mti_exe_read(struct mt_session *s, struct mt_trace *t, int dirfd, pid_t pid,
                         const char *comm, bool hash, int *hash_fd, struct mt_exe *exe);

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
