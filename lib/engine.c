/* Asking the container engine about containers.
 *
 * Order of requests for a container: its recent events first (the engine
 * keeps a short history), then the API version, the container, its image,
 * its exec sessions and its file system changes. Raw replies are cached per
 * container for the session; every trace decodes its own copy. A transport
 * failure (no socket, refused, permission, timeout) ends all talk with the
 * engine for the run: the /proc facts are reported regardless.
 */
#include "engine.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_decode.h"
#include "engine_http.h"
#include "exe.h"
#include "trace_model.h"
#include "util.h"

#define DEFAULT_DOCKER_SOCKET "/var/run/docker.sock"
#define DEFAULT_PODMAN_SOCKET "/run/podman/podman.sock"
#define MAX_CACHED_CONTAINERS 1024

struct mti_engine {
	char *socket_path;
	char *endpoint; /* for people: unix:///path */
	struct mti_http *http;
	enum mt_err dead; /* sticky transport failure, MT_OK while usable */
	char *dead_msg;
	bool dead_reported_for_trace;
	bool negotiated;
	char api_prefix[16]; /* "/v1.41" or "" */
	struct mti_reply version;
	char *api_version;
	char *engine_version;
	char *engine_os;
	unsigned requests;
	struct mti_engine_replies **cache;
	size_t n_cache;
	size_t cap_cache;
};

static void reply_clear(struct mti_reply *r)
{
	free(r->path);
	free(r->body);
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

static void replies_free(struct mti_engine_replies *r)
{
	size_t i;

	if (!r)
		return;
	free(r->id);
	reply_clear(&r->events);
	reply_clear(&r->inspect);
	reply_clear(&r->image);
	reply_clear(&r->changes);
	for (i = 0; i < r->n_execs; i++) {
		free(r->execs[i].id);
		reply_clear(&r->execs[i].r);
	}
	free(r->execs);
	free(r);
}

void mti_engine_free(struct mti_engine *e)
{
	size_t i;

	if (!e)
		return;
	mti_http_free(e->http);
	free(e->socket_path);
	free(e->endpoint);
	free(e->dead_msg);
	reply_clear(&e->version);
	free(e->api_version);
	free(e->engine_version);
	free(e->engine_os);
	for (i = 0; i < e->n_cache; i++)
		replies_free(e->cache[i]);
	free(e->cache);
	free(e);
}

unsigned mti_engine_requests(const struct mti_engine *e)
{
	return e ? e->requests : 0;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

enum mt_err mti_engine_socket_path(const char *endpoint, char **path)
{
	*path = NULL;
	if (!endpoint || !*endpoint) {
		if (!is_socket(DEFAULT_DOCKER_SOCKET) && is_socket(DEFAULT_PODMAN_SOCKET))
			*path = mti_strdup(DEFAULT_PODMAN_SOCKET);
		else
			*path = mti_strdup(DEFAULT_DOCKER_SOCKET);
	} else if (mti_str_starts(endpoint, "unix://")) {
		if (!endpoint[7])
			return MT_ERR_INVALID_ARG;
		*path = mti_strdup(endpoint + 7);
	} else if (endpoint[0] == '/') {
		*path = mti_strdup(endpoint);
	} else {
		return MT_ERR_UNSUPPORTED;
	}
	return *path ? MT_OK : MT_ERR_NOMEM;
}

/* The session's engine, created on first use. NULL only without memory. */
static struct mti_engine *engine_get(struct mt_session *s)
{
	struct mti_engine *e;
	enum mt_err err;

	if (s->engine)
		return s->engine;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	err = mti_engine_socket_path(s->opts.engine_endpoint, &e->socket_path);
	if (err == MT_ERR_NOMEM) {
		free(e);
		return NULL;
	}
	if (err) {
		e->dead = err;
		e->dead_msg = mti_asprintf("endpoint \"%s\" is not a unix socket: minertrace "
		                           "only talks to a local engine socket",
		                           s->opts.engine_endpoint);
		e->endpoint = mti_strdup(s->opts.engine_endpoint);
	} else {
		e->endpoint = mti_asprintf("unix://%s", e->socket_path);
		err = mti_http_new(e->socket_path, mti_monotonic_ms() + s->opts.engine_timeout_ms,
		                   s->opts.engine_max_reply, &e->http);
		if (err) {
			e->dead = err;
			e->dead_msg =
			    mti_asprintf("cannot set up the HTTP client: %s", mt_strerror(err));
		}
	}
	if (!e->endpoint || (e->dead && !e->dead_msg)) {
		mti_engine_free(e);
		return NULL;
	}
	s->engine = e;
	return e;
}

/* The "message" of an engine error reply, for the warning. */
static char *error_message(const char *body, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *m = root ? cJSON_GetObjectItemCaseSensitive(root, "message") : NULL;
	char *s = NULL;

	if (cJSON_IsString(m) && m->valuestring)
		s = mti_strndup(m->valuestring, strnlen(m->valuestring, 200));
	cJSON_Delete(root);
	return s;
}

/* Performs one GET into r unless the engine is dead. */
static enum mt_err request(struct mti_engine *e, const char *path, struct mti_reply *r)
{
	struct mti_buf body;
	char msg[256];
	enum mt_err err;

	reply_clear(r);
	r->asked = true;
	r->path = mti_strdup(path);
	if (!r->path)
		return MT_ERR_NOMEM;
	if (e->dead) {
		r->err = e->dead;
		r->msg = mti_strdup(e->dead_msg);
		return r->msg ? MT_OK : MT_ERR_NOMEM;
	}
	mti_buf_init(&body);
	e->requests++;
	err = mti_http_get(e->http, path, &body, &r->status, msg, sizeof(msg));
	if (err == MT_ERR_NOMEM) {
		mti_buf_free(&body);
		return err;
	}
	r->err = err;
	r->len = body.len;
	r->body = mti_buf_steal(&body);
	mti_buf_free(&body);
	if (!r->body)
		return MT_ERR_NOMEM;
	if (err == MT_ERR_ENGINE_HTTP || err == MT_ERR_NOT_FOUND) {
		char *m = error_message(r->body, r->len);

		r->msg = mti_asprintf("%s%s%s", msg, m ? ": " : "", m ? m : "");
		free(m);
	} else if (err) {
		r->msg = mti_strdup(msg);
	}
	if (err && !r->msg)
		return MT_ERR_NOMEM;
	if (err == MT_ERR_ENGINE_UNREACHABLE || err == MT_ERR_PERMISSION ||
	    err == MT_ERR_ENGINE_TIMEOUT) {
		e->dead = err;
		e->dead_msg = mti_strdup(msg);
		if (!e->dead_msg)
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}

/* Parses "1.41" into its minor number. */
static bool api_minor(const char *v, unsigned *minor)
{
	uint64_t m;

	if (!v || !mti_str_starts(v, "1.") || !mti_parse_u64(v + 2, strlen(v + 2), &m) || m > 1000)
		return false;
	*minor = (unsigned)m;
	return true;
}

/* Learns the engine's API version once; the newest we both speak is used. */
static enum mt_err negotiate(struct mti_engine *e, struct mt_trace *t)
{
	unsigned server, ours = 0;
	enum mt_err err;

	if (e->negotiated || e->dead)
		return MT_OK;
	e->negotiated = true;
	err = request(e, "/version", &e->version);
	if (err)
		return err;
	if (!e->version.err) {
		err = mti_decode_version(e->version.body, e->version.len, t, &e->api_version,
		                         &e->engine_version, &e->engine_os);
		if (err == MT_ERR_NOMEM)
			return err;
	}
	api_minor(MTI_API_MAX, &ours);
	if (api_minor(e->api_version, &server)) {
		if (server < MTI_API_MIN_MINOR) {
			e->dead = MT_ERR_UNSUPPORTED;
			e->dead_msg = mti_asprintf("engine API %s is older than 1.%u",
			                           e->api_version, MTI_API_MIN_MINOR);
			return e->dead_msg ? MT_OK : MT_ERR_NOMEM;
		}
		snprintf(e->api_prefix, sizeof(e->api_prefix), "/v1.%u",
		         server < ours ? server : ours);
	} else if (!e->dead) {
		mti_warn(t, MT_ERR_ENGINE_REPLY, 0, "engine",
		         "the engine did not tell its API version (%s): unversioned paths are "
		         "used",
		         e->version.msg ? e->version.msg : "no ApiVersion");
	}
	return MT_OK;
}

static struct mti_engine_replies *cache_find(const struct mti_engine *e, const char *id)
{
	size_t i;

	for (i = 0; e && i < e->n_cache; i++)
		if (strcmp(e->cache[i]->id, id) == 0)
			return e->cache[i];
	return NULL;
}

static struct mti_engine_replies *cache_get(struct mti_engine *e, const char *id)
{
	struct mti_engine_replies *r = cache_find(e, id);

	if (r)
		return r;
	if (e->n_cache >= MAX_CACHED_CONTAINERS)
		return NULL;
	if (mti_grow((void **)&e->cache, &e->cap_cache, e->n_cache + 1, sizeof(*e->cache)))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->id = mti_strdup(id);
	if (!r->id) {
		free(r);
		return NULL;
	}
	e->cache[e->n_cache++] = r;
	return r;
}

const struct mti_engine_replies *mti_engine_cached(const struct mt_session *s, const char *id)
{
	return cache_find(s->engine, id);
}

const struct mti_reply *mti_engine_version_reply(const struct mt_session *s)
{
	return s->engine && s->engine->version.asked ? &s->engine->version : NULL;
}

/* Only containers the Docker API can know are asked about. */
static bool engine_serves(const struct mt_container *c)
{
	return c->id && strlen(c->id) == 64 && mti_is_hex(c->id, 64) &&
	       (c->runtime == MT_RUNTIME_DOCKER || c->runtime == MT_RUNTIME_PODMAN ||
	        c->runtime == MT_RUNTIME_UNKNOWN);
}

static enum mt_err fetch_events(struct mt_session *s, struct mti_engine *e,
                                struct mti_engine_replies *r)
{
	char filter[128], *escaped, *path;
	int64_t now = mti_now_ms() / 1000;
	long long since = s->have_btime ? (long long)s->btime : (long long)now - 86400;
	enum mt_err err;

	snprintf(filter, sizeof(filter), "{\"container\":[\"%s\"]}", r->id);
	if (!e->http) {
		return request(e, "/events", &r->events);
	}
	escaped = mti_http_escape(e->http, filter);
	if (!escaped)
		return MT_ERR_NOMEM;
	/* Unversioned: this may be the very first request, before negotiation. */
	path = mti_asprintf("/events?since=%lld&until=%lld&filters=%s", since, (long long)now,
	                    escaped);
	free(escaped);
	if (!path)
		return MT_ERR_NOMEM;
	err = request(e, path, &r->events);
	free(path);
	return err;
}

void mti_engine_prefetch_events(struct mt_session *s, struct mt_trace *t)
{
	struct mti_engine *e;
	size_t i;

	if (s->opts.no_engine)
		return;
	e = engine_get(s);
	for (i = 0; e && i < t->n_containers; i++) {
		struct mti_engine_replies *r;

		if (!engine_serves(&t->containers[i]))
			continue;
		r = cache_get(e, t->containers[i].id);
		if (r && !r->events.asked && fetch_events(s, e, r))
			return;
	}
}

/* Asks for everything about container r->id that was not asked yet. */
static enum mt_err fetch_all(struct mt_session *s, struct mti_engine *e, struct mt_trace *t,
                             struct mti_engine_replies *r)
{
	struct mt_engine_container probe;
	char **exec_ids = NULL, *path;
	size_t n_ids = 0, i;
	enum mt_err err;

	if (!r->events.asked && (err = fetch_events(s, e, r)))
		return err;
	if ((err = negotiate(e, t)))
		return err;
	if (!r->inspect.asked) {
		path = mti_asprintf("%s/containers/%s/json", e->api_prefix, r->id);
		if (!path)
			return MT_ERR_NOMEM;
		err = request(e, path, &r->inspect);
		free(path);
		if (err)
			return err;
	}
	if (r->inspect.err)
		return MT_OK;
	/* What to ask next comes from the container reply. */
	err = mti_decode_container(r->inspect.body, r->inspect.len, r->id, NULL, &probe, &exec_ids,
	                           &n_ids);
	if (err) {
		/* A reply we cannot use is reported when the trace decodes it. */
		mti_strv_free(exec_ids, n_ids);
		mti_engine_container_clear(&probe);
		return err == MT_ERR_NOMEM ? err : MT_OK;
	}
	if (!r->image.asked && probe.image_id && mti_str_starts(probe.image_id, "sha256:") &&
	    strlen(probe.image_id) == 71 && mti_is_hex(probe.image_id + 7, 64)) {
		path = mti_asprintf("%s/images/%s/json", e->api_prefix, probe.image_id);
		err = path ? request(e, path, &r->image) : MT_ERR_NOMEM;
		free(path);
	}
	if (!err && !r->n_execs && n_ids) {
		r->execs = calloc(n_ids, sizeof(*r->execs));
		if (!r->execs)
			err = MT_ERR_NOMEM;
		for (i = 0; !err && i < n_ids; i++) {
			r->execs[i].id = exec_ids[i];
			exec_ids[i] = NULL;
			r->n_execs = i + 1;
			path = mti_asprintf("%s/exec/%s/json", e->api_prefix, r->execs[i].id);
			err = path ? request(e, path, &r->execs[i].r) : MT_ERR_NOMEM;
			free(path);
		}
	}
	if (!err && !r->changes.asked) {
		path = mti_asprintf("%s/containers/%s/changes", e->api_prefix, r->id);
		err = path ? request(e, path, &r->changes) : MT_ERR_NOMEM;
		free(path);
	}
	mti_strv_free(exec_ids, n_ids);
	mti_engine_container_clear(&probe);
	return err;
}

static void warn_reply(struct mt_trace *t, const struct mti_reply *r, const char *what)
{
	mti_warn(t, r->err, 0, "engine", "%s (GET %s): %s", what, r->path ? r->path : "?",
	         r->msg ? r->msg : mt_strerror(r->err));
}

/* Marks which added scratch files are executables, looking into the
 * writable layer without leaving it. */
static void check_executables(struct mt_session *s, struct mt_engine_container *ec)
{
	struct stat st;
	size_t i;
	int dfd;

	if (!s->pfs.live || !ec->upper_dir || !ec->n_changes)
		return;
	dfd = open(ec->upper_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	for (i = 0; i < ec->n_changes; i++) {
		int fd = mti_open_in_root(dfd, ec->changes[i].path, O_PATH | O_NOFOLLOW);

		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0)
			ec->changes[i].executable = S_ISREG(st.st_mode) && (st.st_mode & 0111);
		close(fd);
	}
	close(dfd);
}

/* Decodes the cached replies into a new engine container for this trace. */
static enum mt_err decode_all(struct mt_session *s, struct mt_trace *t,
                              const struct mti_engine_replies *r, const char *target_exe_path,
                              struct mt_engine_container **out)
{
	struct mt_engine_container *ec = calloc(1, sizeof(*ec));
	char **exec_ids = NULL;
	size_t n_ids = 0, i, cap = 0;
	enum mt_err err;

	*out = NULL;
	if (!ec)
		return MT_ERR_NOMEM;
	err =
	    mti_decode_container(r->inspect.body, r->inspect.len, r->id, t, ec, &exec_ids, &n_ids);
	mti_strv_free(exec_ids, n_ids);
	if (err) {
		mti_engine_container_free(ec);
		return err == MT_ERR_NOMEM ? err : MT_OK;
	}
	if (r->events.asked && !r->events.err) {
		err = mti_decode_events(r->events.body, r->events.len, r->id, t, &ec->events,
		                        &ec->n_events);
		ec->have_events = err == MT_OK;
	} else if (r->events.asked) {
		warn_reply(t, &r->events, "engine events");
	}
	if (!err && r->image.asked && !r->image.err) {
		err = mti_decode_image(r->image.body, r->image.len, ec->image_id, t, &ec->image);
		ec->have_image = err == MT_OK;
		if (err && err != MT_ERR_NOMEM) {
			mti_image_clear(&ec->image);
			err = MT_OK;
		}
	} else if (!err && r->image.asked) {
		warn_reply(t, &r->image, "engine image");
	}
	for (i = 0; !err && i < r->n_execs; i++) {
		struct mt_exec_session x;

		if (r->execs[i].r.err) {
			/* An exec that ended is forgotten by the engine: 404 is normal. */
			if (r->execs[i].r.err != MT_ERR_NOT_FOUND)
				warn_reply(t, &r->execs[i].r, "engine exec session");
			continue;
		}
		err = mti_decode_exec(r->execs[i].r.body, r->execs[i].r.len, r->execs[i].id, r->id,
		                      t, &x);
		if (err) {
			mti_exec_session_clear(&x);
			err = err == MT_ERR_NOMEM ? err : MT_OK;
			continue;
		}
		err = mti_grow((void **)&ec->execs, &cap, ec->n_execs + 1, sizeof(*ec->execs));
		if (err) {
			mti_exec_session_clear(&x);
			break;
		}
		ec->execs[ec->n_execs++] = x;
	}
	if (!err && r->changes.asked && !r->changes.err) {
		err = mti_decode_changes(r->changes.body, r->changes.len, target_exe_path, t, ec);
		if (err && err != MT_ERR_NOMEM)
			err = MT_OK;
		check_executables(s, ec);
	} else if (!err && r->changes.asked) {
		warn_reply(t, &r->changes, "engine changes");
	}
	if (err) {
		mti_engine_container_free(ec);
		return err;
	}
	*out = ec;
	return MT_OK;
}

/* Copies what we know about the engine into the trace. */
static enum mt_err fill_status(struct mti_engine *e, struct mt_trace *t)
{
	t->engine.enabled = true;
	t->engine.reachable = e->negotiated && e->version.asked && !e->version.err;
	t->engine.requests = e->requests;
	if (!t->engine.endpoint && !(t->engine.endpoint = mti_strdup(e->endpoint)))
		return MT_ERR_NOMEM;
	if (e->api_prefix[0] && !t->engine.api_version &&
	    !(t->engine.api_version = mti_strdup(e->api_prefix + 2)))
		return MT_ERR_NOMEM;
	if (e->engine_version && !t->engine.engine_version &&
	    !(t->engine.engine_version = mti_strdup(e->engine_version)))
		return MT_ERR_NOMEM;
	if (e->engine_os && !t->engine.engine_os &&
	    !(t->engine.engine_os = mti_strdup(e->engine_os)))
		return MT_ERR_NOMEM;
	return MT_OK;
}

enum mt_err mti_engine_describe(struct mt_session *s, struct mt_trace *t, struct mt_container *c,
                                const char *target_exe_path)
{
	struct mti_engine *e;
	struct mti_engine_replies *r;
	enum mt_err err;
	char shortid[16];

	if (s->opts.no_engine)
		return MT_OK;
	if (!engine_serves(c)) {
		mti_warn(t, MT_ERR_UNSUPPORTED, 0, "engine",
		         "%s container %s is not served by the Docker Engine API: not asked",
		         mt_runtime_name(c->runtime), mt_short_id(c->id, shortid, sizeof(shortid)));
		return MT_OK;
	}
	e = engine_get(s);
	if (!e)
		return MT_ERR_NOMEM;
	r = cache_get(e, c->id);
	if (!r)
		return MT_ERR_NOMEM;
	err = fetch_all(s, e, t, r);
	if (!err)
		err = fill_status(e, t);
	if (err)
		return err;
	if (r->inspect.err) {
		if (r->inspect.err == MT_ERR_NOT_FOUND)
			mti_warn(t, MT_ERR_NOT_FOUND, 0, "engine",
			         "the engine at %s does not know container %s", e->endpoint,
			         mt_short_id(c->id, shortid, sizeof(shortid)));
		else
			mti_warn(t, r->inspect.err, 0, "engine",
			         "container engine at %s: %s; engine facts are missing",
			         e->endpoint,
			         r->inspect.msg ? r->inspect.msg : mt_strerror(r->inspect.err));
		return MT_OK;
	}
	return decode_all(s, t, r, target_exe_path, &c->engine);
}
