/* The containerd backend: the containers a containerd shim runs (runtime
 * containerd), asked of the containerd that owns them (the shim's
 * -address) over gRPC. A task created natively (ctr run, nerdctl) is asked
 * through containerd's own API in its namespace: the container record,
 * its image and the exec ID of each of its processes. A Kubernetes pod's
 * container (created through the CRI plugin) is asked through the CRI:
 * its status and its pod's, then the exec IDs through the native API in
 * the CRI's namespace. Raw replies are kept per container for the session
 * (--collect); a transport failure ends all talk with that containerd for
 * the run, and the bundle next to the shim still names what it can.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "curl_api.h"
#include "engine.h"
#include "engine_decode.h"
#include "grpc.h"
#include "grpc_decode.h"
#include "grpc_json.h"
#include "members.h"
#include "runtime.h"
#include "trace_model.h"
#include "util.h"

#define DEFAULT_CONTAINERD_SOCKET "/run/containerd/containerd.sock"
/* The CRI's usual sockets, tried in this order (crictl's list, Docker's
 * dockershim left out). */
static const char *const cri_sockets[] = {
    DEFAULT_CONTAINERD_SOCKET,
    "/run/k3s/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
};
#define CRI_NAMESPACE "k8s.io"
#define MAX_SOCKETS 8
#define MAX_CACHED_CONTAINERS 1024

/* The two APIs a socket may serve: containerd's own and the CRI. */
enum { API_NATIVE, API_CRI, N_APIS };

/* One runtime socket, its client made on first use. */
struct ctd_conn {
	char *path;
	char *endpoint; /* unix://path */
	struct mti_grpc *grpc;
	enum mt_err dead; /* sticky transport failure, MT_OK while usable */
	char *dead_msg;
	bool answered;
	bool understood; /* some call's reply decoded */
	/* each API's Version, asked once before its first container */
	struct mti_reply ver_reply[N_APIS];
	struct mti_cri_version ver[N_APIS];
};

/* The calls kept about one container, in the order asked (the last two
 * for the spread: the other containers of its image, the namespace's
 * tasks). */
enum {
	R_CONTAINER,
	R_IMAGE,
	R_PIDS,
	R_CRI_CONTAINER,
	R_CRI_POD,
	R_SAME_IMAGE,
	R_TASKS,
	N_REPLIES
};

/* Each kept raw reply's file for --collect, with its decoded JSON beside
 * it (the same name, .json). */
static const char *const reply_names[N_REPLIES] = {
    "containerd-container", "containerd-image",      "containerd-pids",  "cri-container-status",
    "cri-pod-status",       "containerd-same-image", "containerd-tasks",
};

static const enum mti_rpc reply_rpcs[N_REPLIES] = {
    MTI_RPC_CTD_CONTAINER, MTI_RPC_CTD_IMAGE,      MTI_RPC_CTD_PIDS,  MTI_RPC_CRI_CONTAINER,
    MTI_RPC_CRI_POD,       MTI_RPC_CTD_CONTAINERS, MTI_RPC_CTD_TASKS,
};

struct ctd_replies {
	char *id;
	bool fetched;
	struct ctd_conn *conn;
	char *ns;
	bool cri;
	bool shim;       /* a containerd shim runs it: its bundle is read */
	bool prefetched; /* asked ahead through the CRI, not yet checked against the container */
	enum mt_runtime runtime;
	struct mti_reply r[N_REPLIES];
	/* the replies decoded once, as they came: each valid where its r[] was
	 * asked and has no err */
	struct mti_ctd_container ctr;
	struct mti_ctd_image im;
	struct mti_ctd_pids pids;
	struct mti_cri_container cc;
	struct mti_cri_pod pod;
};

/* Another container of the same image as a traced one, as containerd
 * listed it: where its writable layer is asked (Snapshots.Mounts). */
struct ctd_other {
	char *id;
	char *mounts_id; /* "SNAPSHOTTER/KEY", NULL when the record lacks them */
	const struct ctd_replies *of; /* the traced container's */
	struct mti_reply mounts;
	char *upper; /* its upperdir, once asked; NULL when not known */
};

struct ctd_state {
	int64_t deadline_ms;
	size_t max_reply;
	/* --runtime-endpoint or CONTAINER_RUNTIME_ENDPOINT: its socket, or
	 * why it cannot be used */
	char *given;
	char *given_path;
	enum mt_err given_err;
	unsigned requests;
	struct ctd_conn conns[MAX_SOCKETS];
	size_t n_conns;
	struct ctd_conn overflow; /* for sockets beyond MAX_SOCKETS: never asked */
	struct ctd_replies **cache;
	size_t n_cache, cap_cache;
	struct ctd_other *others;
	size_t n_others;
	bool others_truncated;
};

static struct ctd_state *state_of(struct mti_backend *b)
{
	return (struct ctd_state *)(void *)b;
}

static const struct ctd_state *state_of_const(const struct mti_backend *b)
{
	return (const struct ctd_state *)(const void *)b;
}

static void conn_clear(struct ctd_conn *cn)
{
	size_t k;

	mti_grpc_free(cn->grpc);
	free(cn->path);
	free(cn->endpoint);
	free(cn->dead_msg);
	for (k = 0; k < N_APIS; k++) {
		mti_reply_clear(&cn->ver_reply[k]);
		mti_cri_version_clear(&cn->ver[k]);
	}
}

/* Forgets what was asked about set's container. */
static void forget(struct ctd_replies *set)
{
	size_t k;

	for (k = 0; k < N_REPLIES; k++)
		mti_reply_clear(&set->r[k]);
	mti_ctd_container_clear(&set->ctr);
	mti_ctd_image_clear(&set->im);
	mti_ctd_pids_clear(&set->pids);
	mti_cri_container_clear(&set->cc);
	mti_cri_pod_clear(&set->pod);
	free(set->ns);
	set->ns = NULL;
	set->prefetched = false;
}

static void ctd_close(struct mti_backend *b)
{
	struct ctd_state *s = state_of(b);
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_conns; i++)
		conn_clear(&s->conns[i]);
	conn_clear(&s->overflow);
	free(s->given);
	free(s->given_path);
	for (i = 0; i < s->n_cache; i++) {
		forget(s->cache[i]);
		free(s->cache[i]->id);
		free(s->cache[i]);
	}
	free(s->cache);
	for (i = 0; i < s->n_others; i++) {
		free(s->others[i].id);
		free(s->others[i].mounts_id);
		free(s->others[i].upper);
		mti_reply_clear(&s->others[i].mounts);
	}
	free(s->others);
	free(s);
}

static struct mti_backend *ctd_open(const struct mti_runtime_config *cfg)
{
	struct ctd_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->deadline_ms = mti_monotonic_ms() + cfg->timeout_ms;
	s->max_reply = cfg->max_reply;
	if (cfg->runtime_endpoint && *cfg->runtime_endpoint) {
		s->given = mti_strdup(cfg->runtime_endpoint);
		s->given_err = mti_engine_socket_path(cfg->runtime_endpoint, &s->given_path);
		if (!s->given || s->given_err == MT_ERR_NOMEM) {
			ctd_close((struct mti_backend *)(void *)s);
			return NULL;
		}
	}
	return (struct mti_backend *)(void *)s;
}

static unsigned ctd_requests(const struct mti_backend *b)
{
	return state_of_const(b)->requests;
}

/* Containers a containerd shim runs (the docker namespace "moby" is the
 * Docker backend's: its runtime is docker) and CRI-O's; and a 64-hex ID
 * whose runtime the cgroup does not tell (a pod's under the kubelet's
 * cgroupfs driver), which the Docker backend is asked of first. */
static bool ctd_serves(const char *endpoint, const char *id, enum mt_runtime runtime)
{
	(void)endpoint;
	return id && *id &&
	       (runtime == MT_RUNTIME_CONTAINERD || runtime == MT_RUNTIME_CRIO ||
	        (runtime == MT_RUNTIME_UNKNOWN && strlen(id) == 64 && mti_is_hex(id, 64)));
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* The socket to ask about a container: the shim's own -address (the
 * containerd that owns it), else the endpoint given, else for the CRI the
 * first of the usual sockets that exists, else containerd's. */
static const char *socket_for(const struct ctd_state *s, const struct mt_runtime_task *task,
                              bool cri)
{
	size_t i;

	if (task && task->address)
		return task->address;
	if (s->given)
		return s->given_path ? s->given_path : s->given;
	for (i = 0; cri && i < MTI_ARRAY_LEN(cri_sockets); i++)
		if (is_socket(cri_sockets[i]))
			return cri_sockets[i];
	return DEFAULT_CONTAINERD_SOCKET;
}

/* The connection to the containerd at path, its client made on first
 * use; NULL only without memory. */
static struct ctd_conn *conn_for(struct ctd_state *s, const char *path)
{
	struct ctd_conn *cn;
	char msg[256] = "";
	enum mt_err err;
	size_t i;

	for (i = 0; i < s->n_conns; i++)
		if (!strcmp(s->conns[i].path, path))
			return &s->conns[i];
	if (s->n_conns == MAX_SOCKETS) {
		/* shims naming more containerds than this are not followed */
		if (!s->overflow.dead) {
			s->overflow.dead = MT_ERR_LIMIT;
			s->overflow.path = mti_strdup("(more sockets)");
			s->overflow.endpoint = mti_strdup("(more sockets)");
			s->overflow.dead_msg = mti_asprintf("shims name more than %d containerd "
			                                    "sockets: the others are not asked",
			                                    MAX_SOCKETS);
			if (!s->overflow.path || !s->overflow.endpoint || !s->overflow.dead_msg)
				return NULL;
		}
		return &s->overflow;
	}
	cn = &s->conns[s->n_conns];
	cn->path = mti_strdup(path);
	cn->endpoint = mti_asprintf("unix://%s", path);
	if (!cn->path || !cn->endpoint) {
		free(cn->path);
		free(cn->endpoint);
		memset(cn, 0, sizeof(*cn));
		return NULL;
	}
	s->n_conns++;
	err = mti_grpc_new(path, s->deadline_ms, s->max_reply, &cn->grpc, msg, sizeof(msg));
	if (err) {
		cn->dead = err;
		cn->dead_msg = mti_asprintf("cannot set up the gRPC client: %s",
		                            msg[0] ? msg : mt_strerror(err));
		if (!cn->dead_msg)
			return NULL;
	}
	return cn;
}

/* The replies kept about container id, made on first use; NULL only
 * without memory or over the cap. */
static struct ctd_replies *cache_get(struct ctd_state *s, const char *id)
{
	struct ctd_replies *r;
	size_t i;

	for (i = 0; i < s->n_cache; i++)
		if (!strcmp(s->cache[i]->id, id))
			return s->cache[i];
	if (s->n_cache == MAX_CACHED_CONTAINERS)
		return NULL;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	if (mti_grow((void **)&s->cache, &s->cap_cache, s->n_cache + 1, sizeof(*s->cache)))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->id = mti_strdup(id))) {
		free(r);
		return NULL;
	}
	s->cache[s->n_cache++] = r;
	return r;
}

static const struct ctd_replies *cache_find(const struct ctd_state *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n_cache; i++)
		if (!strcmp(s->cache[i]->id, id))
			return s->cache[i];
	return NULL;
}

/* A transport failure: nothing more is asked of that containerd. */
static bool transport_failure(enum mt_err err)
{
	return err == MT_ERR_ENGINE_UNREACHABLE || err == MT_ERR_ENGINE_TIMEOUT ||
	       err == MT_ERR_PERMISSION || err == MT_ERR_UNSUPPORTED;
}

/* Asks rpc about id into r (its raw reply kept), decoding into out for
 * the calls that depend on it. MT_ERR_NOMEM, else MT_OK with r->err
 * saying how it went. */
static enum mt_err ask(struct ctd_state *s, struct ctd_replies *set, enum mti_rpc rpc,
                       const char *id, struct mti_reply *r, void *out)
{
	struct ctd_conn *cn = set->conn;
	struct mti_buf raw;
	char msg[512] = "";

	r->asked = true;
	r->path = mti_asprintf("%s %s", mti_rpc_method(rpc), id ? id : "");
	if (!r->path)
		return MT_ERR_NOMEM;
	if (cn->dead) {
		r->err = cn->dead;
		r->msg = mti_strdup(cn->dead_msg);
		return r->msg ? MT_OK : MT_ERR_NOMEM;
	}
	mti_buf_init(&raw);
	s->requests++;
	r->err = mti_grpc_rpc(cn->grpc, set->ns, rpc, id, out, &raw, msg, sizeof(msg));
	if (r->err == MT_ERR_NOMEM) {
		mti_buf_free(&raw);
		return MT_ERR_NOMEM;
	}
	cn->understood = cn->understood || !r->err;
	if (!transport_failure(r->err))
		cn->answered = true;
	else if (!cn->dead) {
		cn->dead = r->err;
		cn->dead_msg = mti_asprintf(
		    "%s at %s: %s", set->cri ? "the CRI runtime" : "containerd", cn->path, msg);
		if (!cn->dead_msg) {
			mti_buf_free(&raw);
			return MT_ERR_NOMEM;
		}
	}
	r->len = raw.len;
	r->body = mti_buf_steal(&raw);
	r->msg = r->err ? mti_strdup(msg) : NULL;
	if (!r->body || (r->err && !r->msg))
		return MT_ERR_NOMEM;
	return MT_OK;
}

/* Asks the Version of set's API once per connection: who answers is
 * told in the report. MT_ERR_NOMEM, else MT_OK. */
static enum mt_err ask_version(struct ctd_state *s, struct ctd_replies *set)
{
	struct ctd_conn *cn = set->conn;
	int k = set->cri ? API_CRI : API_NATIVE;
	enum mt_err err;

	if (cn->ver_reply[k].asked)
		return MT_OK;
	err = ask(s, set, set->cri ? MTI_RPC_CRI_VERSION : MTI_RPC_CTD_VERSION, NULL,
	          &cn->ver_reply[k], &cn->ver[k]);
	if (err || cn->ver_reply[k].err)
		mti_cri_version_clear(&cn->ver[k]);
	return err;
}

/* Whether containerd serves set's container: not for CRI-O's, nor when
 * the CRI's Version names another runtime. */
static bool containerd_behind(const struct ctd_replies *set, enum mt_runtime runtime)
{
	const char *rt = set->conn->ver[API_CRI].runtime_name;

	return runtime != MT_RUNTIME_CRIO && (!set->cri || !rt || !strcmp(rt, "containerd"));
}

/* Asks the records of container id of set's connection, in set's API and
 * namespace (the exec IDs are fetch_pids'). MT_OK or MT_ERR_NOMEM. */
static enum mt_err fetch_on(struct ctd_state *s, struct ctd_replies *set, const char *id)
{
	enum mt_err err = ask_version(s, set);

	if (err)
		return err;
	if (set->cri) {
		err = ask(s, set, MTI_RPC_CRI_CONTAINER, id, &set->r[R_CRI_CONTAINER], &set->cc);
		if (!err && !set->r[R_CRI_CONTAINER].err && set->cc.sandbox_id)
			err = ask(s, set, MTI_RPC_CRI_POD, set->cc.sandbox_id, &set->r[R_CRI_POD],
			          &set->pod);
	} else {
		err = ask(s, set, MTI_RPC_CTD_CONTAINER, id, &set->r[R_CONTAINER], &set->ctr);
		if (!err && !set->r[R_CONTAINER].err && set->ctr.image)
			err = ask(s, set, MTI_RPC_CTD_IMAGE, set->ctr.image, &set->r[R_IMAGE],
			          &set->im);
	}
	return err;
}

/* Asks the exec IDs of c's processes (containerd's own API: not CRI-O's)
 * unless /proc shows that no process of c entered it from outside: the
 * shim runs `runc ps` for ListPids, the slowest call of a trace, and an
 * exec's ID is all it tells. MT_OK or MT_ERR_NOMEM. */
static enum mt_err fetch_pids(struct ctd_state *s, struct ctd_replies *set,
                              const struct mt_container *c)
{
	if (set->r[R_PIDS].asked || !containerd_behind(set, c->runtime) ||
	    mti_members_one_tree(c))
		return MT_OK;
	return ask(s, set, MTI_RPC_CTD_PIDS, c->id, &set->r[R_PIDS], &set->pids);
}

/* Whether set was prefetched as c would be asked: through the CRI, of the
 * socket and in the namespace c's shim names. */
static bool prefetch_fits(const struct ctd_state *s, const struct ctd_replies *set,
                          const struct mt_container *c)
{
	const struct mt_runtime_task *task = c->task;
	bool cri = c->runtime == MT_RUNTIME_CRIO || (task ? task->cri : c->pod_uid != NULL);

	return cri && !strcmp(set->conn->path, socket_for(s, task, true)) &&
	       !(task && task->namespace && strcmp(task->namespace, set->ns) != 0);
}

/* Asks everything about container c once per session (what was asked
 * ahead is kept when it fits c). */
static enum mt_err fetch(struct ctd_state *s, struct ctd_replies *set, const struct mt_container *c)
{
	const struct mt_runtime_task *task = c->task;
	enum mt_err err;

	set->fetched = true;
	set->shim = task != NULL;
	set->runtime = c->runtime;
	if (set->prefetched && prefetch_fits(s, set, c))
		return fetch_pids(s, set, c);
	forget(set);
	set->cri = c->runtime == MT_RUNTIME_CRIO || (task ? task->cri : c->pod_uid != NULL);
	set->ns = mti_strdup(task && task->namespace ? task->namespace
	                     : set->cri              ? CRI_NAMESPACE
	                                             : "default");
	set->conn = conn_for(s, socket_for(s, task, set->cri));
	if (!set->ns || !set->conn)
		return MT_ERR_NOMEM;
	if (!(task && task->address) && s->given_err && !set->conn->dead) {
		set->conn->dead = s->given_err;
		set->conn->dead_msg =
		    mti_asprintf("runtime endpoint \"%s\" is not a unix socket: "
		                 "minertrace only talks to a local runtime socket",
		                 s->given);
		if (!set->conn->dead_msg)
			return MT_ERR_NOMEM;
	}
	err = fetch_on(s, set, c->id);
	return err ? err : fetch_pids(s, set, c);
}

static void warn_notes(struct mt_trace *t, const char *what, const struct mti_grpc_notes *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		mti_warn(t, MT_ERR_ENGINE_REPLY, 0, "engine", "%s: %s", what, n->text[i]);
}

/* A copy of a time in ns since the epoch as text; NULL when unknown. */
static bool time_text(int64_t ns, char **out)
{
	char buf[40];

	*out = NULL;
	if (ns <= 0)
		return true;
	*out = mti_strdup(mti_format_utc_ms(ns / 1000000, buf, sizeof(buf)));
	return *out != NULL;
}

/* Copies labels into ec. */
static enum mt_err copy_labels(const struct mti_kv_list *l, struct mt_engine_container *ec)
{
	size_t i;

	if (!l->n)
		return MT_OK;
	ec->labels = calloc(l->n, sizeof(*ec->labels));
	if (!ec->labels)
		return MT_ERR_NOMEM;
	for (i = 0; i < l->n; i++) {
		ec->labels[i].key = mti_strdup(l->items[i].key);
		ec->labels[i].value = mti_strdup(l->items[i].value);
		ec->n_labels = i + 1;
		if (!ec->labels[i].key || !ec->labels[i].value)
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}

/* Sets *dst to a copy of src unless it is set already. */
static bool take_str(char **dst, const char *src)
{
	if (*dst || !src)
		return true;
	*dst = mti_strdup(src);
	return *dst != NULL;
}

/* The image as the CRI tells it: image_ref is a registry digest
 * ("name@sha256:...") when the image came from a registry, else its ID. */
static enum mt_err cri_image(const struct mti_cri_container *cc, struct mt_engine_container *ec)
{
	struct mt_image *img = &ec->image;

	if (!cc->image_ref)
		return MT_OK;
	ec->have_image = true;
	if (!strchr(cc->image_ref, '@')) {
		img->source = MT_IMAGE_SOURCE_LOCAL;
		return take_str(&img->id, cc->image_ref) ? MT_OK : MT_ERR_NOMEM;
	}
	img->repo_digests = calloc(1, sizeof(*img->repo_digests));
	if (!img->repo_digests || !(img->repo_digests[0] = mti_strdup(cc->image_ref)))
		return MT_ERR_NOMEM;
	img->n_repo_digests = 1;
	img->registry = mti_reference_registry(cc->image_ref);
	if (!img->registry)
		return MT_ERR_NOMEM;
	img->source = strcmp(img->registry, "docker.io") == 0 ? MT_IMAGE_SOURCE_DOCKER_HUB
	                                                      : MT_IMAGE_SOURCE_REGISTRY;
	return MT_OK;
}

/* The CRI's container and pod status into ec (set's main reply has no
 * err). MT_OK or MT_ERR_NOMEM. */
static enum mt_err decode_cri(struct mt_trace *t, const struct ctd_replies *set,
                              struct mt_engine_container *ec)
{
	static const struct mti_cri_pod no_pod;
	const struct mti_reply *rp = &set->r[R_CRI_POD];
	const struct mti_cri_container *cc = &set->cc;
	const struct mti_cri_pod *pod = rp->asked && !rp->err ? &set->pod : &no_pod;
	enum mt_err err;

	warn_notes(t, "CRI ContainerStatus", &cc->notes);
	warn_notes(t, "CRI PodSandboxStatus", &pod->notes);
	ec->restart_count = cc->attempt;
	ec->init_pid = cc->pid;
	if (!take_str(&ec->id, cc->id) || !take_str(&ec->name, cc->name) ||
	    !take_str(&ec->image_ref, cc->image) || !take_str(&ec->image_id, cc->image_ref) ||
	    !take_str(&ec->status, cc->state) || !time_text(cc->created_ns, &ec->created) ||
	    !time_text(cc->started_ns, &ec->started_at) ||
	    !take_str(&ec->k8s_pod_name, pod->name) ||
	    !take_str(&ec->k8s_namespace, pod->namespace) ||
	    !take_str(&ec->k8s_pod_uid, pod->uid) ||
	    !take_str(&ec->k8s_pod_name, mti_kv_get(&cc->labels, "io.kubernetes.pod.name")) ||
	    !take_str(&ec->k8s_namespace, mti_kv_get(&cc->labels, "io.kubernetes.pod.namespace")) ||
	    !take_str(&ec->k8s_pod_uid, mti_kv_get(&cc->labels, "io.kubernetes.pod.uid")) ||
	    !take_str(&ec->k8s_container, cc->name))
		return MT_ERR_NOMEM;
	if (cc->have_privileged)
		ec->privileged = cc->privileged;
	err = copy_labels(&cc->labels, ec);
	return err ? err : cri_image(cc, ec);
}

/* containerd's container record and its image into ec (set's main reply
 * has no err). MT_OK or MT_ERR_NOMEM. */
static enum mt_err decode_native(struct mt_trace *t, const struct ctd_replies *set,
                                 struct mt_engine_container *ec)
{
	const struct mti_reply *ri = &set->r[R_IMAGE];
	const struct mti_ctd_container *ctr = &set->ctr;
	const struct mti_ctd_image *im = &set->im;
	enum mt_err err;

	warn_notes(t, "containerd Containers.Get", &ctr->notes);
	if (!take_str(&ec->id, ctr->id) || !take_str(&ec->name, ctr->id) ||
	    !take_str(&ec->image_ref, ctr->image) || !time_text(ctr->created_ns, &ec->created) ||
	    (ctr->spec.n_args && !take_str(&ec->path, ctr->spec.args[0])) ||
	    (ctr->spec.n_args > 1 &&
	     mti_strv_dup(ctr->spec.args + 1, ctr->spec.n_args - 1, &ec->args) != MT_OK))
		return MT_ERR_NOMEM;
	if (ctr->spec.n_args > 1)
		ec->n_args = ctr->spec.n_args - 1;
	err = copy_labels(&ctr->labels, ec);
	if (err || !ri->asked)
		return err;
	if (ri->err) {
		mti_warn(t, ri->err, 0, "engine", "containerd Images.Get %s: %s", ctr->image,
		         ri->msg ? ri->msg : mt_strerror(ri->err));
		return MT_OK;
	}
	warn_notes(t, "containerd Images.Get", &im->notes);
	/* containerd keeps no registry digest apart from the manifest's: where
	 * the image came from is not told */
	ec->have_image = true;
	if (!take_str(&ec->image_id, im->digest) || !take_str(&ec->image.id, im->digest) ||
	    !time_text(im->created_ns, &ec->image.created))
		return MT_ERR_NOMEM;
	return MT_OK;
}

/* The exec IDs of the task's processes into ec's exec sessions. */
static enum mt_err decode_pids(struct mt_trace *t, const struct ctd_replies *set,
                               struct mt_engine_container *ec)
{
	const struct mti_reply *r = &set->r[R_PIDS];
	const struct mti_ctd_pids *p = &set->pids;
	size_t i, n = 0;

	if (!r->asked)
		return MT_OK;
	if (r->err) {
		mti_warn(t, r->err, 0, "engine", "containerd Tasks.ListPids: %s",
		         r->msg ? r->msg : mt_strerror(r->err));
		return MT_OK;
	}
	warn_notes(t, "containerd Tasks.ListPids", &p->notes);
	for (i = 0; i < p->n; i++)
		n += p->items[i].exec_id != NULL;
	ec->execs = n ? calloc(n, sizeof(*ec->execs)) : NULL;
	if (n && !ec->execs)
		return MT_ERR_NOMEM;
	for (i = 0; i < p->n; i++) {
		struct mt_exec_session *x;

		if (!p->items[i].exec_id)
			continue;
		x = &ec->execs[ec->n_execs++];
		x->pid = p->items[i].pid;
		x->running = true; /* ListPids names live processes only */
		x->exit_code = -1;
		x->chain_index = -1;
		x->id = mti_strdup(p->items[i].exec_id);
		if (!x->id)
			return MT_ERR_NOMEM;
	}
	return MT_OK;
}

/* Says how the container's main call r went when it gave no record (r
 * has an err: the transport's, containerd's or the decoder's). */
static void warn_missing(struct mt_trace *t, const struct ctd_replies *set, const char *what,
                         const struct mti_reply *r)
{
	char shortid[16];

	mt_short_id(set->id, shortid, sizeof(shortid));
	if (r->err == MT_ERR_NOT_FOUND)
		mti_warn(t, MT_ERR_NOT_FOUND, 0, "engine",
		         "%s at %s does not know container %s (%s, namespace %s)",
		         set->cri ? "the CRI runtime" : "containerd", set->conn->path, shortid,
		         what, set->ns);
	else
		mti_warn(t, r->err, 0, "engine", "%s: %s; runtime facts are missing%s", what,
		         r->msg ? r->msg : mt_strerror(r->err),
		         set->shim ? " (the bundle next to the shim still names what it can)" : "");
}

/* The API that answered about set's container, a new string. */
static char *api_name(const struct ctd_replies *set)
{
	const char *rt = set->conn->ver[API_CRI].runtime_name;

	if (!set->cri)
		return mti_strdup("containerd API");
	if (!rt)
		return mti_strdup("CRI");
	if (!strcmp(rt, "containerd"))
		return mti_strdup("CRI (containerd)");
	if (!strcmp(rt, "cri-o"))
		return mti_strdup("CRI (CRI-O)");
	return mti_asprintf("CRI (%s)", rt);
}

static enum mt_err fill_status(const struct ctd_state *s, struct mt_trace *t,
                               const struct ctd_replies *set)
{
	const struct ctd_conn *cn = set->conn;
	const struct mti_cri_version *v = &cn->ver[set->cri ? API_CRI : API_NATIVE];

	t->engine.enabled = true;
	t->engine.reachable = t->engine.reachable || cn->answered;
	t->engine.requests = s->requests;
	if (!t->engine.endpoint && !(t->engine.endpoint = mti_strdup(cn->endpoint)))
		return MT_ERR_NOMEM;
	if (!cn->understood || t->engine.api)
		return MT_OK;
	if (!(t->engine.api = api_name(set)) ||
	    !take_str(&t->engine.engine_version, v->runtime_version) ||
	    !take_str(&t->engine.api_version, v->runtime_api_version))
		return MT_ERR_NOMEM;
	return MT_OK;
}

static enum mt_err ctd_describe(struct mti_backend *b, struct mt_trace *t, struct mt_container *c,
                                const char *target_exe_path)
{
	struct ctd_state *s = state_of(b);
	struct ctd_replies *set = cache_get(s, c->id);
	struct mt_engine_container *ec;
	const struct mti_reply *main_reply;
	const char *what;
	enum mt_err err;

	(void)target_exe_path;
	if (!set)
		return MT_ERR_NOMEM;
	if (!set->fetched && (err = fetch(s, set, c)))
		return err;
	err = fill_status(s, t, set);
	if (err)
		return err;
	main_reply = &set->r[set->cri ? R_CRI_CONTAINER : R_CONTAINER];
	what = set->cri ? "CRI ContainerStatus" : "containerd Containers.Get";
	if (main_reply->err) {
		warn_missing(t, set, what, main_reply);
		return MT_OK;
	}
	ec = calloc(1, sizeof(*ec));
	if (!ec)
		return MT_ERR_NOMEM;
	ec->target_change = -1;
	ec->restart_max = -1;
	err = set->cri ? decode_cri(t, set, ec) : decode_native(t, set, ec);
	if (!err)
		err = decode_pids(t, set, ec);
	if (err) {
		mti_engine_container_free(ec);
		return err;
	}
	c->engine = ec;
	return MT_OK;
}

/* Asks ahead, on the job's thread while the /proc walk goes on, what the
 * CRI knows of each container whose ID could be a CRI container's (64
 * hex), of the socket a container without a shim is asked of (the
 * endpoint given, or the first usual CRI socket) when there is one.
 * Describe keeps it when the shim found later names that socket for a CRI
 * container, else asks again; the exec IDs wait for describe, which knows
 * the container's processes (fetch_pids). */
static enum mt_err ctd_prefetch(struct mti_backend *b, char *const *ids, size_t n)
{
	struct ctd_state *s = state_of(b);
	const char *path = socket_for(s, NULL, true);
	struct ctd_replies *set;
	enum mt_err err = MT_OK;
	size_t i;

	/* nothing to ask ahead without a socket there */
	if (s->given_err || !is_socket(path))
		return MT_OK;
	for (i = 0; !err && i < n; i++) {
		if (strlen(ids[i]) != 64 || !mti_is_hex(ids[i], 64))
			continue;
		set = cache_get(s, ids[i]);
		if (!set)
			return MT_ERR_NOMEM;
		if (set->fetched || set->prefetched)
			continue;
		set->prefetched = true;
		set->cri = true;
		set->ns = mti_strdup(CRI_NAMESPACE);
		set->conn = conn_for(s, path);
		if (!set->ns || !set->conn)
			return MT_ERR_NOMEM;
		err = fetch_on(s, set, ids[i]);
	}
	return err;
}

static void ctd_preload(void)
{
	(void)mti_curl_api(NULL, 0);
}

/* The name of a container containerd listed: its pod's namespace and
 * name and its own name for a pod's container (the CRI's labels), else its
 * ID; a new string. */
static char *other_name(const struct mti_ctd_container *c)
{
	const char *ns = mti_kv_get(&c->labels, "io.kubernetes.pod.namespace");
	const char *pod = mti_kv_get(&c->labels, "io.kubernetes.pod.name");
	const char *name = mti_kv_get(&c->labels, "io.kubernetes.container.name");

	if (ns && pod && name)
		return mti_asprintf("%s/%s/%s", ns, pod, name);
	return mti_strdup(c->id);
}

/* A task's status for the report: "created" when the container has no
 * task. */
static const char *task_state(const struct mti_ctd_task_list *tasks, const char *id)
{
	size_t i;

	for (i = 0; i < tasks->n; i++)
		if (!strcmp(tasks->items[i].container_id, id))
			return tasks->items[i].status;
	return "created";
}

/* Keeps where container c's writable layer is asked, for upper_dir. */
static enum mt_err remember_other(struct ctd_state *s, const struct ctd_replies *of,
                                  const struct mti_ctd_container *c)
{
	size_t cap = s->n_others;
	struct ctd_other *o;
	bool plain;

	if (s->n_others >= MAX_CACHED_CONTAINERS) {
		s->others_truncated = true;
		return MT_OK;
	}
	if (mti_grow((void **)&s->others, &cap, s->n_others + 1, sizeof(*s->others)))
		return MT_ERR_NOMEM;
	o = &s->others[s->n_others];
	memset(o, 0, sizeof(*o));
	o->of = of;
	o->id = mti_strdup(c->id);
	/* a snapshotter's name and a key as containerd makes them: nothing
	 * that a request, the collected index or a file name would mind */
	plain = mti_ctd_plain_reference(c->snapshotter) && !strchr(c->snapshotter, '/') &&
	        mti_ctd_plain_reference(c->snapshot_key);
	if (plain)
		o->mounts_id = mti_asprintf("%s/%s", c->snapshotter, c->snapshot_key);
	if (!o->id || (plain && !o->mounts_id)) {
		free(o->id);
		free(o->mounts_id);
		return MT_ERR_NOMEM;
	}
	s->n_others++;
	return MT_OK;
}

/* The image reference set's container was created from, as its record
 * says; NULL when there is no record. */
static const char *own_image(const struct ctd_replies *set)
{
	const struct mti_reply *main_reply = &set->r[set->cri ? R_CRI_CONTAINER : R_CONTAINER];

	if (!main_reply->asked || main_reply->err)
		return NULL;
	return set->cri ? set->cc.image : set->ctr.image;
}

/* The listed containers but own into si, each with its state. */
static enum mt_err fill_same_image(struct ctd_state *s, const struct ctd_replies *set,
                                   const struct mti_ctd_container_list *list,
                                   const struct mti_ctd_task_list *tasks,
                                   struct mt_spread_image *si)
{
	enum mt_err err = MT_OK;
	size_t i;

	for (i = 0; !err && i < list->n; i++) {
		const struct mti_ctd_container *c = &list->items[i];
		struct mt_spread_container *slot;

		if (!strcmp(c->id, set->id))
			continue;
		err = mti_append_capped((void **)&si->containers, &si->n_containers,
		                        MTI_ENGINE_MAX_SAME_IMAGE, sizeof(*slot), &si->truncated,
		                        (void **)&slot);
		if (err || !slot)
			continue;
		slot->created_ns = c->created_ns > 0 ? c->created_ns : -1;
		slot->file_in_layer = -1;
		slot->id = mti_strdup(c->id);
		slot->name = other_name(c);
		slot->state = mti_strdup(task_state(tasks, c->id));
		if (!slot->id || !slot->name || !slot->state)
			err = MT_ERR_NOMEM;
		else
			err = remember_other(s, set, c);
	}
	si->truncated = si->truncated || list->truncated;
	return err;
}

/* The other containers of the traced container's image, as containerd
 * lists them in its namespace (Containers.List on the image's name, then,
 * when there are any, Tasks.List for their states): containerd's
 * containers only, whether created natively or through its CRI; CRI-O's
 * are not listed. */
static enum mt_err ctd_same_image(struct mti_backend *b, struct mt_trace *t, const char *own_id,
                                  const char *image_id, struct mt_spread_image *si)
{
	struct ctd_state *s = state_of(b);
	struct ctd_replies *set = cache_get(s, own_id);
	struct mti_ctd_container_list list;
	struct mti_ctd_task_list tasks;
	const struct mti_reply *rl, *rt;
	const char *image;
	enum mt_err err;

	if (!set)
		return MT_ERR_NOMEM;
	image = own_image(set);
	if (!set->fetched || !set->conn || set->conn->dead || !containerd_behind(set, set->runtime) ||
	    !mti_ctd_plain_reference(image) || set->r[R_SAME_IMAGE].asked)
		return MT_OK;
	memset(&list, 0, sizeof(list));
	memset(&tasks, 0, sizeof(tasks));
	err = ask(s, set, MTI_RPC_CTD_CONTAINERS, image, &set->r[R_SAME_IMAGE], &list);
	rl = &set->r[R_SAME_IMAGE];
	/* their states, when there are others than own */
	if (!err && !rl->err && (list.n > 1 || (list.n == 1 && strcmp(list.items[0].id, own_id) != 0)))
		err = ask(s, set, MTI_RPC_CTD_TASKS, NULL, &set->r[R_TASKS], &tasks);
	rt = &set->r[R_TASKS];
	t->engine.requests = s->requests;
	if (err)
		goto out;
	if (rl->err || rt->err) {
		mti_warn(t, rl->err ? rl->err : rt->err, 0, "engine",
		         "containers of the same image (%s): %s", rl->err ? "Containers.List" : "Tasks.List",
		         (rl->err ? rl->msg : rt->msg) ? (rl->err ? rl->msg : rt->msg)
		                                       : mt_strerror(rl->err ? rl->err : rt->err));
		goto out;
	}
	warn_notes(t, "containerd Containers.List", &list.notes);
	warn_notes(t, "containerd Tasks.List", &tasks.notes);
	si->image_id = mti_strdup(image_id ? image_id : image);
	err = si->image_id ? fill_same_image(s, set, &list, &tasks, si) : MT_ERR_NOMEM;
	si->checked = err == MT_OK;
out:
	mti_ctd_container_list_clear(&list);
	mti_ctd_task_list_clear(&tasks);
	return err;
}

/* The writable layer of a container the same-image list named: the
 * upperdir of its snapshot's overlay mount (Snapshots.Mounts), asked once
 * on its containerd in its namespace. */
static enum mt_err ctd_upper_dir(struct mti_backend *b, const char *own_id, const char *id,
                                 char **upper)
{
	struct ctd_state *s = state_of(b);
	struct ctd_replies probe;
	struct ctd_other *o = NULL;
	struct mti_ctd_mounts m;
	enum mt_err err;
	size_t i;

	*upper = NULL;
	for (i = 0; i < s->n_others && !o; i++)
		if (!strcmp(s->others[i].id, id) && !strcmp(s->others[i].of->id, own_id))
			o = &s->others[i];
	if (!o || !o->mounts_id)
		return MT_OK;
	if (o->mounts.asked) /* an earlier trace of the session asked it */
		return o->upper && !(*upper = mti_strdup(o->upper)) ? MT_ERR_NOMEM : MT_OK;
	/* asked as the traced container was: same connection and namespace
	 * (ask reads those of a set; its replies are not touched) */
	probe = *o->of;
	memset(&m, 0, sizeof(m));
	err = ask(s, &probe, MTI_RPC_CTD_MOUNTS, o->mounts_id, &o->mounts, &m);
	if (!err && !o->mounts.err && m.upperdir &&
	    (!(o->upper = mti_strdup(m.upperdir)) || !(*upper = mti_strdup(m.upperdir))))
		err = MT_ERR_NOMEM;
	mti_ctd_mounts_clear(&m);
	return err;
}

/* Visits raw reply r as NAME.pb and, when it came, its decoded JSON as
 * NAME.json (the object asked for is the last word of r->path). */
static void visit_with_json(const char *name, enum mti_rpc rpc, const struct mti_reply *r,
                            mti_reply_visit visit, void *ctx)
{
	struct mti_reply decoded;
	const char *asked = r->path ? strrchr(r->path, ' ') : NULL;
	char file[64];

	snprintf(file, sizeof(file), "%s.pb", name);
	visit(ctx, file, r);
	if (r->err || !r->body)
		return;
	memset(&decoded, 0, sizeof(decoded));
	decoded.asked = true;
	decoded.path = r->path;
	decoded.body =
	    mti_rpc_reply_json(rpc, (const uint8_t *)r->body, r->len, asked ? asked + 1 : "");
	if (!decoded.body)
		return; /* without memory: the raw reply is there */
	decoded.len = strlen(decoded.body);
	snprintf(file, sizeof(file), "%s.json", name);
	visit(ctx, file, &decoded);
	cJSON_free(decoded.body);
}

/* Visits each socket's Version replies, the backend's own: NAME.pb and
 * NAME.json, NAME "containerd-version" or "cri-version" for the first
 * socket asked, with "-2", "-3"... for the next. False when none was asked. */
static bool visit_versions(const struct ctd_state *s, mti_reply_visit visit, void *ctx)
{
	static const char *const names[N_APIS] = {"containerd-version", "cri-version"};
	static const enum mti_rpc rpcs[N_APIS] = {MTI_RPC_CTD_VERSION, MTI_RPC_CRI_VERSION};
	bool any = false;
	size_t i, k;

	for (i = 0; i < s->n_conns; i++)
		for (k = 0; k < N_APIS; k++) {
			char name[48];

			if (!s->conns[i].ver_reply[k].asked)
				continue;
			if (i)
				snprintf(name, sizeof(name), "%s-%zu", names[k], i + 1);
			else
				snprintf(name, sizeof(name), "%s", names[k]);
			visit_with_json(name, rpcs[k], &s->conns[i].ver_reply[k], visit, ctx);
			any = true;
		}
	return any;
}

static bool ctd_replies(const struct mti_backend *b, const char *id, mti_reply_visit visit,
                        void *ctx)
{
	const struct ctd_state *s = state_of_const(b);
	const struct ctd_replies *set;
	size_t k;

	if (!id)
		return visit_versions(s, visit, ctx);
	set = cache_find(s, id);
	if (!set)
		return false;
	for (k = 0; k < N_REPLIES; k++)
		if (set->r[k].asked)
			visit_with_json(reply_names[k], reply_rpcs[k], &set->r[k], visit, ctx);
	for (k = 0; k < s->n_others; k++) {
		char name[48];

		if (s->others[k].of != set || !s->others[k].mounts.asked)
			continue;
		/* the ID is the runtime's word: collect makes the name safe */
		snprintf(name, sizeof(name), "containerd-mounts-%.12s", s->others[k].id);
		visit_with_json(name, MTI_RPC_CTD_MOUNTS, &s->others[k].mounts, visit, ctx);
	}
	return true;
}

const struct mti_runtime_ops mti_runtime_containerd = {
    .api = "containerd API and CRI",
    .serves = ctd_serves,
    .preload = ctd_preload,
    .open = ctd_open,
    .close = ctd_close,
    .prefetch = ctd_prefetch,
    .describe = ctd_describe,
    .same_image = ctd_same_image,
    .upper_dir = ctd_upper_dir,
    .replies = ctd_replies,
    .requests = ctd_requests,
};
