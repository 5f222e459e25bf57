/* The gRPC replies decoded (grpc_decode.h) as JSON, for --collect's
 * evidence next to each raw reply and for the test client. cJSON's
 * functions accept a NULL parent, so a failed allocation only leaves a
 * NULL result. */
#include "grpc_json.h"

#include <stdlib.h>
#include <string.h>

#include <minertrace/minertrace.h>

/* Appends item to array a; item is freed when it cannot be. */
static void push(cJSON *a, cJSON *item)
{
	if (!cJSON_AddItemToArray(a, item))
		cJSON_Delete(item);
}

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void add_kv(cJSON *o, const char *key, const struct mti_kv_list *l)
{
	cJSON *m = cJSON_AddObjectToObject(o, key);
	size_t i;

	for (i = 0; i < l->n; i++)
		cJSON_AddStringToObject(m, l->items[i].key, l->items[i].value);
	cJSON_AddNumberToObject(o, "dropped", (double)l->dropped);
}

static void add_notes(cJSON *o, const struct mti_grpc_notes *n)
{
	cJSON *a = cJSON_AddArrayToObject(o, "notes");
	size_t i;

	for (i = 0; i < n->n; i++)
		push(a, cJSON_CreateString(n->text[i]));
}

static void add_strv(cJSON *o, const char *key, char **v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	size_t i;

	for (i = 0; i < n; i++)
		push(a, cJSON_CreateString(v[i]));
}

static cJSON *ctd_container(const struct mti_ctd_container *c)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "id", c->id);
	add_str(o, "image", c->image);
	add_str(o, "runtime", c->runtime);
	add_str(o, "snapshotter", c->snapshotter);
	add_str(o, "snapshot_key", c->snapshot_key);
	add_kv(o, "labels", &c->labels);
	cJSON_AddBoolToObject(o, "created", c->created_ns > 0);
	cJSON_AddBoolToObject(o, "have_spec", c->have_spec);
	add_strv(o, "spec_args", c->spec.args, c->spec.n_args);
	add_str(o, "spec_root", c->spec.root);
	add_str(o, "spec_container_type", c->spec.container_type);
	add_str(o, "spec_pod_name", c->spec.pod_name);
	add_notes(o, &c->notes);
	return o;
}

static cJSON *ctd_container_list(const struct mti_ctd_container_list *l)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "containers");
	size_t i;

	for (i = 0; i < l->n; i++)
		push(a, ctd_container(&l->items[i]));
	cJSON_AddBoolToObject(o, "truncated", l->truncated);
	add_notes(o, &l->notes);
	return o;
}

static cJSON *ctd_task_list(const struct mti_ctd_task_list *l)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "tasks");
	size_t i;

	for (i = 0; i < l->n; i++) {
		cJSON *e = cJSON_CreateObject();

		add_str(e, "container_id", l->items[i].container_id);
		cJSON_AddNumberToObject(e, "pid", l->items[i].pid);
		add_str(e, "status", l->items[i].status);
		push(a, e);
	}
	cJSON_AddBoolToObject(o, "truncated", l->truncated);
	add_notes(o, &l->notes);
	return o;
}

static cJSON *ctd_mounts(const struct mti_ctd_mounts *m)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "type", m->type);
	add_str(o, "upperdir", m->upperdir);
	add_notes(o, &m->notes);
	return o;
}

static cJSON *ctd_image(const struct mti_ctd_image *im)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "name", im->name);
	add_str(o, "media_type", im->media_type);
	add_str(o, "digest", im->digest);
	cJSON_AddNumberToObject(o, "size", (double)im->size);
	add_kv(o, "labels", &im->labels);
	add_notes(o, &im->notes);
	return o;
}

static cJSON *ctd_pids(const struct mti_ctd_pids *p)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(o, "processes");
	size_t i;

	for (i = 0; i < p->n; i++) {
		cJSON *e = cJSON_CreateObject();

		cJSON_AddNumberToObject(e, "pid", p->items[i].pid);
		add_str(e, "exec_id", p->items[i].exec_id);
		push(a, e);
	}
	add_notes(o, &p->notes);
	return o;
}

static cJSON *cri_container(const struct mti_cri_container *c)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "id", c->id);
	add_str(o, "name", c->name);
	cJSON_AddNumberToObject(o, "attempt", c->attempt);
	add_str(o, "state", c->state);
	cJSON_AddBoolToObject(o, "started", c->started_ns > 0);
	add_str(o, "image", c->image);
	add_str(o, "image_ref", c->image_ref);
	add_str(o, "image_id", c->image_id);
	add_kv(o, "labels", &c->labels);
	add_kv(o, "annotations", &c->annotations);
	add_str(o, "sandbox_id", c->sandbox_id);
	cJSON_AddNumberToObject(o, "pid", c->pid);
	add_str(o, "runtime_type", c->runtime_type);
	if (c->have_privileged)
		cJSON_AddBoolToObject(o, "privileged", c->privileged);
	add_notes(o, &c->notes);
	return o;
}

static cJSON *cri_pod(const struct mti_cri_pod *p)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "id", p->id);
	add_str(o, "name", p->name);
	add_str(o, "uid", p->uid);
	add_str(o, "namespace", p->namespace);
	cJSON_AddNumberToObject(o, "attempt", p->attempt);
	add_str(o, "state", p->state);
	add_kv(o, "labels", &p->labels);
	add_kv(o, "annotations", &p->annotations);
	cJSON_AddNumberToObject(o, "pid", p->pid);
	add_str(o, "sandbox_image", p->sandbox_image);
	add_str(o, "runtime_type", p->runtime_type);
	add_notes(o, &p->notes);
	return o;
}

static cJSON *cri_version(const struct mti_cri_version *v)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "runtime_name", v->runtime_name);
	add_str(o, "runtime_version", v->runtime_version);
	add_str(o, "runtime_api_version", v->runtime_api_version);
	return o;
}

cJSON *mti_rpc_json(enum mti_rpc rpc, const void *decoded)
{
	switch (rpc) {
	case MTI_RPC_CTD_CONTAINER:
		return ctd_container(decoded);
	case MTI_RPC_CTD_IMAGE:
		return ctd_image(decoded);
	case MTI_RPC_CTD_PIDS:
		return ctd_pids(decoded);
	case MTI_RPC_CRI_CONTAINER:
		return cri_container(decoded);
	case MTI_RPC_CRI_POD:
		return cri_pod(decoded);
	case MTI_RPC_CTD_CONTAINERS:
		return ctd_container_list(decoded);
	case MTI_RPC_CTD_TASKS:
		return ctd_task_list(decoded);
	case MTI_RPC_CTD_MOUNTS:
		return ctd_mounts(decoded);
	default:
		return cri_version(decoded);
	}
}

/* The decoded struct of rpc, zeroed, and its clearing. */
union decoded {
	struct mti_ctd_container ctd_container;
	struct mti_ctd_image ctd_image;
	struct mti_ctd_pids ctd_pids;
	struct mti_cri_container cri_container;
	struct mti_cri_pod cri_pod;
	struct mti_cri_version version;
	struct mti_ctd_container_list ctd_containers;
	struct mti_ctd_task_list ctd_tasks;
	struct mti_ctd_mounts ctd_mounts;
};

static void decoded_clear(enum mti_rpc rpc, union decoded *d)
{
	switch (rpc) {
	case MTI_RPC_CTD_CONTAINER:
		mti_ctd_container_clear(&d->ctd_container);
		break;
	case MTI_RPC_CTD_IMAGE:
		mti_ctd_image_clear(&d->ctd_image);
		break;
	case MTI_RPC_CTD_PIDS:
		mti_ctd_pids_clear(&d->ctd_pids);
		break;
	case MTI_RPC_CRI_CONTAINER:
		mti_cri_container_clear(&d->cri_container);
		break;
	case MTI_RPC_CRI_POD:
		mti_cri_pod_clear(&d->cri_pod);
		break;
	case MTI_RPC_CTD_CONTAINERS:
		mti_ctd_container_list_clear(&d->ctd_containers);
		break;
	case MTI_RPC_CTD_TASKS:
		mti_ctd_task_list_clear(&d->ctd_tasks);
		break;
	case MTI_RPC_CTD_MOUNTS:
		mti_ctd_mounts_clear(&d->ctd_mounts);
		break;
	default:
		mti_cri_version_clear(&d->version);
		break;
	}
}

char *mti_rpc_reply_json(enum mti_rpc rpc, const uint8_t *msg, size_t len, const char *id)
{
	union decoded d;
	char why[256] = "";
	cJSON *o;
	char *text;
	enum mt_err err;

	memset(&d, 0, sizeof(d));
	err = mti_rpc_decode(rpc, msg, len, id, &d, why, sizeof(why));
	if (err == MT_ERR_NOMEM) {
		decoded_clear(rpc, &d);
		return NULL;
	}
	if (err) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "method", mti_rpc_method(rpc));
		cJSON_AddStringToObject(o, "error", why[0] ? why : mt_strerror(err));
	} else {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "method", mti_rpc_method(rpc));
		cJSON *x = mti_rpc_json(rpc, &d);

		if (!cJSON_AddItemToObject(o, "decoded", x))
			cJSON_Delete(x);
	}
	decoded_clear(rpc, &d);
	text = o ? cJSON_Print(o) : NULL;
	cJSON_Delete(o);
	return text;
}
