/* The container runtimes: what minertrace asks about a container, behind
 * one table of operations per backend. The pipelines (trace.c, scan.c)
 * hold a struct mti_runtime and never ask which backend answers; the
 * renderers read only the model it fills (mt_container.engine,
 * mt_trace.engine, the spread).
 *
 * A backend is chosen per container from the container's runtime and ID
 * and the endpoint (ops->serves): the first backend of the table that
 * serves it is asked. Each backend is opened on first use and keeps its
 * replies for the whole session: one set of requests per container per
 * run.
 *
 * Adding a backend (CRI-O, ...):
 *  1. write lib/runtime_NAME.c with a `const struct mti_runtime_ops
 *     mti_runtime_NAME` filling every operation below (the Docker/Podman
 *     HTTP backend, engine.c, is the example), and declare it here;
 *  2. add it to the table in runtime.c, before a backend that would also
 *     claim its containers;
 *  3. add the .c file to lib/CMakeLists.txt and a unit suite that replays
 *     captured replies through it.
 * Nothing in trace.c, scan.c, spread.c, collect.c or the renderers changes.
 */
#ifndef MTI_RUNTIME_H
#define MTI_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include <minertrace/minertrace.h>

/* A raw reply as received, kept for --collect. */
struct mti_reply {
	bool asked;
	enum mt_err err;
	long status;
	char *path; /* the request path */
	char *body;
	size_t len;
	char *msg;
};

/* Frees what r holds and zeroes it. */
void mti_reply_clear(struct mti_reply *r);

/* What every backend is opened with. */
struct mti_runtime_config {
	const char *endpoint;         /* --docker-host; NULL for each backend's default */
	const char *runtime_endpoint; /* --runtime-endpoint (the CRI's); NULL: the defaults */
	int timeout_ms;       /* for the whole session */
	size_t max_reply;     /* bytes of one reply */
	bool live;            /* a real /proc: the host's file system may be looked at */
	bool have_btime;      /* boot time known: history is asked since then */
	uint64_t btime;
};

/* Called for each raw reply a backend keeps, with the file name --collect
 * writes it under. */
typedef void (*mti_reply_visit)(void *ctx, const char *name, const struct mti_reply *r);

/* One backend's own state. */
struct mti_backend;

/* The operations of one backend. Every one but serves and preload takes
 * the state open returned. Failures to reach the runtime become warnings
 * in the trace; the operations return MT_OK or MT_ERR_NOMEM. */
struct mti_runtime_ops {
	/* For people: what answers ("Docker Engine API"). */
	const char *api;
	/* Whether the backend can know container id of kind runtime at
	 * endpoint (NULL: the defaults). Pure. */
	bool (*serves)(const char *endpoint, const char *id, enum mt_runtime runtime);
	/* Loads what the first request needs, ahead of time; may be NULL. */
	void (*preload)(void);
	/* Creates the state (nothing asked yet); NULL only without memory. An
	 * unreachable runtime is a state that says so to every trace. */
	struct mti_backend *(*open)(const struct mti_runtime_config *cfg);
	void (*close)(struct mti_backend *b);
	/* Asks about the containers ids[0..n), their history first, keeping
	 * the replies; runs on a job's thread. */
	enum mt_err (*prefetch)(struct mti_backend *b, char *const *ids, size_t n);
	/* Fills c->engine (the container, its image, exec sessions, events and
	 * drift) and t->engine (who answered). target_exe_path is the
	 * target's executable when c is the target's container, else NULL. */
	enum mt_err (*describe)(struct mti_backend *b, struct mt_trace *t, struct mt_container *c,
	                        const char *target_exe_path);
	/* The other containers of own_id's image (image_id: its ID, a
	 * "sha256:..." digest) but own_id into si (see
	 * mti_decode_container_list). */
	enum mt_err (*same_image)(struct mti_backend *b, struct mt_trace *t, const char *own_id,
	                          const char *image_id, struct mt_spread_image *si);
	/* The writable layer directory of container id, one that same_image
	 * listed for own_id; *upper a new string or NULL when not known. */
	enum mt_err (*upper_dir)(struct mti_backend *b, const char *own_id, const char *id,
	                         char **upper);
	/* Visits the raw replies kept about container id (id NULL: the
	 * backend's own, such as a ping); false when none are kept for id. */
	bool (*replies)(const struct mti_backend *b, const char *id, mti_reply_visit visit,
	                void *ctx);
	/* Requests sent so far. */
	unsigned (*requests)(const struct mti_backend *b);
};

/* The backends (engine.c: Docker Engine API over HTTP, also served by
 * Podman; runtime_containerd.c: containerd's own API and its CRI plugin
 * over gRPC). */
extern const struct mti_runtime_ops mti_runtime_docker;
extern const struct mti_runtime_ops mti_runtime_containerd;

/* The runtimes of one session. Every function below accepts NULL (no
 * runtime is asked, --no-engine) and then does nothing, but
 * mti_runtime_serves. */
struct mti_runtime;

/* Creates the handle over the backends of runtime.c's table (nothing is
 * opened yet). cfg's strings are copied. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_runtime_new(const struct mti_runtime_config *cfg, struct mti_runtime **out);

/* The same over the backends ops[0..n) (ops must outlive the handle). */
enum mt_err mti_runtime_new_with(const struct mti_runtime_config *cfg,
                                 const struct mti_runtime_ops *const *ops, size_t n,
                                 struct mti_runtime **out);
void mti_runtime_free(struct mti_runtime *rt);

/* True when some backend can know the container (rt NULL: some backend
 * of the table at its default endpoint). */
bool mti_runtime_serves(const struct mti_runtime *rt, const char *id, enum mt_runtime runtime);

/* Loads the backends' libraries ahead of the first request, where the
 * caller has time to spare (a scan, while its sampling interval runs). */
void mti_runtime_preload(const struct mti_runtime *rt);

/* Asks about the containers refs[0..n) (those a backend serves) on a
 * thread of its own, all their events first, while the caller goes on with
 * /proc. The caller must not
 * use rt until mti_runtime_job_wait, which joins the thread and frees the
 * job (NULL is allowed). Both return MT_OK or MT_ERR_NOMEM. */
struct mti_runtime_job;
enum mt_err mti_runtime_job_start(struct mti_runtime *rt, const struct mt_container_ref *refs,
                                  size_t n, struct mti_runtime_job **out);
enum mt_err mti_runtime_job_wait(struct mti_runtime_job *job);

/* Waits until the job has its backends open, their libraries loaded (or
 * is over): loading libcurl is a storm of page faults and mprotect calls,
 * best not raced by other fault-heavy work in the same process. */
void mti_runtime_job_wait_loaded(struct mti_runtime_job *job);

/* Describes c through the backend that serves it; a container none
 * serves is a warning. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_runtime_describe(struct mti_runtime *rt, struct mt_trace *t, struct mt_container *c,
                                 const char *target_exe_path);

/* The other containers of own's image (own->engine->image_id) into si,
 * from the backend that serves own. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_runtime_same_image(struct mti_runtime *rt, struct mt_trace *t,
                                   const struct mt_container *own, struct mt_spread_image *si);

/* The writable layer directory of container id, one of own's backend's
 * containers; *upper a new string or NULL. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_runtime_upper_dir(struct mti_runtime *rt, const struct mt_container *own,
                                  const char *id, char **upper);

/* Visits the raw replies every opened backend keeps about container id
 * (id NULL: their own); false when none are kept for id. */
bool mti_runtime_replies(const struct mti_runtime *rt, const char *id, mti_reply_visit visit,
                         void *ctx);

/* Requests sent so far by every backend. */
unsigned mti_runtime_requests(const struct mti_runtime *rt);

#endif
