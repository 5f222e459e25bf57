/* Spread: other processes of the host that run the target's binary, and
 * the containers they run in. */
#ifndef MTI_SPREAD_H
#define MTI_SPREAD_H

#include <minertrace/minertrace.h>

#include "session.h"

/* Most processes looked at, and matches kept. */
#define MTI_SPREAD_SCAN 65536
#define MTI_SPREAD_MAX 256

/* Which match, if any, an executable of size and SHA-256 (sha256 "" when
 * not computed) is to the target's: "same-file" (same device and inode),
 * "sha256", or, when the target has no hash, "name-and-size". NULL when it
 * is none. Pure. */
const char *mti_spread_match(const struct mt_exe *target, const char *name, uint64_t size,
                             unsigned dev_major, unsigned dev_minor, uint64_t ino,
                             const char *sha256);

/* Live traces: looks through every process of the proc root for the
 * target's binary (hashing only files of the same size) into
 * t->postmortem.spread, with the container of each from its cgroup.
 * Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_spread_read(struct mt_session *s, struct mt_trace *t);

#endif
