/* The timeline: the facts of a trace that carry a time, in order.
 *
 * Three clocks: the engine's records (image and container times, events),
 * the kernel's (a process's start ticks after the boot time) and file time
 * stamps. A file's modification time can be set by anyone who can write the
 * file (touch -d), so those entries are marked untrusted; its change time is
 * set by the kernel on every write, chmod or unlink and cannot be set back
 * without changing the system clock.
 */
#include "timeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exe.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define NS_PER_S INT64_C(1000000000)

/* Reads exactly n digits at *p into *out and advances *p. */
static bool digits(const char **p, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

bool mti_parse_engine_time(const char *s, int64_t *ns)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t frac = 0, scale = NS_PER_S, secs;
	int sign = 0;
	size_t n = 0;

	if (!s)
		return false;
	if (!digits(&s, 4, &y) || !expect(&s, '-') || !digits(&s, 2, &mo) || !expect(&s, '-') ||
	    !digits(&s, 2, &d) || !expect(&s, 'T') || !digits(&s, 2, &h) || !expect(&s, ':') ||
	    !digits(&s, 2, &mi) || !expect(&s, ':') || !digits(&s, 2, &sec))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 60)
		return false;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, n++) {
			if (n >= 9)
				return false;
			scale /= 10;
			frac += (*s - '0') * scale;
		}
		if (!n)
			return false;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		s++;
		if (!digits(&s, 2, &oh) || !expect(&s, ':') || !digits(&s, 2, &om) || oh > 23 ||
		    om > 59)
			return false;
	} else {
		return false;
	}
	if (*s)
		return false;
	secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
	secs -= sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
	if (secs < 0 || secs > INT64_MAX / NS_PER_S - 1)
		return false;
	*ns = secs * NS_PER_S + frac;
	return true;
}

enum mt_err mti_timeline_add(struct mt_timeline *tl, int64_t time_ns, enum mt_time_source source,
                             enum mt_clock clock, bool untrusted, pid_t pid, const char *fmt, ...)
{
	struct mt_time_event *e = NULL;
	enum mt_err err;
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = mti_vasprintf(fmt, ap);
	va_end(ap);
	if (!what)
		return MT_ERR_NOMEM;
	err = mti_append_capped((void **)&tl->events, &tl->n_events, MTI_TIMELINE_MAX, sizeof(*e),
	                        &tl->truncated, (void **)&e);
	if (err || !e) {
		free(what);
		return err;
	}
	e->time_ns = time_ns;
	e->source = source;
	e->clock = clock;
	e->untrusted = untrusted;
	e->pid = pid;
	e->what = what;
	return MT_OK;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS_PER_S + ts->tv_nsec;
}

/* The times of the writable layer's added and modified files. */
static enum mt_err read_drift_times(struct mt_trace *t, const struct mt_engine_container *ec)
{
	struct mt_timeline *tl = &t->postmortem.timeline;
	enum mt_err err = MT_OK;
	size_t i;
	int dfd;

	if (!ec || !ec->have_changes || !ec->n_changes || !t->origin.upperdir)
		return MT_OK;
	dfd = open(t->origin.upperdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		mti_warn(t, mti_errno_to_err(errno), 0, "timeline",
		         "cannot open the writable layer %s for its file times: %s",
		         t->origin.upperdir, strerror(errno));
		return MT_OK;
	}
	for (i = 0; !err && i < ec->n_changes; i++) {
		const struct mt_change *c = &ec->changes[i];
		struct stat st;
		int fd;

		if (c->kind == MT_CHANGE_DELETED || !c->path)
			continue;
		fd = mti_open_in_root(dfd, c->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue; /* gone since the engine listed it, or not resolvable */
		if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
			err = mti_timeline_add(tl, ts_ns(&st.st_mtim), MT_TIME_DRIFT_MODIFIED,
			                       MT_CLOCK_FILE, true, 0,
			                       "%s %s in the writable layer, last written", c->path,
			                       mt_change_kind_name(c->kind));
		close(fd);
	}
	close(dfd);
	return err;
}

/* The wall-clock time of the boot to the ns, or 0. Start ticks count on
 * CLOCK_BOOTTIME; /proc/stat's btime is the same difference in whole
 * seconds, which would put a process up to a second before a file it
 * wrote. */
static int64_t boot_time_ns(void)
{
	struct timespec real, boot, again;

	if (clock_gettime(CLOCK_REALTIME, &real) != 0 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) != 0 || clock_gettime(CLOCK_REALTIME, &again) != 0)
		return 0;
	/* the middle of the two real-time readings */
	return ts_ns(&real) + (ts_ns(&again) - ts_ns(&real)) / 2 - ts_ns(&boot);
}

enum mt_err mti_timeline_read(struct mt_trace *t, bool live, int dirfd)
{
	struct mt_file_times *ft = &t->postmortem.timeline.exe;
	const struct mt_process *target;
	struct stat st;

	if (!live || !t->chain_len || dirfd < 0)
		return MT_OK;
	t->postmortem.timeline.boot_time_ns = boot_time_ns();
	target = &t->chain[0];
	if (target->exe.readable && !target->exe.memfd) {
		if (fstatat(dirfd, "exe", &st, 0) == 0) {
			ft->known = true;
			ft->mtime_ns = ts_ns(&st.st_mtim);
			ft->ctime_ns = ts_ns(&st.st_ctim);
		} else {
			mti_warn(t, mti_errno_to_err(errno), target->pid, "timeline",
			         "cannot read the times of the executable: %s", strerror(errno));
		}
	}
	if (target->container_index < 0)
		return MT_OK;
	return read_drift_times(t, t->containers[target->container_index].engine);
}

/* The image and container times the engine gave as text. */
static enum mt_err add_engine_times(struct mt_timeline *tl, const struct mt_engine_container *ec)
{
	enum mt_err err = MT_OK;
	int64_t ns;

	if (ec->have_image && mti_parse_engine_time(ec->image.created, &ns))
		err = mti_timeline_add(tl, ns, MT_TIME_IMAGE_CREATED, MT_CLOCK_ENGINE, true, 0,
		                       "image %s built (its creation time is written by whoever "
		                       "built it)",
		                       ec->image_ref ? ec->image_ref : "?");
	if (!err && mti_parse_engine_time(ec->created, &ns))
		err = mti_timeline_add(tl, ns, MT_TIME_CONTAINER_CREATED, MT_CLOCK_ENGINE, false, 0,
		                       "container %s created", ec->name ? ec->name : "?");
	if (!err && mti_parse_engine_time(ec->started_at, &ns))
		err = mti_timeline_add(tl, ns, MT_TIME_CONTAINER_STARTED, MT_CLOCK_ENGINE, false,
		                       ec->init_pid, "container %s started (last start)",
		                       ec->name ? ec->name : "?");
	return err;
}

/* The exec session an exec event is about, or NULL. */
static const struct mt_exec_session *event_exec(const struct mt_engine_container *ec,
                                                const struct mt_event *e)
{
	size_t i;

	for (i = 0; e->exec_id && i < ec->n_execs; i++)
		if (ec->execs[i].id && strcmp(ec->execs[i].id, e->exec_id) == 0)
			return &ec->execs[i];
	return NULL;
}

static enum mt_err add_events(struct mt_timeline *tl, const struct mt_engine_container *ec)
{
	enum mt_err err = MT_OK;
	size_t i;

	for (i = 0; !err && ec->have_events && i < ec->n_events; i++) {
		const struct mt_event *e = &ec->events[i];
		const struct mt_exec_session *x = event_exec(ec, e);
		bool is_exec = e->exec_id || mti_str_starts(e->action, "exec_");

		if (e->time_ns <= 0)
			continue;
		if (is_exec)
			err = mti_timeline_add(
			    tl, e->time_ns, MT_TIME_EXEC, MT_CLOCK_ENGINE, false, x ? x->pid : 0,
			    "%s %.12s%s%s%s%s", e->action ? e->action : "exec",
			    e->exec_id ? e->exec_id : "", e->detail ? ": " : "",
			    e->detail ? e->detail : "", x && x->user && *x->user ? " as user " : "",
			    x && x->user && *x->user ? x->user : "");
		else
			err = mti_timeline_add(
			    tl, e->time_ns, MT_TIME_ENGINE_EVENT, MT_CLOCK_ENGINE, false, 0,
			    "%s %s%s%s", e->type ? e->type : "event", e->action ? e->action : "?",
			    e->detail ? ": " : "", e->detail ? e->detail : "");
	}
	return err;
}

int64_t mti_timeline_start_ns(const struct mt_trace *t, const struct mt_process *p)
{
	int64_t boot = t->postmortem.timeline.boot_time_ns;

	if (boot > 0 && t->evidence.clk_tck > 0)
		return boot + (int64_t)(p->start_ticks * 1000000000ull /
		                        (unsigned long long)t->evidence.clk_tck);
	return p->start_time_ms >= 0 ? p->start_time_ms * 1000000 : -1;
}

static enum mt_err add_processes(struct mt_timeline *tl, const struct mt_trace *t)
{
	enum mt_err err = MT_OK;
	size_t i;

	/* Ancestors first, so that a parent and a child started in the same
	 * tick stay in that order. */
	for (i = t->chain_len; !err && i-- > 0;) {
		const struct mt_process *p = &t->chain[i];
		int64_t ns = mti_timeline_start_ns(t, p);

		if (p->role == MT_ROLE_HOST || ns < 0)
			continue;
		err = mti_timeline_add(tl, ns, MT_TIME_PROCESS_START, MT_CLOCK_KERNEL, false,
		                       p->pid, "%s (PID %d, %s) started", p->comm ? p->comm : "?",
		                       (int)p->pid, mt_role_name(p->role));
	}
	return err;
}

static enum mt_err add_exe_times(struct mt_timeline *tl, const struct mt_process *target)
{
	const char *path = target->exe.path ? target->exe.path : "?";
	enum mt_err err;

	if (!tl->exe.known)
		return MT_OK;
	err = mti_timeline_add(tl, tl->exe.mtime_ns, MT_TIME_EXE_MODIFIED, MT_CLOCK_FILE, true,
	                       target->pid, "the target's binary %s last written", path);
	if (!err)
		err = mti_timeline_add(tl, tl->exe.ctime_ns, MT_TIME_EXE_CHANGED, MT_CLOCK_FILE,
		                       false, target->pid,
		                       "the target's binary %s last changed (written, chmod or %s)",
		                       path, target->exe.deleted ? "deleted" : "renamed");
	return err;
}

/* Sorts by time, keeping the order of equal times (insertion sort: the
 * list is short and qsort is not stable). */
static void sort_by_time(struct mt_time_event *ev, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct mt_time_event x = ev[i];

		for (j = i; j > 0 && ev[j - 1].time_ns > x.time_ns; j--)
			ev[j] = ev[j - 1];
		ev[j] = x;
	}
}

enum mt_err mti_timeline_build(struct mt_trace *t)
{
	struct mt_timeline *tl = &t->postmortem.timeline;
	const struct mt_engine_container *ec = NULL;
	enum mt_err err = MT_OK;

	if (!t->chain_len)
		return MT_OK;
	if (t->chain[0].container_index >= 0)
		ec = t->containers[t->chain[0].container_index].engine;
	if (ec)
		err = add_engine_times(tl, ec);
	if (!err && ec)
		err = add_events(tl, ec);
	if (!err)
		err = add_processes(tl, t);
	if (!err)
		err = add_exe_times(tl, &t->chain[0]);
	sort_by_time(tl->events, tl->n_events);
	return err;
}
