/* Running again without a preload library (detection: lib/preload.c). */
#ifndef MT_GUARD_H
#define MT_GUARD_H

#include <stdbool.h>

#include <minertrace/minertrace.h>

/* Checks for a preload library (see minertrace/preload.h). When one is
 * found, may_reexec is true and this is the first run, executes
 * /proc/self/exe again with argv: without LD_PRELOAD, and when the preload
 * file lists something (root only) inside a private mount namespace where
 * /dev/null is mounted over /etc/ld.so.preload. Returns only when it did
 * not: *report then says what was found and why it stayed (the report of
 * the second run says what the first one saw). */
void mt_guard_preload(char **argv, bool may_reexec, struct mt_preload_report *report);

#endif
