/* The session: what several traces of one run share. Only the pipelines
 * (trace.c, scan.c) and collect.c see it; every stage they call gets the
 * narrowest handle it needs (the host, its procfs or the runtime). */
#ifndef MTI_SESSION_H
#define MTI_SESSION_H

#include <minertrace/minertrace.h>

#include "host.h"
#include "persistence.h"
#include "runtime.h"
#include "spread.h"

/* The options the session was made with (its strings are the session's). */
const struct mt_options *mti_session_options(const struct mt_session *s);

/* The host we run on. */
struct mti_host *mti_session_host(struct mt_session *s);

/* The container runtimes, created on first use: *rt NULL with
 * --no-engine. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_session_runtime(struct mt_session *s, struct mti_runtime **rt);

/* The per-run caches the stages fill through their own handles: the
 * host's persistence places, every process's executable. */
struct mti_host_files **mti_session_host_files(struct mt_session *s);
struct mti_exe_index **mti_session_exe_index(struct mt_session *s);

#endif
