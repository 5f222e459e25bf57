/* The container runtimes of a session: the table of backends, the choice
 * of one per container, and the job that asks them on a thread of its own
 * (see runtime.h). */
#include "runtime.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trace_model.h"
#include "util.h"

void mti_reply_clear(struct mti_reply *r)
{
	free(r->path);
	free(r->body);
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

/* The backends, asked in this order: the first that serves a container
 * describes it. */
static const struct mti_runtime_ops *const backends[] = {
    &mti_runtime_docker,
    &mti_runtime_containerd,
};

struct slot {
	const struct mti_runtime_ops *ops;
	struct mti_backend *b; /* opened on first use */
};

struct mti_runtime {
	struct mti_runtime_config cfg; /* the endpoints are our own copies */
	char *endpoint;
	char *runtime_endpoint;
	struct slot *slots;
	size_t n_slots;
};

enum mt_err mti_runtime_new_with(const struct mti_runtime_config *cfg,
                                 const struct mti_runtime_ops *const *ops, size_t n,
                                 struct mti_runtime **out)
{
	struct mti_runtime *rt = calloc(1, sizeof(*rt));
	size_t i;

	*out = NULL;
	if (!rt)
		return MT_ERR_NOMEM;
	rt->cfg = *cfg;
	rt->endpoint = cfg->endpoint ? mti_strdup(cfg->endpoint) : NULL;
	rt->cfg.endpoint = rt->endpoint;
	rt->runtime_endpoint = cfg->runtime_endpoint ? mti_strdup(cfg->runtime_endpoint) : NULL;
	rt->cfg.runtime_endpoint = rt->runtime_endpoint;
	rt->slots = n ? calloc(n, sizeof(*rt->slots)) : NULL;
	if ((cfg->endpoint && !rt->endpoint) || (cfg->runtime_endpoint && !rt->runtime_endpoint) ||
	    (n && !rt->slots)) {
		mti_runtime_free(rt);
		return MT_ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		rt->slots[i].ops = ops[i];
	rt->n_slots = n;
	*out = rt;
	return MT_OK;
}

enum mt_err mti_runtime_new(const struct mti_runtime_config *cfg, struct mti_runtime **out)
{
	return mti_runtime_new_with(cfg, backends, MTI_ARRAY_LEN(backends), out);
}

void mti_runtime_free(struct mti_runtime *rt)
{
	size_t i;

	if (!rt)
		return;
	for (i = 0; rt->slots && i < rt->n_slots; i++)
		if (rt->slots[i].b)
			rt->slots[i].ops->close(rt->slots[i].b);
	free(rt->slots);
	free(rt->endpoint);
	free(rt->runtime_endpoint);
	free(rt);
}

/* The slot of the backend that serves the container, or NULL. */
static struct slot *slot_for(const struct mti_runtime *rt, const char *id, enum mt_runtime runtime)
{
	size_t i;

	for (i = 0; rt && i < rt->n_slots; i++)
		if (rt->slots[i].ops->serves(rt->cfg.endpoint, id, runtime))
			return &rt->slots[i];
	return NULL;
}

/* The slot's backend, opened on first use; NULL only without memory. */
static struct mti_backend *slot_open(const struct mti_runtime *rt, struct slot *sl)
{
	if (!sl->b)
		sl->b = sl->ops->open(&rt->cfg);
	return sl->b;
}

bool mti_runtime_serves(const struct mti_runtime *rt, const char *id, enum mt_runtime runtime)
{
	size_t i;

	if (rt)
		return slot_for(rt, id, runtime) != NULL;
	/* no runtime asked: whether one could be, at the default endpoints */
	for (i = 0; i < MTI_ARRAY_LEN(backends); i++)
		if (backends[i]->serves(NULL, id, runtime))
			return true;
	return false;
}

void mti_runtime_preload(const struct mti_runtime *rt)
{
	size_t i;

	for (i = 0; rt && i < rt->n_slots; i++)
		if (rt->slots[i].ops->preload)
			rt->slots[i].ops->preload();
}

/* Says which backends were not asked about c: none serves it. */
static void warn_unserved(const struct mti_runtime *rt, struct mt_trace *t,
                          const struct mt_container *c)
{
	char shortid[16];
	struct mti_buf apis;
	size_t i;

	mti_buf_init(&apis);
	for (i = 0; i < rt->n_slots; i++)
		mti_buf_printf(&apis, "%s%s", i ? " or the " : "", rt->slots[i].ops->api);
	mti_warn(t, MT_ERR_UNSUPPORTED, 0, "engine",
	         "%s container %s is not served by the %s: not asked", mt_runtime_name(c->runtime),
	         mt_short_id(c->id, shortid, sizeof(shortid)), apis.data ? apis.data : "runtimes");
	mti_buf_free(&apis);
}

enum mt_err mti_runtime_describe(struct mti_runtime *rt, struct mt_trace *t, struct mt_container *c,
                                 const char *target_exe_path)
{
	struct slot *sl;
	struct mti_backend *b;

	if (!rt)
		return MT_OK;
	sl = slot_for(rt, c->id, c->runtime);
	if (!sl) {
		warn_unserved(rt, t, c);
		return MT_OK;
	}
	b = slot_open(rt, sl);
	return b ? sl->ops->describe(b, t, c, target_exe_path) : MT_ERR_NOMEM;
}

enum mt_err mti_runtime_same_image(struct mti_runtime *rt, struct mt_trace *t,
                                   const struct mt_container *own, struct mt_spread_image *si)
{
	struct slot *sl = slot_for(rt, own->id, own->runtime);
	struct mti_backend *b;

	if (!sl || !own->engine)
		return MT_OK;
	b = slot_open(rt, sl);
	return b ? sl->ops->same_image(b, t, own->id, own->engine->image_id, si) : MT_ERR_NOMEM;
}

enum mt_err mti_runtime_upper_dir(struct mti_runtime *rt, const struct mt_container *own,
                                  const char *id, char **upper)
{
	struct slot *sl = slot_for(rt, own->id, own->runtime);
	struct mti_backend *b;

	*upper = NULL;
	if (!sl)
		return MT_OK;
	b = slot_open(rt, sl);
	return b ? sl->ops->upper_dir(b, own->id, id, upper) : MT_ERR_NOMEM;
}

bool mti_runtime_replies(const struct mti_runtime *rt, const char *id, mti_reply_visit visit,
                         void *ctx)
{
	bool any = false;
	size_t i;

	for (i = 0; rt && i < rt->n_slots; i++)
		if (rt->slots[i].b && rt->slots[i].ops->replies(rt->slots[i].b, id, visit, ctx))
			any = true;
	return any;
}

unsigned mti_runtime_requests(const struct mti_runtime *rt)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; rt && i < rt->n_slots; i++)
		if (rt->slots[i].b)
			n += rt->slots[i].ops->requests(rt->slots[i].b);
	return n;
}

struct mti_runtime_job {
	struct mti_runtime *rt;
	struct mt_container_ref *refs; /* our own copies */
	size_t n_refs;
	enum mt_err err;
	bool threaded;
	pthread_t thread;
	bool sync_ready;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool loaded; /* the backends are open, or the job is over */
};

static void job_set_loaded(struct mti_runtime_job *job)
{
	if (!job->sync_ready) {
		job->loaded = true;
		return;
	}
	pthread_mutex_lock(&job->lock);
	job->loaded = true;
	pthread_cond_broadcast(&job->cond);
	pthread_mutex_unlock(&job->lock);
}

/* Whether slot sl serves the job's container ref. */
static bool job_serves(const struct mti_runtime *rt, const struct slot *sl,
                       const struct mt_container_ref *ref)
{
	return sl->ops->serves(rt->cfg.endpoint, ref->id, ref->runtime);
}

/* Asks each backend about the job's containers it serves (all of them,
 * not only the first: a container whose runtime the cgroup does not tell
 * is asked ahead of each runtime that may own it): the backends are opened
 * first (loading their libraries), then asked one by one. */
static void *run_job(void *arg)
{
	struct mti_runtime_job *job = arg;
	struct mti_runtime *rt = job->rt;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	char **mine = calloc(job->n_refs ? job->n_refs : 1, sizeof(*mine));
	size_t i, k, n;

	for (i = 0; rt->slots && i < rt->n_slots; i++)
		for (k = 0; k < job->n_refs; k++)
			if (job_serves(rt, &rt->slots[i], &job->refs[k]) &&
			    !slot_open(rt, &rt->slots[i]))
				job->err = MT_ERR_NOMEM;
	job_set_loaded(job);
	if (!mine)
		job->err = MT_ERR_NOMEM;
	for (i = 0; !job->err && rt->slots && i < rt->n_slots; i++) {
		for (k = n = 0; k < job->n_refs; k++)
			if (job_serves(rt, &rt->slots[i], &job->refs[k]))
				mine[n++] = job->refs[k].id;
		if (n)
			job->err = rt->slots[i].ops->prefetch(rt->slots[i].b, mine, n);
	}
	free(mine);
	return NULL;
}

static void job_free(struct mti_runtime_job *job)
{
	size_t i;

	for (i = 0; i < job->n_refs; i++)
		free(job->refs[i].id);
	free(job->refs);
	free(job);
}

enum mt_err mti_runtime_job_start(struct mti_runtime *rt, const struct mt_container_ref *refs,
                                  size_t n, struct mti_runtime_job **out)
{
	struct mti_runtime_job *job;
	size_t i;

	*out = NULL;
	if (!rt || !n)
		return MT_OK;
	job = calloc(1, sizeof(*job));
	if (!job)
		return MT_ERR_NOMEM;
	job->rt = rt;
	job->refs = calloc(n, sizeof(*job->refs));
	if (!job->refs) {
		free(job);
		return MT_ERR_NOMEM;
	}
	for (i = 0; i < n; i++, job->n_refs++) {
		job->refs[i].runtime = refs[i].runtime;
		job->refs[i].id = mti_strdup(refs[i].id);
		if (!job->refs[i].id) {
			job_free(job);
			return MT_ERR_NOMEM;
		}
	}
	job->sync_ready = mti_sync_init(&job->lock, &job->cond);
	job->threaded = job->sync_ready && pthread_create(&job->thread, NULL, run_job, job) == 0;
	if (!job->threaded)
		run_job(job);
	*out = job;
	return MT_OK;
}

void mti_runtime_job_wait_loaded(struct mti_runtime_job *job)
{
	if (!job || !job->threaded)
		return;
	pthread_mutex_lock(&job->lock);
	while (!job->loaded)
		pthread_cond_wait(&job->cond, &job->lock);
	pthread_mutex_unlock(&job->lock);
}

enum mt_err mti_runtime_job_wait(struct mti_runtime_job *job)
{
	enum mt_err err;

	if (!job)
		return MT_OK;
	if (job->threaded)
		pthread_join(job->thread, NULL);
	err = job->err;
	if (job->sync_ready)
		mti_sync_destroy(&job->lock, &job->cond);
	job_free(job);
	return err;
}
