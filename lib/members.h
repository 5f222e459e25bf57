/* The rest of the container: its processes and CPU/memory accounting, read
 * from its cgroup through libcgroup. */
#ifndef MTI_MEMBERS_H
#define MTI_MEMBERS_H

#include <minertrace/minertrace.h>

#include "host.h"

#define MTI_MEMBERS_MAX 4096

/* Fills c->members and c->acct from the cgroup that process ref belongs to.
 * Live /proc only. Problems become warnings in t; returns MT_OK or
 * MT_ERR_NOMEM. */
enum mt_err mti_members_read(struct mti_host *h, struct mt_trace *t, const struct mt_process *ref,
                             struct mt_container *c);

/* True when c's processes were all listed and all descend from one of
 * them, its init: no process entered the container from outside and is
 * still there (a runtime exec's process is a child of the shim, a second
 * root; so is a process moved into the cgroup). False when unknown. */
bool mti_members_one_tree(const struct mt_container *c);

/* Parses a cgroup value: a decimal number, or "max" (sets *unlimited). */
bool mti_parse_cgroup_value(const char *text, uint64_t *value, bool *unlimited);

#endif
