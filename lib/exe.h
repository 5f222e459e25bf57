/* What a process runs: the exe link, deletion, memfd, stat and SHA-256. */
#ifndef MTI_EXE_H
#define MTI_EXE_H

#include <minertrace/minertrace.h>

#include "procfs.h"

/* Fills exe for the process whose /proc directory is dirfd. comm helps to
 * tell runc's own memfd from a miner hiding behind the same name. With
 * hash and hash_fd not NULL, the executable is opened but not hashed: *hash_fd
 * (or -1) is for the caller to hash later and close.
 * Problems become warnings in t (may be NULL); returns MT_ERR_NOMEM or
 * MT_ERR_VANISHED when the process went away, else MT_OK. */
enum mt_err mti_exe_read(const struct mti_procfs *pfs, struct mt_trace *t, int dirfd, pid_t pid,
                         const char *comm, bool hash, int *hash_fd, struct mt_exe *exe);

/* What the text of an exe link says, without reading anything: copies the
 * link without its " (deleted)" into buf (len bytes, truncated to fit) and
 * sets e->path to buf, e->deleted, e->memfd and e->runtime_memfd, and
 * e->memfd_name pointing into buf. e is zeroed first; it owns nothing. */
void mti_exe_split_link(const char *link, const char *comm, char *buf, size_t len,
                        struct mt_exe *e);

#endif
