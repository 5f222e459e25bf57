/* Pure parsers for /proc text: no I/O, every input is hostile. */
#ifndef MTI_PROC_PARSE_H
#define MTI_PROC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <minertrace/model.h>

/* PF_KTHREAD from include/linux/sched.h */
#define MTI_PF_KTHREAD 0x00200000u

/* The fields of /proc/PID/stat we use. comm points into the parsed buffer. */
struct mti_stat {
	pid_t pid;
	const char *comm;
	size_t comm_len;
	char state;
	pid_t ppid;
	unsigned long long flags;
	unsigned long long utime;
	unsigned long long stime;
	long long num_threads;
	unsigned long long starttime;
	unsigned long long rss_pages;
};

/* Parses /proc/PID/stat. The name is between the first '(' and the LAST ')'.
 * Returns MT_ERR_PARSE on anything unexpected. */
enum mt_err mti_parse_stat(const char *buf, size_t len, struct mti_stat *st);

#define MTI_NSPID_MAX 32

struct mti_status {
	bool have_uid;
	uid_t uid[4];
	bool have_gid;
	gid_t gid[4];
	pid_t tgid;
	pid_t ppid;
	pid_t nspid[MTI_NSPID_MAX];
	size_t n_nspid;
	unsigned threads;
	bool have_rss;
	uint64_t vm_rss_kb;
};

/* Parses /proc/PID/status. Unknown or malformed lines are skipped; a
 * malformed Uid/Gid/NSpid line leaves that field unset. */
enum mt_err mti_parse_status(const char *buf, size_t len, struct mti_status *st);

/* Splits a NUL-separated buffer (cmdline, environ) into a new vector of
 * strings (*argv, caller frees with mti_strv_free). At most max_items. */
enum mt_err mti_split_nul(const char *buf, size_t len, size_t max_items, char ***argv, size_t *argc,
                          bool *truncated);

/* Finds "btime N" in /proc/stat. */
enum mt_err mti_parse_btime(const char *buf, size_t len, uint64_t *btime);

/* Parses a namespace link "pid:[4026531836]" into its inode number. */
bool mti_parse_ns_link(const char *link, uint64_t *inode);

/* Finds the value of KEY in a NUL-separated environment block; returns a
 * pointer into buf and its length, or NULL. */
const char *mti_env_find(const char *buf, size_t len, const char *key, size_t *value_len);

#endif
