/* Asking the container engine (Docker Engine API, also served by Podman)
 * about containers. Raw replies are cached per container for the whole
 * session: one set of requests per distinct container per run. */
#ifndef MTI_ENGINE_H
#define MTI_ENGINE_H

#include <minertrace/minertrace.h>

#include "session.h"

/* The newest API version we speak; older engines are spoken to in theirs. */
#define MTI_API_MAX "1.45"
#define MTI_API_MIN_MINOR 24

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

/* Asks for the events of every container of t not asked about yet, before
 * any other request (the engine keeps a short history only). */
void mti_engine_prefetch_events(struct mt_session *s, struct mt_trace *t);

/* Fills c->engine from the engine (or the session's cache), plus
 * t->engine. Failures become warnings; returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_engine_describe(struct mt_session *s, struct mt_trace *t, struct mt_container *c,
                                const char *target_exe_path);

/* The cached raw replies for a container, or NULL. */
const struct mti_engine_replies *mti_engine_cached(const struct mt_session *s, const char *id);

/* The raw /version reply, or NULL. */
const struct mti_reply *mti_engine_version_reply(const struct mt_session *s);

#endif
