/* Reading one process from /proc into the model. */
#ifndef MTI_PROCESS_H
#define MTI_PROCESS_H

#include <minertrace/minertrace.h>

#include "proc_parse.h"
#include "host.h"

#define MTI_ARGV_MAX_ITEMS 4096

struct mti_process_want {
	bool exe;
	bool hash;
	bool cgroup;
	bool cmdline;
	bool namespaces;
	bool cwd;
};

/* Reads process pid into p (zeroed first; release with mti_process_clear).
 * On MT_OK, *dirfd_out (if not NULL) is the open /proc/PID directory the
 * facts came from; the caller closes it. With want->hash and exe_fd not
 * NULL, the executable is not hashed here: *exe_fd is an open fd of it (or
 * -1) for the caller to hash and close.
 * Returns MT_ERR_NO_PROCESS when the PID does not exist, MT_ERR_PERMISSION
 * when its directory cannot be opened, MT_ERR_PARSE when stat is garbage,
 * MT_ERR_NOMEM. A process that exits half-way is returned with p->vanished
 * set and what was read so far. Other problems become warnings in t. */
enum mt_err mti_process_read(struct mti_host *h, struct mt_trace *t, pid_t pid,
                             const struct mti_process_want *want, struct mt_process *p,
                             int *dirfd_out, int *exe_fd);

/* Re-reads stat through dirfd: MT_OK and *st, or MT_ERR_VANISHED. */
enum mt_err mti_process_restat(int dirfd, struct mti_stat *st, struct mti_buf *scratch);

#endif
