/* The scan's sampling: listing the processes, reading the stat of each
 * (CPU ticks, start time) on as many CPUs as the listing deserves, the
 * command lines read ahead while the interval runs, and the probe of every
 * PID for processes hidden from the listing. Reads the proc root only. */
#ifndef MTI_SCAN_SAMPLE_H
#define MTI_SCAN_SAMPLE_H

#include <stdint.h>

#include <minertrace/minertrace.h>

#include "util.h"

/* the least number of processes worth a thread of its own */
#define MTI_SCAN_MIN_PER_WORKER 256

/* One process as one read of its stat saw it. */
struct mti_sample {
	pid_t pid;
	pid_t ppid;
	unsigned long long ticks;
	unsigned long long start;
	int64_t at_ns; /* CLOCK_BOOTTIME when stat was read, the clock of start */
	bool kthread;
	char comm[64];
};

/* A command line read ahead, until a candidate takes it. */
struct mti_scan_args {
	char **argv;
	size_t argc;
	bool have;
};

/* Lists the processes of the proc root root_fd and reads the stat of each
 * into *out (free()), sorted by PID; a process gone before its read is left
 * out. MT_OK, MT_ERR_NOMEM or the error of opening the root. */
enum mt_err mti_scan_take_sample(int root_fd, struct mti_sample **out, size_t *n);

/* Reads the stat of pid into *o, stamped with the time of the read; false
 * (o->pid 0) when it is gone or garbage. */
bool mti_scan_read_sample(int root_fd, struct mti_buf *buf, pid_t pid, struct mti_sample *o);

/* The sample of pid in v[0..n) sorted by PID, or NULL. */
const struct mti_sample *mti_scan_find_sample(const struct mti_sample *v, size_t n, pid_t pid);

/* The command line of pid, split (free with mti_strv_free); none when it
 * cannot be read (gone, or a kernel thread). A longer one is cut, not
 * skipped: padding hides nothing. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_scan_read_args(int root_fd, struct mti_buf *buf, pid_t pid, char ***argv,
                               size_t *argc);

/* Reads the command lines of the listing a[0..na) into *out (free with
 * mti_scan_args_free), kernel threads left out. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_scan_prefetch_args(int root_fd, const struct mti_sample *a, size_t na,
                                   struct mti_scan_args **out);
void mti_scan_args_free(struct mti_scan_args *args, size_t n);

/* Processes that answer kill(pid, 0) but are not in the listing a[0..na),
 * each with a first sample read directly into *hidden (free()); threads
 * answer too, only thread group leaders are kept. Candidates only:
 * mti_scan_confirm_hidden decides. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_scan_probe_hidden(int root_fd, struct mti_buf *buf, const struct mti_sample *a,
                                  size_t na, struct mti_sample **hidden, size_t *n_hidden);

/* Keeps the probed processes first[0..n) that were hidden from the listing
 * b[0..nb): missing from it, and alive with the same start time before it
 * began and after it ended (a second sample, read into now[]). A process
 * born or dead around the listing, or whose PID was reused, is not called
 * hidden. Returns how many are kept, first[] and now[] in step. */
size_t mti_scan_confirm_hidden(int root_fd, struct mti_buf *buf, struct mti_sample *first, size_t n,
                               const struct mti_sample *b, size_t nb, struct mti_sample *now);

/* Sleeps until monotonic time until_ms, in slices, reporting progress
 * through the interval that began at start. */
void mti_scan_wait(const struct mt_scan_options *o, int64_t start, int64_t until_ms);

#endif
