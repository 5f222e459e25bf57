/* Asking the container engine (Docker Engine API, also served by Podman)
 * about containers. Raw replies are cached per container for the whole
 * session: one set of requests per distinct container per run. */
#ifndef MTI_ENGINE_H
#define MTI_ENGINE_H

#include <minertrace/minertrace.h>

#include "session.h"

/* The API versions we know, 1.24 to 1.45: an engine in that range is
 * spoken to in its own, a newer one in 1.45. An older one is spoken to in
 * its own too, with a warning, and what its API could not tell (exec
 * session PIDs, from 1.25) is not trusted. */
#define MTI_API_MAJOR 1
#define MTI_API_MAX_MINOR 45
#define MTI_API_MIN_MINOR 24
#define MTI_API_EXEC_PID_MINOR 25

struct mti_reply {
	bool asked;
	enum mt_err err;
	long status;
	char *path; /* the request path */
	char *body;
	size_t len;
	char *msg;
};

struct mti_exec_reply {
	char *id;
	struct mti_reply r;
};

struct mti_engine_replies {
	char *id;
	struct mti_reply events;
	struct mti_reply inspect;
	struct mti_reply image;
	struct mti_reply changes;
	struct mti_exec_reply *execs;
	size_t n_execs;
};

struct mti_engine;

void mti_engine_free(struct mti_engine *e);
unsigned mti_engine_requests(const struct mti_engine *e);

/* Resolves an endpoint ("unix:///path", "/path" or NULL for the default
 * sockets) to a socket path (*path, caller frees). MT_ERR_UNSUPPORTED for
 * anything that is not a unix socket. */
enum mt_err mti_engine_socket_path(const char *endpoint, char **path);

/* Loads the HTTP client library ahead of the first request, where the
 * caller has time to spare (a scan, while its sampling interval runs). */
void mti_engine_preload(void);

/* True when the Docker Engine API can know the container (a 64-hex ID of
 * docker, podman or an unnamed runtime). */
bool mti_engine_serves(const char *id, enum mt_runtime runtime);

/* Asks the engine about the containers ids[0..n) on a thread of its own,
 * all their events first, filling the session's cache, while the caller
 * goes on with /proc. The caller must not use the session's engine until
 * mti_engine_job_wait, which joins the thread and frees the job (NULL is
 * allowed). Both return MT_OK or MT_ERR_NOMEM. */
struct mti_engine_job;
enum mt_err mti_engine_job_start(struct mt_session *s, char *const *ids, size_t n,
                                 struct mti_engine_job **out);
enum mt_err mti_engine_job_wait(struct mti_engine_job *job);

/* Waits until the job has libcurl loaded (or is over): loading it is a
 * storm of page faults and mprotect calls, best not raced by other
 * fault-heavy work in the same process. */
void mti_engine_job_wait_loaded(struct mti_engine_job *job);

/* Fills c->engine from the engine (or the session's cache), plus
 * t->engine. Failures become warnings; returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_engine_describe(struct mt_session *s, struct mt_trace *t, struct mt_container *c,
                                const char *target_exe_path);

/* Asks the engine once for the containers of image_id (a "sha256:" ID)
 * but own_id, into si (see mti_decode_container_list); nothing in
 * --no-engine. Failures become warnings; returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_engine_same_image(struct mt_session *s, struct mt_trace *t, const char *own_id,
                                  const char *image_id, struct mt_spread_image *si);

/* The writable layer (GraphDriver.Data.UpperDir) of container id from its
 * inspect reply (asked once, cached), *upper a new string or NULL when not
 * known. Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_engine_upper_dir(struct mt_session *s, const char *id, char **upper);

/* The cached raw replies for a container, or NULL. */
const struct mti_engine_replies *mti_engine_cached(const struct mt_session *s, const char *id);

/* The raw /_ping reply, or NULL. */
const struct mti_reply *mti_engine_ping_reply(const struct mt_session *s);

#endif
