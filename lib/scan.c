/* Host-wide triage: find the miners, trace each one.
 *
 * 1. Sample /proc/PID/stat of every process twice, an interval apart: CPU
 *    (scan_sample.c).
 * 2. Cheap signals for everyone: CPU, the name, the command line, the exe
 *    link (deleted, memfd, /tmp). Processes that show any are candidates
 *    (scan_signals.c, on the rules of rules.c).
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
 * This file does 4 and 6 and runs the rest in order.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "runtime.h"
#include "parallel.h"
#include "scan_sample.h"
#include "scan_signals.h"
#include "session.h"
#include "trace_model.h"
#include "util.h"

#define SCAN_MAX_TRACES 64
/* listings of the processes per interval, for respawns */
#define SCAN_LISTINGS 5
/* a parent with more living children of one name runs a pool of workers
 * (a forking server, fork churn): their comings and goings are no restarts */
#define SCAN_RESPAWN_MAX_ALIVE 3

struct scan_ctx {
	struct mt_session *s;
	struct mti_host *host;
	struct mti_runtime *rt; /* NULL with --no-engine */
	struct mt_scan *scan;
	struct mti_scan_signals sig;
	struct mti_candidate *cands;
	size_t n_cands;
	size_t cap_cands;
	struct mt_trace **traces; /* traces of cands[0..n_traces) */
	size_t n_traces;
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

/* The rest, on the calling thread: costly signals for a process that
 * showed a cheap one (or is kept anyway), then c becomes a candidate or is
 * dropped. Takes c over in every case. */
static enum mt_err examine_rest(struct scan_ctx *x, struct mti_candidate *c, bool keep)
{
	enum mt_err err = MT_OK;

	if (c->score > 0 || c->cpu >= 25 || keep)
		err = mti_scan_costly_signals(&x->sig, c);
	if (err || (c->score == 0 && !c->hidden && !keep)) {
		mti_candidate_clear(c);
		return err;
	}
	err = mti_grow((void **)&x->cands, &x->cap_cands, x->n_cands + 1, sizeof(*x->cands));
	if (err) {
		mti_candidate_clear(c);
		return err;
	}
	x->cands[x->n_cands++] = *c;
	return MT_OK;
}

/* Examines one process wholly on the calling thread (a respawn, a hidden
 * process); keep as for examine_rest. */
static enum mt_err examine(struct scan_ctx *x, const struct mti_sample *now,
                           const struct mti_sample *before, double interval_s, bool hidden,
                           bool keep)
{
	struct mti_candidate c;
	enum mt_err err =
	    mti_scan_examine_cheap(&x->sig, &x->sig.buf, now, before, NULL, interval_s, hidden, &c);

	if (err) {
		mti_candidate_clear(&c);
		return err;
	}
	return examine_rest(x, &c, keep);
}

static struct mti_candidate *find_cand(struct scan_ctx *x, pid_t pid)
{
	size_t i;

	for (i = 0; i < x->n_cands; i++)
		if (x->cands[i].s.pid == pid)
			return &x->cands[i];
	return NULL;
}

/* Adds respawned or watchdog to c: the child named comm (none for
 * respawned), PID a and PID b, in the order of the words. */
static enum mt_err respawn_signal(struct mti_candidate *c, enum mti_rule_id id, const char *comm,
                                  pid_t a, pid_t b)
{
	char pa[16], pb[16];

	snprintf(pa, sizeof(pa), "%d", (int)a);
	snprintf(pb, sizeof(pb), "%d", (int)b);
	return comm ? mti_candidate_signal(c, id, MTI_ARGS(comm, pa, pb))
	            : mti_candidate_signal(c, id, MTI_ARGS(pa, pb));
}

/* Processes in v[0..n) with the parent and the name of s, s included. */
static size_t siblings(const struct mti_sample *v, size_t n, const struct mti_sample *s)
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
static enum mt_err respawns(struct scan_ctx *x, const struct mti_sample *a, size_t na,
                            const struct mti_sample *b, size_t nb, const struct mti_sample *first,
                            size_t n_first, const struct mti_sample *last, size_t n_last,
                            double interval_s)
{
	const struct mti_sample **gone = NULL, **born = NULL;
	size_t n_gone = 0, n_born = 0, cap_g = 0, cap_b = 0, i, k;
	enum mt_err err = MT_OK;

	for (i = 0; i < na && !err; i++) {
		const struct mti_sample *now = mti_scan_find_sample(b, nb, a[i].pid);

		if (!a[i].kthread && a[i].ppid > 1 && (!now || now->start != a[i].start) &&
		    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		    !(err = mti_grow((void **)&gone, &cap_g, n_gone + 1, sizeof(*gone))))
			gone[n_gone++] = &a[i];
	}
	for (i = 0; i < nb && !err; i++) {
		const struct mti_sample *then = mti_scan_find_sample(a, na, b[i].pid);

		if (!b[i].kthread && b[i].ppid > 1 && (!then || then->start != b[i].start) &&
		    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
		    !(err = mti_grow((void **)&born, &cap_b, n_born + 1, sizeof(*born))))
			born[n_born++] = &b[i];
	}
	for (k = 0; k < n_born && !err; k++) {
		const struct mti_sample *alive = mti_scan_find_sample(last, n_last, born[k]->pid);
		struct mti_candidate *c;

		for (i = 0; i < n_gone; i++)
			if (born[k]->ppid == gone[i]->ppid &&
			    strcmp(born[k]->comm, gone[i]->comm) == 0)
				break;
		if (i == n_gone || siblings(b, nb, born[k]) > SCAN_RESPAWN_MAX_ALIVE)
			continue;
		if (alive && alive->start == born[k]->start) {
			c = find_cand(x, born[k]->pid);
			if (!c) {
				err = examine(x, alive,
				              mti_scan_find_sample(first, n_first, born[k]->pid),
				              interval_s, false, true);
				c = find_cand(x, born[k]->pid);
			}
			if (!err && c)
				err = respawn_signal(c, MTI_SIG_RESPAWNED, NULL, gone[i]->pid,
				                     born[k]->ppid);
		}
		c = find_cand(x, born[k]->ppid);
		if (!err && !c && mti_scan_find_sample(last, n_last, born[k]->ppid)) {
			err = examine(x, mti_scan_find_sample(last, n_last, born[k]->ppid),
			              mti_scan_find_sample(first, n_first, born[k]->ppid),
			              interval_s, false, true);
			c = find_cand(x, born[k]->ppid);
		}
		if (!err && c)
			err = respawn_signal(c, MTI_SIG_WATCHDOG, born[k]->comm, gone[i]->pid,
			                     born[k]->pid);
	}
	free(gone);
	free(born);
	return err;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct mti_candidate *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return x->cpu < y->cpu ? 1 : x->cpu > y->cpu ? -1 : 0;
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
		struct mti_candidate *c = &x->cands[i];

		/* A trace adds at most its signals' points: below that, no use. */
		if (c->score + mti_scan_trace_points() < min_score)
			break;
		n_trace++;
		if (c->cgroup.scope != MT_SCOPE_CONTAINER ||
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
		struct mti_candidate *c = &x->cands[i];

		err = mt_trace_pid_checked(x->s, c->s.pid, c->s.start, &x->traces[i]);
		if (err)
			return err;
		x->n_traces = i + 1;
		if (x->traces[i]->status == MT_TRACE_COMPLETE &&
		    (err = mti_scan_trace_signals(c, x->traces[i])))
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
	free(f->comm);
	mti_signals_free(f->signals, f->n_signals);
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
		struct mti_candidate *c = &x->cands[i];
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
		if (!mti_read_at(etc, "ld.so.preload", 4096, &x->sig.buf, NULL) && x->sig.buf.len)
			x->scan->host_preload = mti_strdup(x->sig.buf.data);
		close(etc);
	}
	if (x->scan->host_preload)
		scan_warn(x->scan, MT_OK, 0, "preload",
		          "the host's /etc/ld.so.preload is not empty: every program loads what it "
		          "lists (a userland rootkit hides processes this way)");
}

/* The listings of one sampling interval: lists[0] the first (a), b the
 * last, the probed hidden processes with both their samples, the command
 * lines of a[] read ahead. */
struct interval {
	struct {
		struct mti_sample *v;
		size_t n;
	} lists[SCAN_LISTINGS];
	size_t n_lists;
	struct mti_sample *b;
	size_t nb;
	struct mti_sample *hidden, *hidden_now;
	size_t n_hidden;
	struct mti_scan_args *pre;
	int64_t t0; /* monotonic ms when the first listing began */
};

static void interval_free(struct interval *iv)
{
	size_t i;

	mti_scan_args_free(iv->pre, iv->n_lists ? iv->lists[0].n : 0);
	for (i = 0; i < iv->n_lists; i++)
		free(iv->lists[i].v);
	free(iv->b);
	free(iv->hidden);
	free(iv->hidden_now);
}

/* Samples the interval into *iv: the first listing, the probe for hidden
 * PIDs and the command lines while it runs, more listings when they are
 * cheap, the last listing, the hidden confirmed. */
static enum mt_err sample_interval(struct scan_ctx *x, const struct mt_scan_options *o,
                                   struct interval *iv)
{
	int64_t t1, span = (int64_t)(o->interval_s * 1000.0);
	int root_fd = x->host->pfs.root_fd;
	enum mt_err err;

	iv->t0 = mti_monotonic_ms();
	err = mti_scan_take_sample(root_fd, &iv->lists[0].v, &iv->lists[0].n);
	if (err)
		return err;
	iv->n_lists = 1;
	t1 = mti_monotonic_ms();
	/* The probe for hidden PIDs fills the sampling interval, */
	if (!o->no_hidden_probe && x->host->pfs.live &&
	    (err = mti_scan_probe_hidden(root_fd, &x->sig.buf, iv->lists[0].v, iv->lists[0].n,
	                                 &iv->hidden, &iv->n_hidden)))
		return err;
	/* So do the command lines, and, when there is an interval to hide it
	 * in, loading the engine's HTTP client (a scan that traces no container
	 * never needs it). */
	if ((err = mti_scan_prefetch_args(root_fd, iv->lists[0].v, iv->lists[0].n, &iv->pre)))
		return err;
	if (o->interval_s > 0)
		mti_runtime_preload(x->rt);
	/* More listings while waiting, when they are cheap next to the interval:
	 * a process that is restarted may be missing from any single one. */
	while (iv->n_lists < SCAN_LISTINGS - 1 && (t1 - iv->t0) * 10 < span) {
		mti_scan_wait(o, t1, t1 + span * (int64_t)iv->n_lists / (SCAN_LISTINGS - 1));
		err = mti_scan_take_sample(root_fd, &iv->lists[iv->n_lists].v,
		                           &iv->lists[iv->n_lists].n);
		if (err)
			return err;
		iv->n_lists++;
	}
	mti_scan_wait(o, t1, t1 + span);
	err = mti_scan_take_sample(root_fd, &iv->b, &iv->nb);
	if (!err && iv->n_hidden &&
	    !(iv->hidden_now = calloc(iv->n_hidden, sizeof(*iv->hidden_now))))
		err = MT_ERR_NOMEM;
	if (!err)
		iv->n_hidden = mti_scan_confirm_hidden(root_fd, &x->sig.buf, iv->hidden,
		                                       iv->n_hidden, iv->b, iv->nb, iv->hidden_now);
	return err;
}

/* Candidates one worker found, in PID order. */
struct cand_list {
	struct mti_candidate *v;
	size_t n, cap;
};

/* The processes of the last listing examined on several workers. */
struct examining {
	const struct scan_ctx *x;
	const struct interval *iv;
	double interval_s;
	struct mti_buf bufs[MTI_PARALLEL_MAX_WORKERS];
	struct cand_list found[MTI_PARALLEL_MAX_WORKERS];
};

static enum mt_err examine_slice(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct examining *ex = ctx;
	const struct mti_sample *a = ex->iv->lists[0].v, *b = ex->iv->b;
	struct cand_list *l = &ex->found[worker];
	enum mt_err err = MT_OK;
	size_t i;

	for (i = begin; i < end && !err; i++) {
		const struct mti_sample *before;
		struct mti_candidate c;
		struct mti_scan_args *pre;

		if (b[i].kthread)
			continue;
		before = mti_scan_find_sample(a, ex->iv->lists[0].n, b[i].pid);
		pre = ex->iv->pre && before && before->start == b[i].start &&
		              strcmp(before->comm, b[i].comm) == 0
		          ? &ex->iv->pre[before - a]
		          : NULL;
		err = mti_scan_examine_cheap(&ex->x->sig, &ex->bufs[worker], &b[i], before, pre,
		                             ex->interval_s, false, &c);
		if (!err && (c.score > 0 || c.cpu >= 25) &&
		    !(err = mti_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))) {
			l->v[l->n++] = c;
			continue;
		}
		mti_candidate_clear(&c);
	}
	return err;
}

/* Examines the processes of the last listing, and the hidden ones. */
static enum mt_err examine_all(struct scan_ctx *x, const struct interval *iv, double interval_s)
{
	struct examining ex;
	unsigned w, workers = mti_parallel_workers(iv->nb, MTI_SCAN_MIN_PER_WORKER);
	enum mt_err err;
	size_t i;

	memset(&ex, 0, sizeof(ex));
	ex.x = x;
	ex.iv = iv;
	ex.interval_s = interval_s;
	for (w = 0; w < workers; w++)
		mti_buf_init(&ex.bufs[w]);
	err = mti_parallel_for(iv->nb, workers, examine_slice, &ex);
	/* the costly signals share caches: one thread, in PID order */
	for (w = 0; w < workers; w++) {
		for (i = 0; i < ex.found[w].n; i++) {
			if (err)
				mti_candidate_clear(&ex.found[w].v[i]);
			else
				err = examine_rest(x, &ex.found[w].v[i], false);
		}
		free(ex.found[w].v);
		mti_buf_free(&ex.bufs[w]);
	}
	/* sampled like the others, both samples read directly */
	for (i = 0; i < iv->n_hidden && !err; i++)
		err = examine(x, &iv->hidden_now[i], &iv->hidden[i], interval_s, true, false);
	return err;
}

/* The candidates of the interval: the processes that show a signal, the
 * respawned and their watchdogs between each two listings. */
static enum mt_err find_candidates(struct scan_ctx *x, const struct interval *iv, double interval_s)
{
	const struct mti_sample *a = iv->lists[0].v;
	size_t i, na = iv->lists[0].n;
	enum mt_err err = examine_all(x, iv, interval_s);

	for (i = 0; !err && i < iv->n_lists; i++)
		err = respawns(x, iv->lists[i].v, iv->lists[i].n,
		               i + 1 < iv->n_lists ? iv->lists[i + 1].v : iv->b,
		               i + 1 < iv->n_lists ? iv->lists[i + 1].n : iv->nb, a, na, iv->b,
		               iv->nb, interval_s);
	return err;
}

/* The hidden PIDs into the scan, each with a warning. */
static enum mt_err note_hidden(struct mt_scan *scan, const struct interval *iv)
{
	size_t i;

	if (iv->n_hidden && !(scan->hidden = calloc(iv->n_hidden, sizeof(*scan->hidden))))
		return MT_ERR_NOMEM;
	for (i = 0; i < iv->n_hidden; i++)
		scan->hidden[i] = iv->hidden[i].pid;
	scan->n_hidden = iv->n_hidden;
	for (i = 0; i < scan->n_hidden; i++)
		scan_warn(scan, MT_OK, scan->hidden[i], "hidden",
		          "PID %d answers a direct probe but is missing from the /proc listing",
		          (int)scan->hidden[i]);
	return MT_OK;
}

enum mt_err mt_scan_run(struct mt_session *s, const struct mt_scan_options *opts,
                        struct mt_scan **out, char *detail, size_t detail_len)
{
	struct mt_scan_options o;
	struct scan_ctx x;
	struct interval iv;
	size_t i;
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
	memset(&iv, 0, sizeof(iv));
	x.s = s;
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
		err = mti_scan_signals_init(&x.sig, x.host, &o, detail, detail_len);
	if (!err)
		err = sample_interval(&x, &o, &iv);
	if (!err) {
		x.scan->processes = iv.nb + iv.n_hidden;
		err = find_candidates(&x, &iv, o.interval_s);
	}
	if (err)
		goto out;
	x.scan->candidates = x.n_cands;
	if ((err = note_hidden(x.scan, &iv)))
		goto out;
	host_preload(&x);
	err = trace_candidates(&x, o.min_score);
	if (!err)
		err = rank(&x, &o);
	if (err)
		goto out;
	x.scan->engine_requests = mt_session_engine_requests(s);
	x.scan->scan_ms = (double)(mti_monotonic_ms() - iv.t0) - o.interval_s * 1000.0;
	if (x.scan->scan_ms < 0)
		x.scan->scan_ms = 0;
out:
	interval_free(&iv);
	for (i = 0; i < x.n_cands; i++)
		mti_candidate_clear(&x.cands[i]);
	free(x.cands);
	for (i = 0; i < x.n_traces; i++)
		mt_trace_free(x.traces[i]);
	free(x.traces);
	mti_scan_signals_free(&x.sig);
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
