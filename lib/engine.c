/* The Docker Engine API backend (also served by Podman): asking the
 * container engine about containers over its unix socket.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "curl_api.h"
#include "engine_decode.h"
#include "engine_http.h"
#include "procfs.h"
#include "runtime.h"
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
	char *api_note; /* a warning from negotiation, for every trace */
	enum mt_err api_note_code;
	bool exec_pids_untrusted; /* spoken API older than 1.25 */
	bool negotiated;
	bool answered;       /* some HTTP reply came back */
	char api_prefix[16]; /* "/v1.41" or "" */
	struct mti_reply ping;
	char *api_version;
	char *engine_version;
	char *engine_os;
	unsigned requests;
	struct engine_replies **cache;
	size_t n_cache;
	size_t cap_cache;
	struct image_list *lists; /* the containers of an image, asked once */
	size_t n_lists, cap_lists;
	bool live; /* the writable layer may be looked into */
	bool have_btime;
	uint64_t btime;
};

/* Replies kept about one container. */
struct exec_reply {
	char *id;
	struct mti_reply r;
};

struct engine_replies {
	char *id;
	struct mti_reply events;
	struct mti_reply inspect;
	struct mti_reply image;
	struct mti_reply changes;
	struct exec_reply *execs;
	size_t n_execs;
};

/* Our state behind the runtime's opaque handle. */
static struct mti_engine *engine_of(struct mti_backend *b)
{
	return (struct mti_engine *)(void *)b;
}

static const struct mti_engine *engine_of_const(const struct mti_backend *b)
{
	return (const struct mti_engine *)(const void *)b;
}

struct image_list {
	char *image_id;
	struct mti_reply list;
};

static void replies_free(struct engine_replies *r)
{
	size_t i;

	if (!r)
		return;
	free(r->id);
	mti_reply_clear(&r->events);
	mti_reply_clear(&r->inspect);
	mti_reply_clear(&r->image);
	mti_reply_clear(&r->changes);
	for (i = 0; i < r->n_execs; i++) {
		free(r->execs[i].id);
		mti_reply_clear(&r->execs[i].r);
	}
	free(r->execs);
	free(r);
}

static void engine_free(struct mti_engine *e)
{
	size_t i;

	if (!e)
		return;
	mti_http_free(e->http);
	free(e->socket_path);
	free(e->endpoint);
	free(e->dead_msg);
	free(e->api_note);
	mti_reply_clear(&e->ping);
	free(e->api_version);
	free(e->engine_version);
	free(e->engine_os);
	for (i = 0; i < e->n_cache; i++)
		replies_free(e->cache[i]);
	free(e->cache);
	for (i = 0; i < e->n_lists; i++) {
		free(e->lists[i].image_id);
		mti_reply_clear(&e->lists[i].list);
	}
	free(e->lists);
	free(e);
}

static void docker_close(struct mti_backend *b)
{
	engine_free(engine_of(b));
}

static unsigned docker_requests(const struct mti_backend *b)
{
	return engine_of_const(b)->requests;
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

/* The engine at cfg->endpoint, nothing asked yet. NULL only without
 * memory. */
static struct mti_backend *docker_open(const struct mti_runtime_config *cfg)
{
	struct mti_engine *e;
	enum mt_err err;

	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->live = cfg->live;
	e->have_btime = cfg->have_btime;
	e->btime = cfg->btime;
	err = mti_engine_socket_path(cfg->endpoint, &e->socket_path);
	if (err == MT_ERR_NOMEM) {
		free(e);
		return NULL;
	}
	if (err) {
		e->dead = err;
		e->dead_msg = mti_asprintf("endpoint \"%s\" is not a unix socket: minertrace "
		                           "only talks to a local engine socket",
		                           cfg->endpoint);
		e->endpoint = mti_strdup(cfg->endpoint);
	} else {
		char msg[256] = "";

		e->endpoint = mti_asprintf("unix://%s", e->socket_path);
		err = mti_http_new(e->socket_path, mti_monotonic_ms() + cfg->timeout_ms,
		                   cfg->max_reply, &e->http, msg, sizeof(msg));
		if (err) {
			e->dead = err;
			e->dead_msg = mti_asprintf("cannot set up the HTTP client: %s",
			                           msg[0] ? msg : mt_strerror(err));
		}
	}
	if (!e->endpoint || (e->dead && !e->dead_msg)) {
		engine_free(e);
		return NULL;
	}
	return (struct mti_backend *)(void *)e;
}

/* The "message" of an engine error reply, for the warning. */
static char *error_message(const char *body, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *m = root ? cJSON_GetObjectItemCaseSensitive(root, "message") : NULL;
	char *s = NULL;

	if (m && cJSON_IsString(m) && m->valuestring)
		s = mti_strndup(m->valuestring, strnlen(m->valuestring, 200));
	cJSON_Delete(root);
	return s;
}

/* Remembers who answered, from the headers every engine reply carries
 * (Api-Version, Server, Ostype): the first reply is enough. */
static enum mt_err learn_server(struct mti_engine *e)
{
	const struct mti_http_server *hs = mti_http_last_server(e->http);

	if ((!e->api_version && hs->api_version[0] &&
	     !(e->api_version = mti_strdup(hs->api_version))) ||
	    (!e->engine_version && hs->server[0] &&
	     !(e->engine_version = mti_strdup(hs->server))) ||
	    (!e->engine_os && hs->os_type[0] && !(e->engine_os = mti_strdup(hs->os_type))))
		return MT_ERR_NOMEM;
	return MT_OK;
}

/* Performs one GET into r unless the engine is dead. */
static enum mt_err request_as(struct mti_engine *e, const char *path, bool expect_json,
                              struct mti_reply *r)
{
	struct mti_buf body;
	char msg[256];
	enum mt_err err;

	mti_reply_clear(r);
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
	err = mti_http_get(e->http, path, expect_json, &body, &r->status, msg, sizeof(msg));
	if (r->status > 0) {
		e->answered = true;
		if (learn_server(e)) {
			mti_buf_free(&body);
			return MT_ERR_NOMEM;
		}
	}
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

static enum mt_err request(struct mti_engine *e, const char *path, struct mti_reply *r)
{
	return request_as(e, path, true, r);
}

/* Picks the API version to speak from the one the engine announced, and
 * says in api_note what the report must know about it. */
static enum mt_err choose_api(struct mti_engine *e)
{
	struct mti_api_version v;

	if (!mti_parse_api_version(e->api_version, &v)) {
		e->api_note_code = MT_ERR_ENGINE_REPLY;
		e->api_note =
		    e->api_version
		        ? mti_asprintf("the engine announced API version \"%.40s\", not "
		                       "MAJOR.MINOR: unversioned paths are used",
		                       e->api_version)
		        : mti_asprintf("the engine did not tell its API version (%s): "
		                       "unversioned paths are used",
		                       e->ping.msg ? e->ping.msg : "no Api-Version header");
		return e->api_note ? MT_OK : MT_ERR_NOMEM;
	}
	if (v.major > MTI_API_MAJOR) {
		e->api_note_code = MT_ERR_UNSUPPORTED;
		e->api_note = mti_asprintf("engine API %s is a major version minertrace does not "
		                           "know: asked in %u.%u, the newest it knows",
		                           e->api_version, MTI_API_MAJOR, MTI_API_MAX_MINOR);
		if (!e->api_note)
			return MT_ERR_NOMEM;
	}
	if (v.major > MTI_API_MAJOR || (v.major == MTI_API_MAJOR && v.minor > MTI_API_MAX_MINOR))
		v = (struct mti_api_version){MTI_API_MAJOR, MTI_API_MAX_MINOR};
	if (v.major < MTI_API_MAJOR || v.minor < MTI_API_EXEC_PID_MINOR)
		e->exec_pids_untrusted = true;
	if (v.major < MTI_API_MAJOR || v.minor < MTI_API_MIN_MINOR) {
		e->api_note_code = MT_ERR_UNSUPPORTED;
		e->api_note = mti_asprintf(
		    "engine API %s is older than %u.%u, the oldest minertrace knows: asked in "
		    "%u.%u; its exec session PIDs (API %u.%u) are not trusted, so no process is "
		    "tied to an exec session",
		    e->api_version, MTI_API_MAJOR, MTI_API_MIN_MINOR, v.major, v.minor,
		    MTI_API_MAJOR, MTI_API_EXEC_PID_MINOR);
		if (!e->api_note)
			return MT_ERR_NOMEM;
	}
	snprintf(e->api_prefix, sizeof(e->api_prefix), "/v%u.%u", v.major, v.minor);
	return MT_OK;
}

/* Learns the engine's API version once: from the Api-Version header of an
 * earlier reply, else of GET /_ping (cheap: /version makes dockerd run its
 * helpers), else from GET /version; then chooses the version to speak. */
static enum mt_err negotiate(struct mti_engine *e)
{
	enum mt_err err;

	if (e->negotiated || e->dead)
		return MT_OK;
	e->negotiated = true;
	/* The events reply, asked first, usually told the version already. */
	if (!e->api_version && (err = request_as(e, "/_ping", false, &e->ping)))
		return err;
	if (!e->api_version && !e->dead) {
		struct mti_reply version;

		memset(&version, 0, sizeof(version));
		err = request(e, "/version", &version);
		if (!err && !version.err) {
			free(e->engine_version);
			free(e->engine_os);
			err = mti_decode_version(version.body, version.len, NULL, &e->api_version,
			                         &e->engine_version, &e->engine_os);
		}
		mti_reply_clear(&version);
		if (err == MT_ERR_NOMEM)
			return err;
	}
	return e->dead ? MT_OK : choose_api(e);
}

static struct engine_replies *cache_find(const struct mti_engine *e, const char *id)
{
	size_t i;

	for (i = 0; e && i < e->n_cache; i++)
		if (strcmp(e->cache[i]->id, id) == 0)
			return e->cache[i];
	return NULL;
}

static struct engine_replies *cache_get(struct mti_engine *e, const char *id)
{
	struct engine_replies *r = cache_find(e, id);

	if (r)
		return r;
	if (e->n_cache >= MAX_CACHED_CONTAINERS)
		return NULL;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
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

/* Only containers the Docker API can know are asked about. */
static bool engine_serves_ref(const char *id, enum mt_runtime runtime)
{
	return id && strlen(id) == 64 && mti_is_hex(id, 64) &&
	       (runtime == MT_RUNTIME_DOCKER || runtime == MT_RUNTIME_PODMAN ||
	        runtime == MT_RUNTIME_UNKNOWN);
}

/* True when the engine that answered is Podman (its Server header). */
static bool is_podman(const struct mti_engine *e)
{
	return e->engine_version && mti_str_starts(e->engine_version, "Libpod");
}

static enum mt_err fetch_events(struct mti_engine *e, struct engine_replies *r)
{
	char filter[128], *escaped, *path;
	struct timespec now;
	long long since;
	enum mt_err err;
	bool podman;

	/* Until this very moment, to the nanosecond: an exec started in the
	 * current second is an event we need. */
	clock_gettime(CLOCK_REALTIME, &now);
	since = e->have_btime ? (long long)e->btime : (long long)now.tv_sec - 86400;
	snprintf(filter, sizeof(filter), "{\"container\":[\"%s\"]}", r->id);
	if (!e->http)
		return request(e, "/events", &r->events);
	escaped = mti_http_escape(e->http, filter);
	if (!escaped)
		return MT_ERR_NOMEM;
	/* Unversioned: this may be the very first request, before negotiation.
	 * Podman's file events backend returns nothing when until is given;
	 * stream=false (which Docker does not know) ends its reply instead. */
	if (is_podman(e))
		path = mti_asprintf("/events?since=%lld&stream=false&filters=%s", since, escaped);
	else
		path = mti_asprintf("/events?since=%lld&until=%lld.%09ld&filters=%s", since,
		                    (long long)now.tv_sec, (long)now.tv_nsec, escaped);
	if (!path) {
		free(escaped);
		return MT_ERR_NOMEM;
	}
	podman = is_podman(e);
	err = request(e, path, &r->events);
	free(path);
	/* the first reply told who answered: ask Podman again its own way */
	if (!err && !podman && is_podman(e)) {
		path = mti_asprintf("/events?since=%lld&stream=false&filters=%s", since, escaped);
		err = path ? request(e, path, &r->events) : MT_ERR_NOMEM;
		free(path);
	}
	free(escaped);
	return err;
}

/* Asks for everything about container r->id that was not asked yet. */
static enum mt_err fetch_all(struct mti_engine *e, struct engine_replies *r)
{
	struct mt_engine_container probe;
	char **exec_ids = NULL, *path;
	size_t n_ids = 0, i;
	enum mt_err err;

	if (!r->events.asked && (err = fetch_events(e, r)))
		return err;
	if ((err = negotiate(e)))
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

/* Asks about every container: all their events first (the engine keeps a
 * short history), then the rest, container by container. */
static enum mt_err docker_prefetch(struct mti_backend *b, char *const *ids, size_t n)
{
	struct mti_engine *e = engine_of(b);
	struct engine_replies *r;
	enum mt_err err = MT_OK;
	size_t i;

	for (i = 0; !err && i < n; i++) {
		r = cache_get(e, ids[i]);
		if (!r)
			err = MT_ERR_NOMEM;
		else if (!r->events.asked)
			err = fetch_events(e, r);
	}
	for (i = 0; !err && i < n; i++) {
		r = cache_get(e, ids[i]);
		err = r ? fetch_all(e, r) : MT_ERR_NOMEM;
	}
	return err;
}

static void docker_preload(void)
{
	(void)mti_curl_api(NULL, 0);
}

/* Any endpoint is the engine's: --engine names only a Docker or Podman
 * socket today. */
static bool docker_serves(const char *endpoint, const char *id, enum mt_runtime runtime)
{
	(void)endpoint;
	return engine_serves_ref(id, runtime);
}

static void warn_reply(struct mt_trace *t, const struct mti_reply *r, const char *what)
{
	mti_warn(t, r->err, 0, "engine", "%s (GET %s): %s", what, r->path ? r->path : "?",
	         r->msg ? r->msg : mt_strerror(r->err));
}

/* Marks which added scratch files are executables, looking into the
 * writable layer without leaving it. */
static void check_executables(const struct mti_engine *e, struct mt_engine_container *ec)
{
	struct stat st;
	size_t i;
	int dfd;

	if (!e->live || !ec->upper_dir || !ec->n_changes)
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

/* Decodes the cached replies into a new engine container for this trace;
 * exec session PIDs are dropped when the API spoken cannot tell them. */
static enum mt_err decode_all(const struct mti_engine *e, struct mt_trace *t,
                              const struct engine_replies *r, const char *target_exe_path,
                              bool untrusted_pids, struct mt_engine_container **out)
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
		if (untrusted_pids)
			x.pid = 0; /* an API without it: whatever came is not evidence */
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
		check_executables(e, ec);
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
	t->engine.reachable = e->answered;
	t->engine.requests = e->requests;
	if (!t->engine.endpoint && !(t->engine.endpoint = mti_strdup(e->endpoint)))
		return MT_ERR_NOMEM;
	if (e->answered && !t->engine.api &&
	    !(t->engine.api = mti_strdup(is_podman(e) ? "Podman (Docker-compatible API)"
	                                              : "Docker Engine API")))
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

/* What Podman's answers mean apart from Docker's: it gives every image a
 * RepoDigest, a local one (podman import, build, commit) under the
 * registry "localhost", which is no registry; and its events may be gone. */
static void podman_facts(struct mt_trace *t, struct mt_container *c)
{
	struct mt_engine_container *ec = c->engine;
	char shortid[16];

	if (ec->have_image && ec->image.registry && strcmp(ec->image.registry, "localhost") == 0)
		ec->image.source = MT_IMAGE_SOURCE_LOCAL;
	if (ec->have_events && ec->n_events == 0)
		mti_warn(t, MT_ERR_NOT_FOUND, 0, "engine",
		         "Podman returned no events for container %s: its events backend keeps "
		         "none (events_logger \"none\", a rotated file or a journal it cannot "
		         "read); how the container was started and entered is unconfirmed",
		         mt_short_id(c->id, shortid, sizeof(shortid)));
}

static enum mt_err docker_describe(struct mti_backend *b, struct mt_trace *t,
                                   struct mt_container *c, const char *target_exe_path)
{
	struct mti_engine *e = engine_of(b);
	struct engine_replies *r;
	enum mt_err err;
	char shortid[16];

	r = cache_get(e, c->id);
	if (!r)
		return MT_ERR_NOMEM;
	err = fetch_all(e, r);
	if (!err)
		err = fill_status(e, t);
	if (!err && e->api_note)
		mti_warn(t, e->api_note_code, 0, "engine", "%s", e->api_note);
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
	err = decode_all(e, t, r, target_exe_path, e->exec_pids_untrusted, &c->engine);
	if (!err && c->engine && c->runtime == MT_RUNTIME_UNKNOWN)
		c->runtime = is_podman(e) ? MT_RUNTIME_PODMAN : MT_RUNTIME_DOCKER;
	if (!err && c->engine && is_podman(e))
		podman_facts(t, c);
	return err;
}

/* Asks once for the versioned path a b c into r, negotiating the API
 * first; r->err says how it went. */
static enum mt_err ask_once(struct mti_engine *e, const char *a, const char *b, const char *c,
                            struct mti_reply *r)
{
	char *path;
	enum mt_err err;

	if (r->asked)
		return MT_OK;
	if ((err = negotiate(e)))
		return err;
	path = mti_asprintf("%s%s%s%s", e->api_prefix, a, b, c);
	if (!path)
		return MT_ERR_NOMEM;
	err = request(e, path, r);
	free(path);
	return err;
}

/* The cached reply slot of the list of image_id's containers (a scan
 * traces several containers of one image: the engine is asked once). */
static struct mti_reply *image_list_slot(struct mti_engine *e, const char *image_id)
{
	struct image_list *l;
	size_t i;

	for (i = 0; i < e->n_lists; i++)
		if (strcmp(e->lists[i].image_id, image_id) == 0)
			return &e->lists[i].list;
	if (mti_grow((void **)&e->lists, &e->cap_lists, e->n_lists + 1, sizeof(*e->lists)))
		return NULL;
	l = &e->lists[e->n_lists];
	memset(l, 0, sizeof(*l));
	l->image_id = mti_strdup(image_id);
	if (!l->image_id)
		return NULL;
	e->n_lists++;
	return &l->list;
}

static enum mt_err docker_same_image(struct mti_backend *b, struct mt_trace *t, const char *own_id,
                                     const char *image_id, struct mt_spread_image *si)
{
	struct mti_engine *e = engine_of(b);
	struct mti_reply *r;
	char filter[128], *escaped;
	enum mt_err err;

	if (!image_id || !mti_str_starts(image_id, "sha256:") || strlen(image_id) != 71 ||
	    !mti_is_hex(image_id + 7, 64))
		return MT_OK;
	if (!e->http)
		return MT_OK;
	r = image_list_slot(e, image_id);
	if (!r)
		return MT_ERR_NOMEM;
	snprintf(filter, sizeof(filter), "{\"ancestor\":[\"%s\"]}", image_id);
	escaped = mti_http_escape(e->http, filter);
	if (!escaped)
		return MT_ERR_NOMEM;
	err = ask_once(e, "/containers/json?all=1&filters=", escaped, "", r);
	free(escaped);
	if (!err && r->err)
		warn_reply(t, r, "containers of the same image");
	else if (!err) {
		si->image_id = mti_strdup(image_id);
		err = si->image_id
		          ? mti_decode_container_list(r->body, r->len, image_id, own_id, t, si)
		          : MT_ERR_NOMEM;
		si->checked = err == MT_OK;
		if (err == MT_ERR_ENGINE_REPLY)
			err = MT_OK;
	}
	t->engine.requests = e->requests;
	return err;
}

static enum mt_err docker_upper_dir(struct mti_backend *b, const char *own_id, const char *id,
                                    char **upper)
{
	struct mti_engine *e = engine_of(b);
	struct mt_engine_container ec;
	struct engine_replies *r;
	char **exec_ids = NULL;
	size_t n_ids = 0;
	enum mt_err err;

	(void)own_id; /* any container of the engine is asked by its ID */
	*upper = NULL;
	r = cache_get(e, id);
	if (!r)
		return MT_ERR_NOMEM;
	err = ask_once(e, "/containers/", id, "/json", &r->inspect);
	if (err || r->inspect.err)
		return err;
	err =
	    mti_decode_container(r->inspect.body, r->inspect.len, id, NULL, &ec, &exec_ids, &n_ids);
	mti_strv_free(exec_ids, n_ids);
	if (!err && ec.upper_dir) {
		*upper = ec.upper_dir;
		ec.upper_dir = NULL;
	}
	mti_engine_container_clear(&ec);
	return err == MT_ERR_NOMEM ? err : MT_OK;
}

/* The raw replies for --collect: the ping (id NULL), or a container's in
 * the order they were asked. */
static bool docker_replies(const struct mti_backend *b, const char *id, mti_reply_visit visit,
                           void *ctx)
{
	const struct mti_engine *e = engine_of_const(b);
	const struct engine_replies *r;
	char name[96];
	size_t k;

	if (!id) {
		if (!e->ping.asked)
			return false;
		visit(ctx, "ping.txt", &e->ping);
		return true;
	}
	r = cache_find(e, id);
	if (!r)
		return false;
	visit(ctx, "events.json", &r->events);
	visit(ctx, "container.json", &r->inspect);
	visit(ctx, "image.json", &r->image);
	visit(ctx, "changes.json", &r->changes);
	for (k = 0; k < r->n_execs; k++) {
		snprintf(name, sizeof(name), "exec-%.64s.json", r->execs[k].id);
		visit(ctx, name, &r->execs[k].r);
	}
	return true;
}

const struct mti_runtime_ops mti_runtime_docker = {
    .api = "Docker Engine API",
    .serves = docker_serves,
    .preload = docker_preload,
    .open = docker_open,
    .close = docker_close,
    .prefetch = docker_prefetch,
    .describe = docker_describe,
    .same_image = docker_same_image,
    .upper_dir = docker_upper_dir,
    .replies = docker_replies,
    .requests = docker_requests,
};
