/* Where the target's binary came from: image layer, writable layer, a
 * mount inside the container, a memfd, or the host. */
#ifndef MTI_ORIGIN_H
#define MTI_ORIGIN_H

#include <minertrace/minertrace.h>

#include "procfs.h"

/* Analyses p's executable (p read with exe and stat) through its /proc dir
 * dirfd into o. in_container says whether p runs in a container;
 * engine_upperdir (may be NULL) is the writable layer the engine reported,
 * used when mountinfo does not name one. Problems become warnings in t.
 * Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_origin_analyse(const struct mti_procfs *pfs, struct mt_trace *t, int dirfd,
                               const struct mt_process *p, bool in_container,
                               const char *engine_upperdir, struct mt_origin *o);

#endif
