/* The session: what several traces of one run share. */
#ifndef MTI_SESSION_H
#define MTI_SESSION_H

#include <minertrace/minertrace.h>

#include "passwd.h"
#include "procfs.h"

struct mti_engine;
struct mti_host_files;
struct mti_exe_index;

struct mt_session {
	struct mt_options opts; /* strings below are our own copies */
	char *proc_root;
	char *etc_root;
	char *endpoint;
	struct mti_procfs pfs;
	bool have_btime;
	uint64_t btime;
	long clk_tck;
	long page_size;
	bool users_loaded;
	struct mti_passwd users;
	uint64_t self_ns_pid; /* our own namespaces, 0 when unknown */
	uint64_t self_ns_mnt;
	uint64_t self_ns_cgroup;
	char *hostname;
	char *kernel;
	char *boot_id;
	bool cgroup_tried;
	enum mt_err cgroup_err;
	struct mti_engine *engine;         /* created on first use */
	struct mti_host_files *host_files; /* the host's persistence places, read once */
	struct mti_exe_index *exe_index;   /* every process's executable, listed once */
	struct mt_preload_report preload;
	bool captured_exe_warned;
};

/* The user name for uid, loading the table on first use; NULL if unknown. */
const char *mti_session_user(struct mt_session *s, uid_t uid);

/* Fills ev (zeroed first; free with mti_evidence_clear) with who collects,
 * when and where. */
enum mt_err mti_evidence_fill(struct mt_session *s, struct mt_evidence *ev);
void mti_evidence_clear(struct mt_evidence *ev);

/* Initialises libcgroup once; returns its outcome. */
enum mt_err mti_session_cgroup_init(struct mt_session *s);

#endif
