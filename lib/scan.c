/* Host-wide triage: find the miners, trace each one.
 *
 * 1. Sample /proc/PID/stat of every process twice, an interval apart: CPU.
 * 2. Cheap signals for everyone: CPU, the name, the command line, the exe
 *    link (deleted, memfd, /tmp). Processes that show any are candidates.
 * 3. Costly signals for candidates only: pool-port connections (socket
 *    inodes against net/tcp of the process's own network namespace),
 *    LD_PRELOAD, the container's /etc/ld.so.preload.
 * 4. Respawns: a process gone and one of the same name and parent born
 *    during the interval.
 * 5. Hidden processes: every PID up to pid_max is probed; one alive with
 *    the same start time before and after a listing that misses it was
 *    hidden (a userland rootkit). It is sampled twice like the others.
 * 6. Candidates near the threshold are traced (the engine asked once per
 *    distinct container, all events first); the trace adds its own signals
 *    (writable layer, entered from outside); the findings are ranked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "cgroup_path.h"
#include "classify.h"
#include "runtime.h"
#include "exe.h"
#include "netconn.h"
#include "parallel.h"
#include "proc_parse.h"
#include "procfs.h"
#include "session.h"
#include "signatures.h"
#include "trace_model.h"
#include "util.h"

#define SCAN_CMDLINE_CAP (32u * 1024u)
#define SCAN_MAX_PROCESSES 4194304
#define SCAN_MAX_TRACES 64
#define SCAN_PROGRESS_MS 100
/* listings of the processes per interval, for respawns */
#define SCAN_LISTINGS 5
/* a parent with more living children of one name runs a pool of workers
 * (a forking server, fork churn): their comings and goings are no restarts */
#define SCAN_RESPAWN_MAX_ALIVE 3
/* the least work worth a thread of its own: processes, PIDs to probe */
#define SCAN_MIN_PER_WORKER 256
#define SCAN_MIN_PROBES_PER_WORKER 4096

/* Points per signal (documented in minertrace(1)). */
#define P_CPU_HIGH 30 /* >= 80% of a core */
#define P_CPU_MID 20  /* >= 50% */
#define P_CPU_LOW 10  /* >= 25% */
#define P_NAME 40
#define P_STRATUM 40
#define P_ARG 25
#define P_ALGO 20
#define P_POOL 30
#define P_DELETED 25
#define P_FILELESS 30
#define P_SCRATCH 15
#define P_WRITABLE 15
#define P_ENTERED 10
#define P_PRELOAD_FILE 20
#define P_LD_PRELOAD 15
#define P_RESPAWN 15
#define P_WATCHDOG 10
#define P_HIDDEN 40

struct sample {
	pid_t pid;
	pid_t ppid;
	unsigned long long ticks;
	unsigned long long start;
	int64_t at_ns; /* CLOCK_BOOTTIME when stat was read, the clock of start */
	bool kthread;
	char comm[64];
};

struct candidate {
	struct sample s;
	double cpu; /* % of one core */
	char **argv;
	size_t argc;
	char *exe; /* the exe link, " (deleted)" kept */
	struct mt_scan_signal *signals;
	size_t n_signals;
	int score;
	bool hidden;
	struct mt_cgroup_info cgroup;
	bool have_cgroup;
};

/* A command line read ahead, until a candidate takes it. */
struct args {
	char **argv;
	size_t argc;
	bool have;
};

struct scan_ctx {
	struct mt_session *s;
	struct mti_host *host;
	struct mti_runtime *rt; /* NULL with --no-engine */
	struct mt_scan *scan;
	struct mti_signatures sigs;
	struct mti_buf buf;
	struct candidate *cands;
	size_t n_cands;
	size_t cap_cands;
	struct mt_trace **traces; /* traces of cands[0..n_traces) */
	size_t n_traces;
	/* network tables by namespace */
	uint64_t *net_ns;
	struct mti_tcp_table *net;
	size_t n_net;
};

void mt_scan_options_init(struct mt_scan_options *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_s = 1.0;
	o->min_score = 40;
}

static void scan_warn(struct mt_scan *scan, enum mt_err code, pid_t pid, const char *subject,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Appends a host-level warning to the scan. */
static void scan_warn(struct mt_scan *scan, enum mt_err code, pid_t pid, const char *subject,
                      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mti_warnings_vadd(&scan->warnings, &scan->n_warnings, code, pid, subject, fmt, ap);
	va_end(ap);
}

static enum mt_err add_signal(struct candidate *c, const char *id, int points, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum mt_err add_signal(struct candidate *c, const char *id, int points, const char *fmt, ...)
{
	struct mt_scan_signal *sig;
	struct mti_buf b;
	va_list ap;
	size_t i;

	for (i = 0; i < c->n_signals; i++)
		if (strcmp(c->signals[i].id, id) == 0)
			return MT_OK; /* one of each kind */
	sig = realloc(c->signals, (c->n_signals + 1) * sizeof(*sig));
	if (!sig)
		return MT_ERR_NOMEM;
	c->signals = sig;
	mti_buf_init(&b);
	va_start(ap, fmt);
	if (mti_buf_vprintf(&b, fmt, ap)) {
		va_end(ap);
		mti_buf_free(&b);
		return MT_ERR_NOMEM;
	}
	va_end(ap);
	sig = &c->signals[c->n_signals];
	sig->id = mti_strdup(id);
	sig->detail = mti_buf_steal(&b);
	sig->points = points;
	if (!sig->id || !sig->detail) {
		free(sig->id);
		free(sig->detail);
		return MT_ERR_NOMEM;
	}
	c->n_signals++;
	c->score += points;
	return MT_OK;
}

static int cmp_sample(const void *a, const void *b)
{
	pid_t x = ((const struct sample *)a)->pid, y = ((const struct sample *)b)->pid;

	return (x > y) - (x < y);
}

/* Reads the stat of every process in the proc root, sorted by PID. */
/* The PIDs in the /proc listing, in listing order. */
static enum mt_err list_pids(struct scan_ctx *x, pid_t **out, size_t *n)
{
	pid_t *v = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int fd = openat(x->host->pfs.root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

/* One listing being sampled: v[i] for pids[i], pid 0 when unreadable. */
struct sampling {
	int root_fd;
	const pid_t *pids;
	struct sample *v;
	struct mti_buf bufs[MTI_PARALLEL_MAX_WORKERS];
};

/* Nanoseconds since boot, suspend included: the clock of stat's start times. */
static int64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Reads the stat of pid into *o, stamped with the time of the read;
 * false (o->pid 0) when it is gone or garbage. */
static bool read_sample(int root_fd, struct mti_buf *buf, pid_t pid, struct sample *o)
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
	struct sampling *sp = ctx;
	size_t i;

	for (i = begin; i < end; i++)
		read_sample(sp->root_fd, &sp->bufs[worker], sp->pids[i], &sp->v[i]);
	return MT_OK;
}

/* Lists the processes and reads the stat of each, on as many CPUs as the
 * listing deserves; the result is sorted by PID. */
static enum mt_err take_sample(struct scan_ctx *x, struct sample **out, size_t *n)
{
	struct sampling sp;
	pid_t *pids = NULL;
	size_t n_pids = 0, i, keep = 0;
	unsigned w, workers;
	enum mt_err err;

	*out = NULL;
	*n = 0;
	if ((err = list_pids(x, &pids, &n_pids)))
		return err;
	if (!n_pids) {
		free(pids);
		return MT_OK;
	}
	memset(&sp, 0, sizeof(sp));
	sp.root_fd = x->host->pfs.root_fd;
	sp.pids = pids;
	sp.v = calloc(n_pids, sizeof(*sp.v));
	if (!sp.v) {
		free(pids);
		return MT_ERR_NOMEM;
	}
	workers = mti_parallel_workers(n_pids, SCAN_MIN_PER_WORKER);
	for (w = 0; w < workers; w++)
		mti_buf_init(&sp.bufs[w]);
	err = mti_parallel_for(n_pids, workers, sample_slice, &sp);
	for (w = 0; w < workers; w++)
		mti_buf_free(&sp.bufs[w]);
	free(pids);
	if (err) {
		free(sp.v);
		return err;
	}
	for (i = 0; i < n_pids; i++)
		if (sp.v[i].pid)
			sp.v[keep++] = sp.v[i];
	if (keep)
		qsort(sp.v, keep, sizeof(*sp.v), cmp_sample);
	*out = sp.v;
	*n = keep;
	return MT_OK;
}

static const struct sample *find_sample(const struct sample *v, size_t n, pid_t pid)
{
	struct sample key;

	memset(&key, 0, sizeof(key));
	key.pid = pid;
	return bsearch(&key, v, n, sizeof(*v), cmp_sample);
}

/* Sleeps until monotonic time until_ms, in slices, reporting progress
 * through the interval that began at start. */
static void sample_wait(const struct mt_scan_options *o, int64_t start, int64_t until_ms)
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

/* The exe link without " (deleted)", into buf. */
static const char *exe_path_of(const char *link, char *buf, size_t len)
{
	mti_strlcpy(buf, link, len);
	if (mti_str_ends(buf, " (deleted)"))
		buf[strlen(buf) - strlen(" (deleted)")] = '\0';
	return buf;
}

/* Signals anyone can show, from stat, cmdline and the exe link. */
static enum mt_err cheap_signals(const struct mti_signatures *sg, struct candidate *c)
{
	const char *hit, *exe_base = NULL;
	char path[4096];
	enum mt_err err = MT_OK;

	if (c->cpu >= 80)
		err =
		    add_signal(c, "cpu", P_CPU_HIGH, "%.0f%% of a core over the interval", c->cpu);
	else if (c->cpu >= 50)
		err = add_signal(c, "cpu", P_CPU_MID, "%.0f%% of a core over the interval", c->cpu);
	else if (c->cpu >= 25)
		err = add_signal(c, "cpu", P_CPU_LOW, "%.0f%% of a core over the interval", c->cpu);
	if (c->exe)
		exe_base = mti_base_name(exe_path_of(c->exe, path, sizeof(path)));
	if (!err && ((hit = mti_signature_name(sg, c->s.comm)) ||
	             (exe_base && (hit = mti_signature_name(sg, exe_base))) ||
	             (c->argc && (hit = mti_signature_name(sg, mti_base_name(c->argv[0]))))))
		err = add_signal(c, "miner-name", P_NAME, "named like a known miner (%s)", hit);
	if (!err && (hit = mti_signature_arg(sg, c->argv, c->argc)))
		err = mti_str_starts(hit, "stratum")
		          ? add_signal(c, "stratum", P_STRATUM,
		                       "a mining pool URL (%s) on its command line", hit)
		          : add_signal(c, "miner-argument", P_ARG,
		                       "a miner's option on its command line (%s)", hit);
	if (!err && (hit = mti_signature_algo(sg, c->argv, c->argc)))
		err = add_signal(c, "algorithm", P_ALGO, "asks for mining algorithm %s", hit);
	if (!err && c->exe) {
		bool memfd = mti_str_starts(c->exe, "/memfd:");

		if (memfd && !(mti_str_starts(c->exe, "/memfd:runc_cloned") &&
		               mti_str_starts(c->s.comm, "runc")))
			err =
			    add_signal(c, "fileless", P_FILELESS, "runs from a memfd (%s)", c->exe);
		else if (!memfd && mti_str_ends(c->exe, " (deleted)"))
			err = add_signal(c, "exe-deleted", P_DELETED,
			                 "its executable %s was deleted", path);
		if (!err && !memfd && mti_is_scratch_path(path))
			err = add_signal(c, "scratch-dir", P_SCRATCH, "runs from %s", path);
	}
	return err;
}

/* The TCP table of network namespace ns, read through pid (cached). */
static const struct mti_tcp_table *net_table(struct scan_ctx *x, pid_t pid, uint64_t ns)
{
	static const char *const files[] = {"net/tcp", "net/tcp6"};
	struct mti_tcp_table t = {NULL, 0};
	size_t i;
	int dirfd;

	for (i = 0; i < x->n_net; i++)
		if (x->net_ns[i] == ns)
			return &x->net[i];
	if (mti_proc_open_pid(&x->host->pfs, pid, &dirfd))
		return NULL;
	for (i = 0; i < MTI_ARRAY_LEN(files); i++)
		if (!mti_read_at(dirfd, files[i], 64u * 1024u * 1024u, &x->buf, NULL))
			mti_tcp_parse(x->buf.data, x->buf.len, i == 1, &t);
	close(dirfd);
	{
		uint64_t *nns = realloc(x->net_ns, (x->n_net + 1) * sizeof(*nns));
		struct mti_tcp_table *nt;

		if (!nns) {
			mti_tcp_free(&t);
			return NULL;
		}
		x->net_ns = nns;
		nt = realloc(x->net, (x->n_net + 1) * sizeof(*nt));
		if (!nt) {
			mti_tcp_free(&t);
			return NULL;
		}
		x->net = nt;
		x->net_ns[x->n_net] = ns;
		x->net[x->n_net] = t;
		return &x->net[x->n_net++];
	}
}

/* Open TCP connections of the process to pool ports. */
static enum mt_err pool_signal(struct scan_ctx *x, struct candidate *c, int dirfd)
{
	const struct mti_tcp_table *table;
	char *nslink = NULL;
	uint64_t ns = 0;
	struct dirent *de;
	DIR *d;
	int fdfd, seen = 0;
	enum mt_err err = MT_OK;

	if (mti_readlink_at(dirfd, "ns/net", &nslink) == MT_OK)
		mti_parse_ns_link(nslink, &ns);
	free(nslink);
	fdfd = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0)
		return MT_OK;
	d = fdopendir(fdfd);
	if (!d) {
		close(fdfd);
		return MT_OK;
	}
	table = net_table(x, c->s.pid, ns);
	while (table && !err && (de = readdir(d)) && seen++ < 65536) {
		char *link = NULL;
		uint64_t inode;
		const struct mti_tcp_conn *conn;

		if (de->d_name[0] == '.' || mti_readlink_at(fdfd, de->d_name, &link))
			continue;
		if (mti_parse_socket_link(link, &inode) && (conn = mti_tcp_find(table, inode)) &&
		    mti_tcp_to_pool(&x->sigs, conn))
			err = add_signal(c, "pool-port", P_POOL, "%s %s:%u, a mining pool port",
			                 conn->state == MTI_TCP_ESTABLISHED ? "connected to"
			                                                    : "connecting to",
			                 conn->remote, conn->remote_port);
		free(link);
	}
	closedir(d);
	return err;
}

/* /etc/ld.so.preload inside the process's root (its container), read
 * without leaving that root. */
static enum mt_err container_preload_signal(struct candidate *c, int dirfd)
{
	struct stat st;
	struct mti_buf b;
	enum mt_err err = MT_OK;
	int root, fd;

	root = openat(dirfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return MT_OK;
	/* A symlink is followed, but only inside the root (a planted link to a
	 * host file, or through /proc magic links, goes nowhere). */
	fd = mti_open_in_root(root, "/etc/ld.so.preload", O_RDONLY | O_NONBLOCK);
	close(root);
	if (fd < 0)
		return MT_OK;
	mti_buf_init(&b);
	/* Only a regular file: a FIFO or a device there could block or never end. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    mti_read_fd(fd, 4096, &b, NULL) == MT_OK && b.len) {
		size_t i;

		for (i = 0; i < b.len; i++)
			if (b.data[i] == '\n')
				b.data[i] = ' ';
		err = add_signal(c, "preload-file", P_PRELOAD_FILE,
		                 "its root's /etc/ld.so.preload loads %s into every program (a "
		                 "rootkit's way to hide processes)",
		                 b.data);
	}
	mti_buf_free(&b);
	close(fd);
	return err;
}

/* Signals worth their cost for candidates only. */
static enum mt_err costly_signals(struct scan_ctx *x, struct candidate *c)
{
	const char *v;
	size_t vl;
	enum mt_err err = MT_OK;
	int dirfd;

	if (mti_proc_open_pid(&x->host->pfs, c->s.pid, &dirfd))
		return MT_OK;
	if (!mti_read_at(dirfd, "environ", 1024u * 1024u, &x->buf, NULL) &&
	    (v = mti_env_find(x->buf.data, x->buf.len, "LD_PRELOAD", &vl)) && vl) {
		char *val = mti_strndup(v, vl);

		err = val ? add_signal(c, "ld-preload", P_LD_PRELOAD,
		                       "LD_PRELOAD=%s in its environment", val)
		          : MT_ERR_NOMEM;
		free(val);
	}
	if (!err && !mti_read_at(dirfd, "cgroup", MTI_CAP_SMALL, &x->buf, NULL) &&
	    mti_cgroup_parse(x->buf.data, x->buf.len, &c->cgroup) == MT_OK)
		c->have_cgroup = true;
	if (!err && x->host->pfs.live)
		err = pool_signal(x, c, dirfd);
	if (!err && x->host->pfs.live && c->have_cgroup && c->cgroup.scope == MT_SCOPE_CONTAINER)
		err = container_preload_signal(c, dirfd);
	close(dirfd);
	return err;
}

static void candidate_clear(struct candidate *c)
{
	size_t i;

	mti_strv_free(c->argv, c->argc);
	free(c->exe);
	for (i = 0; i < c->n_signals; i++) {
		free(c->signals[i].id);
		free(c->signals[i].detail);
	}
	free(c->signals);
	mti_cgroup_info_free(&c->cgroup);
	memset(c, 0, sizeof(*c));
}

/* Looks at one sampled process; keeps it when it shows anything (or when
 * keep is set: a respawned process is worth a look whatever it shows). */
/* The command line of pid, split; none when it cannot be read (gone, or
 * a kernel thread). A longer one is cut at SCAN_CMDLINE_CAP, not skipped:
 * padding hides nothing. */
static enum mt_err read_args(int root_fd, struct mti_buf *buf, pid_t pid, char ***argv,
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

/* Command lines read while the interval runs, for the first listing. */
struct prefetching {
	int root_fd;
	const struct sample *a;
	struct args *args;
	struct mti_buf bufs[MTI_PARALLEL_MAX_WORKERS];
};

static enum mt_err prefetch_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct prefetching *pf = ctx;
	enum mt_err err = MT_OK;
	size_t i;

	for (i = begin; i < end && !err; i++) {
		if (pf->a[i].kthread)
			continue;
		err = read_args(pf->root_fd, &pf->bufs[worker], pf->a[i].pid, &pf->args[i].argv,
		                &pf->args[i].argc);
		pf->args[i].have = !err;
	}
	return err;
}

static void args_free(struct args *args, size_t n)
{
	size_t i;

	for (i = 0; args && i < n; i++)
		mti_strv_free(args[i].argv, args[i].argc);
	free(args);
}

/* Reads the command lines of the first listing a[0..na) into *out while
 * the interval runs: after it, a process with the same start time and
 * name has not exec'd since, and only its exe link is read again (a file
 * deleted during the interval shows there). */
static enum mt_err prefetch_args(struct scan_ctx *x, const struct sample *a, size_t na,
                                 struct args **out)
{
	struct prefetching pf;
	unsigned w, workers = mti_parallel_workers(na, SCAN_MIN_PER_WORKER);
	enum mt_err err;

	*out = NULL;
	if (!na)
		return MT_OK;
	memset(&pf, 0, sizeof(pf));
	pf.root_fd = x->host->pfs.root_fd;
	pf.a = a;
	pf.args = calloc(na, sizeof(*pf.args));
	if (!pf.args)
		return MT_ERR_NOMEM;
	for (w = 0; w < workers; w++)
		mti_buf_init(&pf.bufs[w]);
	err = mti_parallel_for(na, workers, prefetch_slice, &pf);
	for (w = 0; w < workers; w++)
		mti_buf_free(&pf.bufs[w]);
	if (err) {
		args_free(pf.args, na);
		return err;
	}
	*out = pf.args;
	return MT_OK;
}

/* The cheap part of examining one process, safe on any worker thread (it
 * reads through buf and writes only c): CPU over the interval, the command
 * line, the exe link and the signals they show. */
static enum mt_err examine_cheap(const struct scan_ctx *x, struct mti_buf *buf,
                                 const struct sample *now, const struct sample *before,
                                 struct args *pre, double interval_s, bool hidden,
                                 struct candidate *c)
{
	char path[48];
	enum mt_err err;

	memset(c, 0, sizeof(*c));
	c->s = *now;
	c->hidden = hidden;
	if (x->host->clk_tck > 0 && interval_s > 0) {
		double tck = (double)x->host->clk_tck, used, span;

		if (before && before->start == now->start) {
			/* the ticks between the two reads, over the time between them
			 * (longer than the interval when the probe outlasts it) */
			used =
			    now->ticks >= before->ticks ? (double)(now->ticks - before->ticks) : 0;
			span = (double)(now->at_ns - before->at_ns) / 1e9;
		} else {
			/* no first sample: born during the interval it used all its
			 * ticks in it; one that is older (a first read missed it) is
			 * counted over its whole life, never over less time than it ran */
			used = (double)now->ticks;
			span = (double)now->at_ns / 1e9 - (double)now->start / tck;
			if (span < interval_s)
				span = interval_s;
		}
		c->cpu = span > 0 ? used / tck / span * 100.0 : 0;
	}
	snprintf(path, sizeof(path), "%d/cmdline", (int)now->pid);
	if (pre && pre->have) {
		c->argv = pre->argv;
		c->argc = pre->argc;
		pre->argv = NULL;
		pre->argc = 0;
		pre->have = false;
	} else if ((err = read_args(x->host->pfs.root_fd, buf, now->pid, &c->argv, &c->argc))) {
		return err;
	}
	snprintf(path, sizeof(path), "%d/exe", (int)now->pid);
	if (mti_readlink_at(x->host->pfs.root_fd, path, &c->exe) == MT_ERR_NOMEM)
		return MT_ERR_NOMEM;
	err = cheap_signals(&x->sigs, c);
	if (!err && hidden)
		err = add_signal(c, "hidden", P_HIDDEN,
		                 "answers a direct probe but is missing from the /proc listing "
		                 "(hidden by a userland rootkit)");
	return err;
}

/* The rest, on the calling thread: costly signals for a process that
 * showed a cheap one (or is kept anyway), then c becomes a candidate or is
 * dropped. Takes c over in every case. */
static enum mt_err examine_rest(struct scan_ctx *x, struct candidate *c, bool keep)
{
	enum mt_err err = MT_OK;

	if (c->score > 0 || c->cpu >= 25 || keep)
		err = costly_signals(x, c);
	if (err || (c->score == 0 && !c->hidden && !keep)) {
		candidate_clear(c);
		return err;
	}
	err = mti_grow((void **)&x->cands, &x->cap_cands, x->n_cands + 1, sizeof(*x->cands));
	if (err) {
		candidate_clear(c);
		return err;
	}
	x->cands[x->n_cands++] = *c;
	return MT_OK;
}

static enum mt_err examine(struct scan_ctx *x, const struct sample *now,
                           const struct sample *before, double interval_s, bool hidden, bool keep)
{
	struct candidate c;
	enum mt_err err = examine_cheap(x, &x->buf, now, before, NULL, interval_s, hidden, &c);

	if (err) {
		candidate_clear(&c);
		return err;
	}
	return examine_rest(x, &c, keep);
}

static struct candidate *find_cand(struct scan_ctx *x, pid_t pid)
{
	size_t i;

	for (i = 0; i < x->n_cands; i++)
		if (x->cands[i].s.pid == pid)
			return &x->cands[i];
	return NULL;
}

/* Processes in v[0..n) with the parent and the name of s, s included. */
static size_t siblings(const struct sample *v, size_t n, const struct sample *s)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (v[i].ppid == s->ppid && strcmp(v[i].comm, s->comm) == 0)
			count++;
	return count;
}

/* A process gone and one of the same name and parent born between the
 * listings a and b: the parent restarts it. Only the few gone and born are
 * paired. The one born is a candidate only while it lives in the last
 * listing (last, first: the samples of the interval); a child that came
 * and went between two listings only tells about its parent. */
static enum mt_err respawns(struct scan_ctx *x, const struct sample *a, size_t na,
                            const struct sample *b, size_t nb, const struct sample *first,
                            size_t n_first, const struct sample *last, size_t n_last,
                            double interval_s)
{
	const struct sample **gone = NULL, **born = NULL;
	size_t n_gone = 0, n_born = 0, cap_g = 0, cap_b = 0, i, k;
	enum mt_err err = MT_OK;

	for (i = 0; i < na && !err; i++) {
		const struct sample *now = find_sample(b, nb, a[i].pid);

		if (!a[i].kthread && a[i].ppid > 1 && (!now || now->start != a[i].start) &&
		    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		    !(err = mti_grow((void **)&gone, &cap_g, n_gone + 1, sizeof(*gone))))
			gone[n_gone++] = &a[i];
	}
	for (i = 0; i < nb && !err; i++) {
		const struct sample *then = find_sample(a, na, b[i].pid);

		if (!b[i].kthread && b[i].ppid > 1 && (!then || then->start != b[i].start) &&
		    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		    !(err = mti_grow((void **)&born, &cap_b, n_born + 1, sizeof(*born))))
			born[n_born++] = &b[i];
	}
	for (k = 0; k < n_born && !err; k++) {
		const struct sample *alive = find_sample(last, n_last, born[k]->pid);
		struct candidate *c;

		for (i = 0; i < n_gone; i++)
			if (born[k]->ppid == gone[i]->ppid &&
			    strcmp(born[k]->comm, gone[i]->comm) == 0)
				break;
		if (i == n_gone || siblings(b, nb, born[k]) > SCAN_RESPAWN_MAX_ALIVE)
			continue;
		if (alive && alive->start == born[k]->start) {
			c = find_cand(x, born[k]->pid);
			if (!c) {
				err = examine(x, alive, find_sample(first, n_first, born[k]->pid),
				              interval_s, false, true);
				c = find_cand(x, born[k]->pid);
			}
			if (!err && c)
				err = add_signal(
				    c, "respawned", P_RESPAWN,
				    "replaces PID %d of the same name: its parent PID %d "
				    "restarts it",
				    (int)gone[i]->pid, (int)born[k]->ppid);
		}
		c = find_cand(x, born[k]->ppid);
		if (!err && !c && find_sample(last, n_last, born[k]->ppid)) {
			err = examine(x, find_sample(last, n_last, born[k]->ppid),
			              find_sample(first, n_first, born[k]->ppid), interval_s, false,
			              true);
			c = find_cand(x, born[k]->ppid);
		}
		if (!err && c)
			err = add_signal(c, "watchdog", P_WATCHDOG,
			                 "restarted its child %s (PID %d became %d)", born[k]->comm,
			                 (int)gone[i]->pid, (int)born[k]->pid);
	}
	free(gone);
	free(born);
	return err;
}

/* PIDs that answer kill(pid, 0) but are not in the listing, by worker. */
struct probing {
	const struct sample *a;
	size_t na;
	struct {
		pid_t *v;
		size_t n, cap;
	} found[MTI_PARALLEL_MAX_WORKERS];
};

static enum mt_err probe_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct probing *pr = ctx;
	size_t i;

	for (i = begin; i < end; i++) {
		pid_t pid = (pid_t)(i + 1);

		if (kill(pid, 0) != 0 && errno != EPERM)
			continue;
		if (find_sample(pr->a, pr->na, pid))
			continue;
		if (mti_grow((void **)&pr->found[worker].v, &pr->found[worker].cap,
		             pr->found[worker].n + 1, sizeof(pid_t)))
			return MT_ERR_NOMEM;
		pr->found[worker].v[pr->found[worker].n++] = pid;
	}
	return MT_OK;
}

/* Processes that answer a probe but were not in the first listing, each
 * with a first sample read directly (threads answer too: only a thread
 * group leader is a process). Only candidates: confirm_hidden decides. */
static enum mt_err probe_hidden(struct scan_ctx *x, const struct sample *a, size_t na,
                                struct sample **hidden, size_t *n_hidden)
{
	uint64_t pid_max = 4194304;
	struct probing pr;
	size_t cap = 0, i;
	unsigned w, workers;
	enum mt_err err;

	*hidden = NULL;
	*n_hidden = 0;
	if (!mti_read_at(x->host->pfs.root_fd, "sys/kernel/pid_max", 64, &x->buf, NULL)) {
		size_t l = x->buf.len;

		while (l && x->buf.data[l - 1] == '\n')
			l--;
		if (!mti_parse_u64(x->buf.data, l, &pid_max) || pid_max > 4194304)
			pid_max = 4194304;
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
			struct sample first;

			snprintf(path, sizeof(path), "%d/status", (int)pid);
			if (mti_read_at(x->host->pfs.root_fd, path, MTI_CAP_SMALL, &x->buf, NULL) ||
			    mti_parse_status(x->buf.data, x->buf.len, &st) || st.tgid != pid ||
			    !read_sample(x->host->pfs.root_fd, &x->buf, pid, &first) ||
			    first.kthread)
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

/* Keeps the probed processes that were hidden from the last listing b:
 * missing from it, and alive with the same start time both before it began
 * (the first sample) and after it ended (a second sample, read directly
 * into now[]). A process that was born or died around the listing, or
 * whose PID was reused, is not called hidden. Returns how many are kept,
 * first[] and now[] in step. */
static size_t confirm_hidden(struct scan_ctx *x, struct sample *first, size_t n,
                             const struct sample *b, size_t nb, struct sample *now)
{
	size_t i, keep = 0;

	for (i = 0; i < n; i++) {
		if (find_sample(b, nb, first[i].pid) ||
		    !read_sample(x->host->pfs.root_fd, &x->buf, first[i].pid, &now[keep]) ||
		    now[keep].start != first[i].start)
			continue;
		first[keep++] = first[i];
	}
	return keep;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return x->cpu < y->cpu ? 1 : x->cpu > y->cpu ? -1 : 0;
}

/* Adds what the trace knows: the writable layer, a way in from outside. */
static enum mt_err trace_signals(struct candidate *c, const struct mt_trace *t)
{
	enum mt_err err = MT_OK;

	if (t->origin.kind == MT_ORIGIN_WRITABLE_LAYER)
		err =
		    add_signal(c, "writable-layer", P_WRITABLE,
		               "its binary is in the container's writable layer, not in the image");
	if (!err && (t->entry.kind == MT_ENTRY_DOCKER_EXEC ||
	             t->entry.kind == MT_ENTRY_RUNTIME_EXEC || t->entry.kind == MT_ENTRY_SETNS))
		err = add_signal(c, "entered-from-outside", P_ENTERED, "%s", t->entry.detail);
	return err;
}

static enum mt_err load_signatures(struct scan_ctx *x, const struct mt_scan_options *o,
                                   char *detail, size_t detail_len)
{
	struct mti_buf b;
	size_t bad = 0;
	enum mt_err err = mti_signatures_builtin(&x->sigs);
	int fd;

	if (err || !o->signatures_file)
		return err;
	fd = open(o->signatures_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = mti_errno_to_err(errno);
		snprintf(detail, detail_len, "%s: %s", o->signatures_file, strerror(errno));
		return err == MT_ERR_VANISHED ? MT_ERR_IO : err;
	}
	mti_buf_init(&b);
	err = mti_read_fd(fd, 4u * 1024u * 1024u, &b, NULL);
	close(fd);
	if (!err)
		err = mti_signatures_parse(&x->sigs, b.data, b.len, &bad);
	if (err)
		snprintf(detail, detail_len, "%s:%zu: not a \"name|arg|algo|port VALUE\" line",
		         o->signatures_file, bad);
	mti_buf_free(&b);
	return err;
}

/* Traces the candidates worth it, the engine asked once per container. */
static enum mt_err trace_candidates(struct scan_ctx *x, int min_score)
{
	struct mt_scan *scan = x->scan;
	struct mt_container_ref ids[SCAN_MAX_TRACES];
	struct mti_runtime_job *job = NULL;
	size_t i, k, n_ids = 0, n_trace = 0;
	enum mt_err err;

	qsort(x->cands, x->n_cands, sizeof(*x->cands), cmp_cand);
	for (i = 0; i < x->n_cands && n_trace < SCAN_MAX_TRACES; i++) {
		struct candidate *c = &x->cands[i];

		/* A trace adds at most P_WRITABLE + P_ENTERED: below that, no use. */
		if (c->score + P_WRITABLE + P_ENTERED < min_score)
			break;
		n_trace++;
		if (!c->have_cgroup || c->cgroup.scope != MT_SCOPE_CONTAINER ||
		    !mti_runtime_serves(x->rt, c->cgroup.container.id, c->cgroup.container.runtime))
			continue;
		for (k = 0; k < n_ids && strcmp(ids[k].id, c->cgroup.container.id) != 0; k++)
			;
		if (k == n_ids)
			ids[n_ids++] = c->cgroup.container;
	}
	scan->containers = n_ids;
	/* All the containers' events first, before the engine forgets them. */
	err = mti_runtime_job_start(x->rt, ids, n_ids, &job);
	if (!err)
		err = mti_runtime_job_wait(job);
	if (err)
		return err;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	x->traces = calloc(n_trace ? n_trace : 1, sizeof(*x->traces));
	if (!x->traces)
		return MT_ERR_NOMEM;
	for (i = 0; i < n_trace; i++) {
		struct candidate *c = &x->cands[i];

		err = mt_trace_pid_checked(x->s, c->s.pid, c->s.start, &x->traces[i]);
		if (err)
			return err;
		x->n_traces = i + 1;
		if (x->traces[i]->status == MT_TRACE_COMPLETE &&
		    (err = trace_signals(c, x->traces[i])))
			return err;
	}
	scan->traced = n_trace;
	return MT_OK;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct mt_finding *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return x->cpu_core_percent < y->cpu_core_percent   ? 1
	       : x->cpu_core_percent > y->cpu_core_percent ? -1
	                                                   : (x->pid > y->pid) - (x->pid < y->pid);
}

static void finding_clear(struct mt_finding *f)
{
	size_t k;

	free(f->comm);
	for (k = 0; k < f->n_signals; k++) {
		free(f->signals[k].id);
		free(f->signals[k].detail);
	}
	free(f->signals);
	mt_trace_free(f->trace);
	memset(f, 0, sizeof(*f));
}

/* Makes the findings: candidates at or over the threshold, ranked. */
static enum mt_err rank(struct scan_ctx *x, const struct mt_scan_options *o)
{
	struct mt_scan *scan = x->scan;
	size_t i;

	scan->findings = calloc(x->n_cands ? x->n_cands : 1, sizeof(*scan->findings));
	if (!scan->findings)
		return MT_ERR_NOMEM;
	for (i = 0; i < x->n_cands; i++) {
		struct candidate *c = &x->cands[i];
		struct mt_finding *f;

		if (c->score > 100)
			c->score = 100;
		if (c->score < o->min_score)
			continue;
		f = &scan->findings[scan->n_findings++];
		f->pid = c->s.pid;
		f->ppid = c->s.ppid;
		f->score = c->score;
		f->cpu_core_percent = c->cpu;
		f->cpu_host_percent = scan->cpus ? c->cpu / scan->cpus : c->cpu;
		f->hidden = c->hidden;
		f->signals = c->signals;
		f->n_signals = c->n_signals;
		c->signals = NULL;
		c->n_signals = 0;
		if (i < x->n_traces) {
			f->trace = x->traces[i];
			x->traces[i] = NULL;
		}
		f->comm = mti_strdup(c->s.comm);
		if (!f->comm)
			return MT_ERR_NOMEM;
	}
	qsort(scan->findings, scan->n_findings, sizeof(*scan->findings), cmp_finding);
	while (o->top && scan->n_findings > o->top)
		finding_clear(&scan->findings[--scan->n_findings]);
	return MT_OK;
}

static void host_preload(struct scan_ctx *x)
{
	int etc;

	/* Running again in a private namespace blanked the file for us: what it
	 * lists is what the first run read. */
	if (x->host->preload.reexecuted && x->host->preload.preload_file) {
		x->scan->host_preload = mti_strdup(x->host->preload.preload_file);
	} else if (x->host->pfs.live &&
	           (etc = open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (!mti_read_at(etc, "ld.so.preload", 4096, &x->buf, NULL) && x->buf.len)
			x->scan->host_preload = mti_strdup(x->buf.data);
		close(etc);
	}
	if (x->scan->host_preload)
		scan_warn(x->scan, MT_OK, 0, "preload",
		          "the host's /etc/ld.so.preload is not empty: every program loads what it "
		          "lists (a userland rootkit hides processes this way)");
}

/* Examines the processes of the second listing, and the hidden ones. */
/* Candidates one worker found, in PID order. */
struct cand_list {
	struct candidate *v;
	size_t n, cap;
};

struct examining {
	const struct scan_ctx *x;
	const struct sample *a, *b;
	size_t na, nb;
	struct args *pre; /* command lines of a[], or NULL */
	double interval_s;
	struct mti_buf bufs[MTI_PARALLEL_MAX_WORKERS];
	struct cand_list found[MTI_PARALLEL_MAX_WORKERS];
};

static enum mt_err examine_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct examining *ex = ctx;
	struct cand_list *l = &ex->found[worker];
	enum mt_err err = MT_OK;
	size_t i;

	for (i = begin; i < end && !err; i++) {
		const struct sample *before;
		struct candidate c;
		struct args *pre;

		if (ex->b[i].kthread)
			continue;
		before = find_sample(ex->a, ex->na, ex->b[i].pid);
		pre = ex->pre && before && before->start == ex->b[i].start &&
		              strcmp(before->comm, ex->b[i].comm) == 0
		          ? &ex->pre[before - ex->a]
		          : NULL;
		err = examine_cheap(ex->x, &ex->bufs[worker], &ex->b[i], before, pre,
		                    ex->interval_s, false, &c);
		if (!err && (c.score > 0 || c.cpu >= 25) &&
		    !(err = mti_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))) {
			l->v[l->n++] = c;
			continue;
		}
		candidate_clear(&c);
	}
	return err;
}

static enum mt_err examine_all(struct scan_ctx *x, const struct sample *a, size_t na,
                               struct args *pre, const struct sample *b, size_t nb,
                               const struct sample *hidden, const struct sample *hidden_now,
                               size_t n_hidden, double interval_s)
{
	struct examining ex;
	unsigned w, workers = mti_parallel_workers(nb, SCAN_MIN_PER_WORKER);
	enum mt_err err;
	size_t i;

	memset(&ex, 0, sizeof(ex));
	ex.x = x;
	ex.a = a;
	ex.na = na;
	ex.pre = pre;
	ex.b = b;
	ex.nb = nb;
	ex.interval_s = interval_s;
	for (w = 0; w < workers; w++)
		mti_buf_init(&ex.bufs[w]);
	err = mti_parallel_for(nb, workers, examine_slice, &ex);
	/* the costly signals share caches: one thread, in PID order */
	for (w = 0; w < workers; w++) {
		for (i = 0; i < ex.found[w].n; i++) {
			if (err)
				candidate_clear(&ex.found[w].v[i]);
			else
				err = examine_rest(x, &ex.found[w].v[i], false);
		}
		free(ex.found[w].v);
		mti_buf_free(&ex.bufs[w]);
	}
	/* sampled like the others, both samples read directly */
	for (i = 0; i < n_hidden && !err; i++)
		err = examine(x, &hidden_now[i], &hidden[i], interval_s, true, false);
	return err;
}

enum mt_err mt_scan_run(struct mt_session *s, const struct mt_scan_options *opts,
                        struct mt_scan **out, char *detail, size_t detail_len)
{
	struct mt_scan_options o;
	struct scan_ctx x;
	struct sample *a = NULL, *b = NULL;
	struct {
		struct sample *v;
		size_t n;
	} lists[SCAN_LISTINGS];
	size_t na = 0, nb = 0, i, n_hidden = 0, n_lists = 0;
	int64_t t0, t1;
	struct sample *hidden = NULL, *hidden_now = NULL;
	struct args *pre = NULL;
	enum mt_err err;

	*out = NULL;
	if (detail && detail_len)
		detail[0] = '\0';
	if (!s)
		return MT_ERR_INVALID_ARG;
	if (opts)
		o = *opts;
	else
		mt_scan_options_init(&o);
	if (!(o.interval_s >= 0 && o.interval_s <= 3600))
		return MT_ERR_INVALID_ARG;
	memset(&x, 0, sizeof(x));
	x.s = s;
	mti_buf_init(&x.buf);
	x.scan = calloc(1, sizeof(*x.scan));
	if (!x.scan)
		return MT_ERR_NOMEM;
	x.scan->interval_s = o.interval_s;
	x.scan->min_score = o.min_score;
	x.scan->cpus =
	    (unsigned)(sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1);
	x.host = mti_session_host(s);
	err = mti_session_runtime(s, &x.rt);
	if (!err)
		err = mti_evidence_fill(x.host, &x.scan->evidence);
	if (!err)
		err = load_signatures(&x, &o, detail, detail_len);
	if (err)
		goto out;
	t0 = mti_monotonic_ms();
	err = take_sample(&x, &a, &na);
	if (err)
		goto out;
	t1 = mti_monotonic_ms();
	lists[n_lists].v = a;
	lists[n_lists++].n = na;
	/* The probe for hidden PIDs fills the sampling interval, */
	if (!o.no_hidden_probe && x.host->pfs.live &&
	    (err = probe_hidden(&x, a, na, &hidden, &n_hidden)))
		goto out;
	/* So do the command lines, and, when there is an interval to hide it
	 * in, loading the engine's HTTP client (a scan that traces no container
	 * never needs it). */
	if ((err = prefetch_args(&x, a, na, &pre)))
		goto out;
	if (o.interval_s > 0)
		mti_runtime_preload(x.rt);
	/* More listings while waiting, when they are cheap next to the interval:
	 * a process that is restarted may be missing from any single one. */
	while (n_lists < SCAN_LISTINGS - 1 && (t1 - t0) * 10 < (int64_t)(o.interval_s * 1000.0)) {
		int64_t at =
		    t1 + (int64_t)(o.interval_s * 1000.0) * (int64_t)n_lists / (SCAN_LISTINGS - 1);

		sample_wait(&o, t1, at);
		err = take_sample(&x, &lists[n_lists].v, &lists[n_lists].n);
		if (err)
			goto out;
		n_lists++;
	}
	sample_wait(&o, t1, t1 + (int64_t)(o.interval_s * 1000.0));
	err = take_sample(&x, &b, &nb);
	if (!err && n_hidden && !(hidden_now = calloc(n_hidden, sizeof(*hidden_now))))
		err = MT_ERR_NOMEM;
	if (!err) {
		n_hidden = confirm_hidden(&x, hidden, n_hidden, b, nb, hidden_now);
		x.scan->processes = nb + n_hidden;
		err =
		    examine_all(&x, a, na, pre, b, nb, hidden, hidden_now, n_hidden, o.interval_s);
	}
	for (i = 0; !err && i < n_lists; i++)
		err = respawns(&x, lists[i].v, lists[i].n, i + 1 < n_lists ? lists[i + 1].v : b,
		               i + 1 < n_lists ? lists[i + 1].n : nb, a, na, b, nb, o.interval_s);
	if (err)
		goto out;
	x.scan->candidates = x.n_cands;
	if (n_hidden && !(x.scan->hidden = calloc(n_hidden, sizeof(*x.scan->hidden)))) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n_hidden; i++)
		x.scan->hidden[i] = hidden[i].pid;
	x.scan->n_hidden = n_hidden;
	for (i = 0; i < x.scan->n_hidden; i++)
		scan_warn(x.scan, MT_OK, x.scan->hidden[i], "hidden",
		          "PID %d answers a direct probe but is missing from the /proc listing",
		          (int)x.scan->hidden[i]);
	host_preload(&x);
	err = trace_candidates(&x, o.min_score);
	if (!err)
		err = rank(&x, &o);
	if (err)
		goto out;
	x.scan->engine_requests = mt_session_engine_requests(s);
	x.scan->scan_ms = (double)(mti_monotonic_ms() - t0) - o.interval_s * 1000.0;
	if (x.scan->scan_ms < 0)
		x.scan->scan_ms = 0;
out:
	for (i = 1; i < n_lists; i++)
		free(lists[i].v);
	args_free(pre, na);
	free(a);
	free(b);
	free(hidden);
	free(hidden_now);
	for (i = 0; i < x.n_cands; i++)
		candidate_clear(&x.cands[i]);
	free(x.cands);
	for (i = 0; i < x.n_traces; i++)
		mt_trace_free(x.traces[i]);
	free(x.traces);
	for (i = 0; i < x.n_net; i++)
		mti_tcp_free(&x.net[i]);
	free(x.net);
	free(x.net_ns);
	mti_signatures_free(&x.sigs);
	mti_buf_free(&x.buf);
	if (err) {
		mt_scan_free(x.scan);
		return err;
	}
	*out = x.scan;
	return MT_OK;
}

void mt_scan_free(struct mt_scan *scan)
{
	size_t i;

	if (!scan)
		return;
	for (i = 0; i < scan->n_findings; i++)
		finding_clear(&scan->findings[i]);
	free(scan->findings);
	free(scan->host_preload);
	free(scan->hidden);
	mti_warnings_free(scan->warnings, scan->n_warnings);
	mti_evidence_clear(&scan->evidence);
	free(scan);
}
