/* The host we run on: its proc root, its clock and boot time, our own
 * namespaces, its names, its users and its preload state, read once per
 * session. The stages that need host facts take this handle (or only its
 * procfs), never the session. */
#ifndef MTI_HOST_H
#define MTI_HOST_H

#include <stdint.h>
#include <sys/types.h>

#include <minertrace/minertrace.h>

#include "passwd.h"
#include "procfs.h"

struct mti_host {
	struct mti_procfs pfs; /* the proc root */
	char *etc_root;        /* where the user table is read */
	long clk_tck;
	long page_size;
	bool have_btime;
	uint64_t btime;       /* boot time, seconds since the epoch */
	uint64_t self_ns_pid; /* our own namespaces, 0 when unknown */
	uint64_t self_ns_mnt;
	uint64_t self_ns_cgroup;
	char *hostname; /* NULL when not readable */
	char *kernel;
	char *boot_id;
	struct mt_preload_report preload;
	bool users_loaded;
	struct mti_passwd users;
	bool cgroup_tried;
	enum mt_err cgroup_err;
};

/* Opens the proc root and reads the host's facts into h (zeroed first;
 * release with mti_host_close). Errors: those of mti_procfs_open, and
 * MT_ERR_NOMEM. */
enum mt_err mti_host_open(const char *proc_root, const char *etc_root, struct mti_host *h);
void mti_host_close(struct mti_host *h);

/* Takes report (left zeroed) as the host's preload state. */
void mti_host_set_preload(struct mti_host *h, struct mt_preload_report *report);

/* The user name for uid, loading the table on first use; NULL if unknown. */
const char *mti_host_user(struct mti_host *h, uid_t uid);

/* Initialises libcgroup once; returns its outcome. */
enum mt_err mti_host_cgroup_init(struct mti_host *h);

/* ms since the epoch for a stat start time. */
int64_t mti_start_time_ms(const struct mti_host *h, unsigned long long start_ticks);

/* Fills ev (zeroed first; free with mti_evidence_clear in trace_model.h)
 * with who collects, when and where. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_evidence_fill(const struct mti_host *h, struct mt_evidence *ev);

#endif
