/* The timeline: every timestamped fact of a trace in one ordered list, each
 * with its clock, file times marked as untrusted. */
#ifndef MTI_TIMELINE_H
#define MTI_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include <minertrace/minertrace.h>

/* Most entries one timeline keeps; later ones set truncated. */
#define MTI_TIMELINE_MAX 512

/* Parses an engine time ("2026-11-28T04:44:00.123456789Z", an offset
 * "+01:00" instead of "Z" allowed, 0 to 9 fraction digits) into UTC ns since
 * the epoch. False for anything else, and for times before 1970 (the
 * engine's "0001-01-01T00:00:00Z" means "never"). Pure. */
bool mti_parse_engine_time(const char *s, int64_t *ns);

/* Live traces only: reads the times of the target's binary through
 * "exe" in its /proc directory dirfd (the inode even when unlinked) into
 * t->postmortem.timeline.exe, and the times of the files the engine listed
 * as added or modified in the writable layer t->origin.upperdir (resolved
 * inside it, never followed out) as timeline entries. Problems become
 * warnings. Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_timeline_read(struct mt_trace *t, bool live, int dirfd);

/* Adds every timestamped fact of the model (image, container, engine
 * events, exec sessions, chain processes, the binary's times) to the
 * timeline and sorts it, oldest first (equal times keep their order).
 * Pure. Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_timeline_build(struct mt_trace *t);

/* When p started, in ns since the epoch: the boot time to the ns plus its
 * start ticks when known (live), else its btime-based start_time_ms; -1
 * when not known. */
int64_t mti_timeline_start_ns(const struct mt_trace *t, const struct mt_process *p);

/* Appends one entry (what is formatted); past MTI_TIMELINE_MAX it sets
 * truncated instead. Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_timeline_add(struct mt_timeline *tl, int64_t time_ns, enum mt_time_source source,
                             enum mt_clock clock, bool untrusted, pid_t pid, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
