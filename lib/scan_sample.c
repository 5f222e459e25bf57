/* The scan's sampling: the listings, the stat of every process, the
 * command lines read ahead, the probe for hidden PIDs. The stat-only loop
 * is the hot path of a scan (every process, several times an interval): it
 * reads one file per process through the proc root, nothing more. */
#include "scan_sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parallel.h"
#include "proc_parse.h"
#include "procfs.h"

#define SCAN_CMDLINE_CAP (32u * 1024u)
#define SCAN_MAX_PROCESSES MTI_PID_MAX_LIMIT
#define SCAN_PROGRESS_MS 100
/* the least number of PIDs to probe worth a thread of its own */
#define SCAN_MIN_PROBES_PER_WORKER 4096

/* One listing read on several workers: the stat of pids[i] into v[i], or
 * the command line of a[i] into args[i]. */
struct reading {
	int root_fd;
	const pid_t *pids;
	struct mti_sample *v;
	const struct mti_sample *a;
	struct mti_scan_args *args;
	struct mti_buf bufs[MTI_PARALLEL_MAX_WORKERS];
};

/* PIDs that answer kill(pid, 0) but are not in the listing, by worker. */
struct probing {
	const struct mti_sample *a;
	size_t na;
	struct {
		pid_t *v;
		size_t n, cap;
	} found[MTI_PARALLEL_MAX_WORKERS];
};

static int cmp_sample(const void *a, const void *b)
{
	pid_t x = ((const struct mti_sample *)a)->pid, y = ((const struct mti_sample *)b)->pid;

	return (x > y) - (x < y);
}

const struct mti_sample *mti_scan_find_sample(const struct mti_sample *v, size_t n, pid_t pid)
{
	struct mti_sample key;

	memset(&key, 0, sizeof(key));
	key.pid = pid;
	return bsearch(&key, v, n, sizeof(*v), cmp_sample);
}

/* The PIDs in the /proc listing, in listing order. */
static enum mt_err list_pids(int root_fd, pid_t **out, size_t *n)
{
	pid_t *v = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int fd = openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	enum mt_err err = MT_OK;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return mti_errno_to_err(errno);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	while ((de = readdir(d)) && *n < SCAN_MAX_PROCESSES) {
		pid_t pid;

		if (!mti_parse_pid(de->d_name, &pid))
			continue;
		if ((err = mti_grow((void **)&v, &cap, *n + 1, sizeof(*v))))
			break;
		v[(*n)++] = pid;
	}
	closedir(d);
	if (err) {
		free(v);
		*n = 0;
		return err;
	}
	*out = v;
	return MT_OK;
}

/* Nanoseconds since boot, suspend included: the clock of stat's start times. */
static int64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

bool mti_scan_read_sample(int root_fd, struct mti_buf *buf, pid_t pid, struct mti_sample *o)
{
	struct mti_stat st;
	char path[32];
	size_t len;

	memset(o, 0, sizeof(*o));
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if (mti_read_record_at(root_fd, path, MTI_CAP_SMALL, buf, NULL) ||
	    mti_parse_stat(buf->data, buf->len, &st) || st.pid != pid)
		return false;
	o->at_ns = boot_ns();
	o->pid = pid;
	o->ppid = st.ppid;
	o->ticks = st.utime + st.stime;
	o->start = st.starttime;
	o->kthread = (st.flags & MTI_PF_KTHREAD) || pid == 2 || st.ppid == 2;
	len = st.comm_len < sizeof(o->comm) - 1 ? st.comm_len : sizeof(o->comm) - 1;
	memcpy(o->comm, st.comm, len);
	o->comm[len] = '\0';
	return true;
}

static enum mt_err sample_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct reading *rd = ctx;
	size_t i;

	for (i = begin; i < end; i++)
		mti_scan_read_sample(rd->root_fd, &rd->bufs[worker], rd->pids[i], &rd->v[i]);
	return MT_OK;
}

/* Runs fn over n items on as many workers as they deserve, each worker
 * with a buffer of its own. */
static enum mt_err read_parallel(struct reading *rd, size_t n, mti_slice_fn fn)
{
	unsigned w, workers = mti_parallel_workers(n, MTI_SCAN_MIN_PER_WORKER);
	enum mt_err err;

	for (w = 0; w < workers; w++)
		mti_buf_init(&rd->bufs[w]);
	err = mti_parallel_for(n, workers, fn, rd);
	for (w = 0; w < workers; w++)
		mti_buf_free(&rd->bufs[w]);
	return err;
}

enum mt_err mti_scan_take_sample(int root_fd, struct mti_sample **out, size_t *n)
{
	struct reading rd;
	pid_t *pids = NULL;
	size_t n_pids = 0, i, keep = 0;
	enum mt_err err;

	*out = NULL;
	*n = 0;
	if ((err = list_pids(root_fd, &pids, &n_pids)))
		return err;
	if (!n_pids) {
		free(pids);
		return MT_OK;
	}
	memset(&rd, 0, sizeof(rd));
	rd.root_fd = root_fd;
	rd.pids = pids;
	rd.v = calloc(n_pids, sizeof(*rd.v));
	if (!rd.v) {
		free(pids);
		return MT_ERR_NOMEM;
	}
	err = read_parallel(&rd, n_pids, sample_slice);
	free(pids);
	if (err) {
		free(rd.v);
		return err;
	}
	for (i = 0; i < n_pids; i++)
		if (rd.v[i].pid)
			rd.v[keep++] = rd.v[i];
	if (keep)
		qsort(rd.v, keep, sizeof(*rd.v), cmp_sample);
	*out = rd.v;
	*n = keep;
	return MT_OK;
}

void mti_scan_wait(const struct mt_scan_options *o, int64_t start, int64_t until_ms)
{
	int64_t total = (int64_t)(o->interval_s * 1000.0), now;

	while ((now = mti_monotonic_ms()) < until_ms) {
		int64_t left = until_ms - now;
		struct timespec ts;

		if (left > SCAN_PROGRESS_MS)
			left = SCAN_PROGRESS_MS;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		if (o->progress && total > 0)
			o->progress((double)(mti_monotonic_ms() - start) / (double)total,
			            o->progress_user);
	}
}

enum mt_err mti_scan_read_args(int root_fd, struct mti_buf *buf, pid_t pid, char ***argv,
                               size_t *argc)
{
	char path[48];
	bool cut;

	*argv = NULL;
	*argc = 0;
	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	if (mti_read_record_at(root_fd, path, SCAN_CMDLINE_CAP, buf, &cut))
		return MT_OK;
	return mti_split_nul(buf->data, buf->len, 256, argv, argc, NULL);
}

static enum mt_err prefetch_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct reading *rd = ctx;
	enum mt_err err = MT_OK;
	size_t i;

	for (i = begin; i < end && !err; i++) {
		if (rd->a[i].kthread)
			continue;
		err = mti_scan_read_args(rd->root_fd, &rd->bufs[worker], rd->a[i].pid,
		                         &rd->args[i].argv, &rd->args[i].argc);
		rd->args[i].have = !err;
	}
	return err;
}

void mti_scan_args_free(struct mti_scan_args *args, size_t n)
{
	size_t i;

	for (i = 0; args && i < n; i++)
		mti_strv_free(args[i].argv, args[i].argc);
	free(args);
}

enum mt_err mti_scan_prefetch_args(int root_fd, const struct mti_sample *a, size_t na,
                                   struct mti_scan_args **out)
{
	struct reading rd;
	enum mt_err err;

	*out = NULL;
	if (!na)
		return MT_OK;
	memset(&rd, 0, sizeof(rd));
	rd.root_fd = root_fd;
	rd.a = a;
	rd.args = calloc(na, sizeof(*rd.args));
	if (!rd.args)
		return MT_ERR_NOMEM;
	err = read_parallel(&rd, na, prefetch_slice);
	if (err) {
		mti_scan_args_free(rd.args, na);
		return err;
	}
	*out = rd.args;
	return MT_OK;
}

static enum mt_err probe_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct probing *pr = ctx;
	size_t i;

	for (i = begin; i < end; i++) {
		pid_t pid = (pid_t)(i + 1);

		if (kill(pid, 0) != 0 && errno != EPERM)
			continue;
		if (mti_scan_find_sample(pr->a, pr->na, pid))
			continue;
		if (mti_grow((void **)&pr->found[worker].v, &pr->found[worker].cap,
		             pr->found[worker].n + 1, sizeof(pid_t)))
			return MT_ERR_NOMEM;
		pr->found[worker].v[pr->found[worker].n++] = pid;
	}
	return MT_OK;
}

enum mt_err mti_scan_probe_hidden(int root_fd, struct mti_buf *buf, const struct mti_sample *a,
                                  size_t na, struct mti_sample **hidden, size_t *n_hidden)
{
	uint64_t pid_max = MTI_PID_MAX_LIMIT;
	struct probing pr;
	size_t cap = 0, i;
	unsigned w, workers;
	enum mt_err err;

	*hidden = NULL;
	*n_hidden = 0;
	if (!mti_read_at(root_fd, "sys/kernel/pid_max", 64, buf, NULL)) {
		size_t l = buf->len;

		while (l && buf->data[l - 1] == '\n')
			l--;
		if (!mti_parse_u64(buf->data, l, &pid_max) || pid_max > MTI_PID_MAX_LIMIT)
			pid_max = MTI_PID_MAX_LIMIT;
	}
	memset(&pr, 0, sizeof(pr));
	pr.a = a;
	pr.na = na;
	workers = mti_parallel_workers((size_t)pid_max, SCAN_MIN_PROBES_PER_WORKER);
	err = mti_parallel_for((size_t)pid_max, workers, probe_slice, &pr);
	for (w = 0; w < workers; w++) {
		for (i = 0; !err && i < pr.found[w].n; i++) {
			pid_t pid = pr.found[w].v[i];
			char path[48];
			struct mti_status st;
			struct mti_sample first;

			snprintf(path, sizeof(path), "%d/status", (int)pid);
			if (mti_read_at(root_fd, path, MTI_CAP_SMALL, buf, NULL) ||
			    mti_parse_status(buf->data, buf->len, &st) || st.tgid != pid ||
			    !mti_scan_read_sample(root_fd, buf, pid, &first) || first.kthread)
				continue;
			if (mti_grow((void **)hidden, &cap, *n_hidden + 1, sizeof(**hidden)))
				err = MT_ERR_NOMEM;
			else
				(*hidden)[(*n_hidden)++] = first;
		}
		free(pr.found[w].v);
	}
	return err;
}

size_t mti_scan_confirm_hidden(int root_fd, struct mti_buf *buf, struct mti_sample *first, size_t n,
                               const struct mti_sample *b, size_t nb, struct mti_sample *now)
{
	size_t i, keep = 0;

	for (i = 0; i < n; i++) {
		if (mti_scan_find_sample(b, nb, first[i].pid) ||
		    !mti_scan_read_sample(root_fd, buf, first[i].pid, &now[keep]) ||
		    now[keep].start != first[i].start)
			continue;
		first[keep++] = first[i];
	}
	return keep;
}
