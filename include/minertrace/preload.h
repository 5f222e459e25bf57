/* The start-up check for userland rootkits that ride on the dynamic loader.
 *
 * A library listed in /etc/ld.so.preload (or LD_PRELOAD) is loaded into
 * every dynamically linked program, this one included, and can hide a miner
 * from readdir on /proc. mt_preload_check tells whether that happened to the
 * running process; the caller may then run itself again without the library
 * (the CLI does: cmd/guard.c) and hand what the first run saw to the second
 * through the MT_PRELOAD_ENV_* variables. Part of minertrace.h.
 */
#ifndef MINERTRACE_PRELOAD_H
#define MINERTRACE_PRELOAD_H

#include <minertrace/model.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Set (to "1") in the environment of the run that was started again: never
 * start again a second time. */
#define MT_PRELOAD_ENV_REEXEC "MINERTRACE_PRELOAD_REEXEC"
/* What the first run saw: /etc/ld.so.preload, LD_PRELOAD, and the
 * unexpected libraries it had loaded (one per line). */
#define MT_PRELOAD_ENV_FILE "MINERTRACE_PRELOAD_FILE"
#define MT_PRELOAD_ENV_LD "MINERTRACE_PRELOAD_LD_PRELOAD"
#define MT_PRELOAD_ENV_LIBS "MINERTRACE_PRELOAD_LIBS"

/* Examines the running process: the content of etc_root/ld.so.preload
 * (etc_root NULL = "/etc"), LD_PRELOAD, and the shared objects loaded into
 * it that no loaded object names as DT_NEEDED (what a preload adds). Call it
 * before anything is loaded with dlopen: such objects would count as
 * unexpected. When MT_PRELOAD_ENV_REEXEC is set, the report describes what
 * the first run saw (reexecuted true) and says whether this run is clean.
 * Fills *report (free with mt_preload_report_clear). Returns MT_OK or
 * MT_ERR_NOMEM; a file it cannot read is a note, not an error. */
enum mt_err mt_preload_check(const char *etc_root, struct mt_preload_report *report);

/* True when running again could shed what was found: something was
 * detected and this is not already the second run. */
bool mt_preload_wants_reexec(const struct mt_preload_report *report);

/* True when shedding it needs a private mount namespace (the preload file
 * lists something, so root is needed), false when dropping LD_PRELOAD from
 * the environment is enough. */
bool mt_preload_needs_namespace(const struct mt_preload_report *report);

/* Releases the strings of a report and zeroes it; NULL is allowed. */
void mt_preload_report_clear(struct mt_preload_report *report);

/* Replaces the report's note with a copy of note. MT_OK or MT_ERR_NOMEM. */
enum mt_err mt_preload_set_note(struct mt_preload_report *report, const char *note);

#ifdef __cplusplus
}
#endif

#endif
