/* Pure: containerd's and the CRI's replies into plain structs (see
 * grpc_decode.h). protobuf-c checks the wire format; here every value is
 * bounded and checked against what was asked for. */
#include "grpc_decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cri.pb-c.h"
#include "github.com/containerd/containerd/api/services/containers/v1/containers.pb-c.h"
#include "github.com/containerd/containerd/api/services/images/v1/images.pb-c.h"
#include "github.com/containerd/containerd/api/services/snapshots/v1/snapshots.pb-c.h"
#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.pb-c.h"
#include "github.com/containerd/containerd/api/services/version/v1/version.pb-c.h"
#include "github.com/containerd/containerd/runtime/v2/runc/options/oci.pb-c.h"
#include "oci_bundle.h"
#include "trace_model.h"

#define SPEC_TYPE "opencontainers/runtime-spec/1/Spec"
#define INFO_CAP (4u * 1024 * 1024)       /* the verbose info's JSON */
#define DECODE_BUDGET (32u * 1024 * 1024) /* protobuf-c's allocations for one reply */

static void note(struct mti_grpc_notes *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds a note; over MTI_GRPC_MAX_NOTES only counts it. */
static void note(struct mti_grpc_notes *notes, const char *fmt, ...)
{
	va_list ap;

	if (notes->n == MTI_GRPC_MAX_NOTES) {
		notes->lost++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(notes->text[notes->n++], sizeof(notes->text[0]), fmt, ap);
	va_end(ap);
}

/* A copy of an optional string field of a reply: NULL when absent or
 * empty; over MTI_GRPC_MAX_STRING bytes dropped with a note. False only
 * when memory ran out. */
static bool take(const char *s, const char *field, char **out, struct mti_grpc_notes *notes)
{
	size_t n = s ? strnlen(s, MTI_GRPC_MAX_STRING + 1) : 0;

	*out = NULL;
	if (n == 0)
		return true;
	if (n > MTI_GRPC_MAX_STRING) {
		note(notes, "%s longer than %u bytes dropped", field, MTI_GRPC_MAX_STRING);
		return true;
	}
	*out = mti_strndup(s, n);
	return *out != NULL;
}

const char *mti_kv_get(const struct mti_kv_list *list, const char *key)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		if (!strcmp(list->items[i].key, key))
			return list->items[i].value;
	return NULL;
}

/* Adds one key and value to list, within the caps; a repeated key keeps
 * its first value. MT_ERR_NOMEM or MT_OK. */
static enum mt_err kv_add(struct mti_kv_list *list, const char *key, const char *value)
{
	size_t kl = key ? strnlen(key, MTI_GRPC_MAX_STRING + 1) : 0;
	size_t vl = value ? strnlen(value, MTI_GRPC_MAX_VALUE + 1) : 0;
	struct mti_kv *kv;
	bool full = false;
	enum mt_err e;

	if (kl == 0 || kl > MTI_GRPC_MAX_STRING || vl > MTI_GRPC_MAX_VALUE ||
	    mti_kv_get(list, key)) {
		list->dropped++;
		return MT_OK;
	}
	e = mti_append_capped((void **)&list->items, &list->n, MTI_GRPC_MAX_KV, sizeof(*kv), &full,
	                      (void **)&kv);
	if (e)
		return e;
	if (!kv) {
		list->dropped++;
		return MT_OK;
	}
	kv->key = mti_strndup(key, kl);
	kv->value = mti_strndup(value ? value : "", vl);
	if (!kv->key || !kv->value)
		return MT_ERR_NOMEM;
	return MT_OK;
}

static void kv_clear(struct mti_kv_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		free(list->items[i].key);
		free(list->items[i].value);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* Copies a protobuf map (n entries with key and value) into list, and
 * notes what was dropped. Works for every generated map entry type. */
#define COPY_MAP(list, n_entries, entries, what, notes, err)                                       \
	do {                                                                                       \
		size_t i_;                                                                         \
		for (i_ = 0; (err) == MT_OK && i_ < (n_entries); i_++)                             \
			(err) = kv_add((list), (entries)[i_]->key, (entries)[i_]->value);          \
		if ((err) == MT_OK && (list)->dropped)                                             \
			note((notes), "%zu %s dropped (over %u, too long or repeated)",            \
			     (list)->dropped, (what), MTI_GRPC_MAX_KV);                            \
	} while (0)

/* A google.protobuf.Timestamp in ns since the epoch; 0 when absent or out
 * of range. */
static int64_t timestamp_ns(const Google__Protobuf__Timestamp *t)
{
	if (!t || t->seconds <= 0 || t->seconds > INT64_MAX / 1000000000 - 1 || t->nanos < 0 ||
	    t->nanos > 999999999)
		return 0;
	return t->seconds * 1000000000 + t->nanos;
}

/* A CRI time in ns: 0 when not positive. */
static int64_t cri_ns(int64_t v)
{
	return v > 0 ? v : 0;
}

/* Appends a packed request to out. m is the request itself (its base is
 * its first member), so that every field set counts as read. */
static enum mt_err pack(const ProtobufCMessage *m, struct mti_buf *out)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	enum mt_err e = mti_buf_reserve(out, n);

	if (e)
		return e;
	protobuf_c_message_pack(m, (uint8_t *)out->data + out->len);
	out->len += n;
	out->data[out->len] = '\0';
	return MT_OK;
}

static enum mt_err ctd_container_request(const char *id, struct mti_buf *out)
{
	Containerd__Services__Containers__V1__GetContainerRequest r =
	    CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;

	r.id = (char *)id;
	return pack((const ProtobufCMessage *)&r, out);
}

static enum mt_err ctd_image_request(const char *name, struct mti_buf *out)
{
	Containerd__Services__Images__V1__GetImageRequest r =
	    CONTAINERD__SERVICES__IMAGES__V1__GET_IMAGE_REQUEST__INIT;

	r.name = (char *)name;
	return pack((const ProtobufCMessage *)&r, out);
}

static enum mt_err ctd_pids_request(const char *id, struct mti_buf *out)
{
	Containerd__Services__Tasks__V1__ListPidsRequest r =
	    CONTAINERD__SERVICES__TASKS__V1__LIST_PIDS_REQUEST__INIT;

	r.container_id = (char *)id;
	return pack((const ProtobufCMessage *)&r, out);
}

bool mti_ctd_plain_reference(const char *name)
{
	size_t i, n = name ? strnlen(name, MTI_GRPC_MAX_STRING + 1) : 0;

	if (n == 0 || n > MTI_GRPC_MAX_STRING || mti_str_starts(name, "sha256:"))
		return false;
	for (i = 0; i < n; i++)
		if (!(name[i] >= 'a' && name[i] <= 'z') && !(name[i] >= 'A' && name[i] <= 'Z') &&
		    !(name[i] >= '0' && name[i] <= '9') && !strchr("._-:/@+", name[i]))
			return false;
	return true;
}

/* The containers created from image name: a filter on the field image,
 * the name quoted (plain: nothing in it to escape). */
static enum mt_err ctd_containers_request(const char *name, struct mti_buf *out)
{
	Containerd__Services__Containers__V1__ListContainersRequest r =
	    CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	char *filter;
	enum mt_err e;

	if (!mti_ctd_plain_reference(name))
		return MT_ERR_INVALID_ARG;
	filter = mti_asprintf("image==\"%s\"", name);
	if (!filter)
		return MT_ERR_NOMEM;
	r.n_filters = 1;
	r.filters = &filter;
	e = pack((const ProtobufCMessage *)&r, out);
	free(filter);
	return e;
}

static enum mt_err ctd_tasks_request(struct mti_buf *out)
{
	Containerd__Services__Tasks__V1__ListTasksRequest r =
	    CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_REQUEST__INIT;

	return pack((const ProtobufCMessage *)&r, out);
}

/* id is "SNAPSHOTTER/KEY" (a snapshotter's name has no slash). */
static enum mt_err ctd_mounts_request(const char *id, struct mti_buf *out)
{
	Containerd__Services__Snapshots__V1__MountsRequest r =
	    CONTAINERD__SERVICES__SNAPSHOTS__V1__MOUNTS_REQUEST__INIT;
	const char *slash = id ? strchr(id, '/') : NULL;
	enum mt_err e;

	if (!slash || slash == id || !slash[1])
		return MT_ERR_INVALID_ARG;
	r.snapshotter = mti_strndup(id, (size_t)(slash - id));
	if (!r.snapshotter)
		return MT_ERR_NOMEM;
	r.key = (char *)slash + 1;
	e = pack((const ProtobufCMessage *)&r, out);
	free(r.snapshotter);
	return e;
}

static enum mt_err cri_container_request(const char *id, struct mti_buf *out)
{
	Runtime__V1__ContainerStatusRequest r = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT;

	r.container_id = (char *)id;
	r.verbose = 1;
	return pack((const ProtobufCMessage *)&r, out);
}

static enum mt_err cri_pod_request(const char *id, struct mti_buf *out)
{
	Runtime__V1__PodSandboxStatusRequest r = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT;

	r.pod_sandbox_id = (char *)id;
	r.verbose = 1;
	return pack((const ProtobufCMessage *)&r, out);
}

static enum mt_err cri_version_request(struct mti_buf *out)
{
	Runtime__V1__VersionRequest r = RUNTIME__V1__VERSION_REQUEST__INIT;

	r.version = (char *)"v1";
	return pack((const ProtobufCMessage *)&r, out);
}

static enum mt_err ctd_version_request(struct mti_buf *out)
{
	Google__Protobuf__Empty r = GOOGLE__PROTOBUF__EMPTY__INIT;

	return pack((const ProtobufCMessage *)&r, out);
}

/* protobuf-c's allocations for one reply, within DECODE_BUDGET: a reply
 * of many empty entries (two bytes each) cannot make it allocate without
 * bound. */
struct pb_mem {
	ProtobufCAllocator allocator;
	size_t used;
	bool over;
};

static void *pb_alloc(void *data, size_t size)
{
	struct pb_mem *mem = data;

	if (size > DECODE_BUDGET - mem->used) {
		mem->over = true;
		return NULL;
	}
	mem->used += size;
	return malloc(size);
}

static void pb_free(void *data, void *ptr)
{
	(void)data;
	free(ptr);
}

/* Unpacks a reply of rpc (its name for messages) with descriptor d, its
 * allocations counted in mem (free it with protobuf_c_message_free_unpacked
 * and &mem->allocator); NULL with why set when it does not decode or
 * would take more than DECODE_BUDGET. */
static ProtobufCMessage *unpack(struct pb_mem *mem, const ProtobufCMessageDescriptor *d,
                                const uint8_t *msg, size_t len, const char *rpc, char *why,
                                size_t why_len)
{
	ProtobufCMessage *m;

	mem->allocator.alloc = pb_alloc;
	mem->allocator.free = pb_free;
	mem->allocator.allocator_data = mem;
	mem->used = 0;
	mem->over = false;
	m = protobuf_c_message_unpack(d, &mem->allocator, len, msg);
	if (!m && mem->over)
		snprintf(why, why_len, "%s reply decodes to more than %u MiB", rpc,
		         DECODE_BUDGET >> 20);
	else if (!m)
		snprintf(why, why_len, "%s reply does not decode", rpc);
	return m;
}

/* The reply must hold an object (obj), about what was asked for. */
static enum mt_err check_object(const void *obj, const char *got, const char *asked,
                                const char *rpc, const char *what, char *why, size_t why_len)
{
	if (!obj) {
		snprintf(why, why_len, "%s reply holds no %s", rpc, what);
		return MT_ERR_ENGINE_REPLY;
	}
	if (!got || !got[0]) {
		snprintf(why, why_len, "the reply names no %s", what);
		return MT_ERR_ENGINE_REPLY;
	}
	if (asked && strcmp(got, asked) != 0) {
		snprintf(why, why_len, "the reply is about another %s than the one asked for",
		         what);
		return MT_ERR_ENGINE_REPLY;
	}
	return MT_OK;
}

/* The OCI spec of a container record (an Any holding JSON). */
static enum mt_err decode_spec(const Google__Protobuf__Any *any, struct mti_ctd_container *out)
{
	enum mt_err e;

	if (!any || !any->type_url)
		return MT_OK;
	if (!mti_str_ends(any->type_url, SPEC_TYPE)) {
		note(&out->notes, "spec of an unknown type dropped");
		return MT_OK;
	}
	if (any->value.len > MTI_BUNDLE_CAP) {
		note(&out->notes, "spec over %u bytes dropped", MTI_BUNDLE_CAP);
		return MT_OK;
	}
	e = mti_oci_bundle_parse((const char *)any->value.data, any->value.len, &out->spec);
	if (e == MT_ERR_NOMEM)
		return e;
	if (e) {
		mti_oci_bundle_clear(&out->spec);
		note(&out->notes, "spec is not a JSON object");
		return MT_OK;
	}
	out->have_spec = true;
	return MT_OK;
}

/* The fields of a container record but its spec into out (zeroed). */
static enum mt_err container_record(const Containerd__Services__Containers__V1__Container *c,
                                    struct mti_ctd_container *out)
{
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	if (!take(c->id, "container ID", &out->id, &out->notes) ||
	    !take(c->image, "image", &out->image, &out->notes) ||
	    !take(c->runtime ? c->runtime->name : NULL, "runtime", &out->runtime, &out->notes) ||
	    !take(c->snapshotter, "snapshotter", &out->snapshotter, &out->notes) ||
	    !take(c->snapshot_key, "snapshot key", &out->snapshot_key, &out->notes))
		return MT_ERR_NOMEM;
	out->created_ns = timestamp_ns(c->created_at);
	out->updated_ns = timestamp_ns(c->updated_at);
	COPY_MAP(&out->labels, c->n_labels, c->labels, "labels", &out->notes, e);
	return e;
}

enum mt_err mti_ctd_container_decode(const uint8_t *msg, size_t len, const char *id,
                                     struct mti_ctd_container *out, char *why, size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Containers__V1__GetContainerResponse *r;
	const Containerd__Services__Containers__V1__Container *c;
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Containers__V1__GetContainerResponse *)unpack(
	    &mem, &containerd__services__containers__v1__get_container_response__descriptor, msg,
	    len, "Containers.Get", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	c = r->container;
	e = check_object(c, c ? c->id : NULL, id, "Containers.Get", "container", why, why_len);
	if (e == MT_OK)
		e = container_record(c, out);
	if (e == MT_OK)
		e = decode_spec(c->spec, out);
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

enum mt_err mti_ctd_container_list_decode(const uint8_t *msg, size_t len, const char *name,
                                          struct mti_ctd_container_list *out, char *why,
                                          size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Containers__V1__ListContainersResponse *r;
	size_t i, other = 0, nameless = 0;
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Containers__V1__ListContainersResponse *)unpack(
	    &mem, &containerd__services__containers__v1__list_containers_response__descriptor, msg,
	    len, "Containers.List", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	for (i = 0; e == MT_OK && i < r->n_containers; i++) {
		const Containerd__Services__Containers__V1__Container *c = r->containers[i];
		struct mti_ctd_container *slot;

		if (!c || !c->id || !c->id[0] || strnlen(c->id, MTI_GRPC_MAX_STRING + 1) >
		                                      MTI_GRPC_MAX_STRING) {
			nameless++;
			continue;
		}
		if (!c->image || strcmp(c->image, name) != 0) {
			other++;
			continue;
		}
		e = mti_append_capped((void **)&out->items, &out->n, MTI_GRPC_MAX_LIST,
		                      sizeof(*slot), &out->truncated, (void **)&slot);
		if (e == MT_OK && slot)
			e = container_record(c, slot);
	}
	if (other)
		note(&out->notes, "%zu container%s of another image dropped", other,
		     other == 1 ? "" : "s");
	if (nameless)
		note(&out->notes, "%zu container%s without a usable ID dropped", nameless,
		     nameless == 1 ? "" : "s");
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

/* A task status's name. */
static const char *task_status(int status)
{
	switch (status) {
	case CONTAINERD__V1__TYPES__STATUS__CREATED:
		return "created";
	case CONTAINERD__V1__TYPES__STATUS__RUNNING:
		return "running";
	case CONTAINERD__V1__TYPES__STATUS__STOPPED:
		return "stopped";
	case CONTAINERD__V1__TYPES__STATUS__PAUSED:
		return "paused";
	case CONTAINERD__V1__TYPES__STATUS__PAUSING:
		return "pausing";
	default:
		return "unknown";
	}
}

enum mt_err mti_ctd_task_list_decode(const uint8_t *msg, size_t len,
                                     struct mti_ctd_task_list *out, char *why, size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Tasks__V1__ListTasksResponse *r;
	size_t i, nameless = 0;
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Tasks__V1__ListTasksResponse *)unpack(
	    &mem, &containerd__services__tasks__v1__list_tasks_response__descriptor, msg, len,
	    "Tasks.List", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	for (i = 0; e == MT_OK && i < r->n_tasks; i++) {
		const Containerd__V1__Types__Process *p = r->tasks[i];
		/* containerd 1.6 names a task's container in its ID, the
		 * container_id field left empty */
		const char *cid = p && p->container_id && p->container_id[0] ? p->container_id
		                  : p                                         ? p->id
		                                                              : NULL;
		struct mti_ctd_task *slot;

		if (!cid || !cid[0]) {
			nameless++;
			continue;
		}
		e = mti_append_capped((void **)&out->items, &out->n, MTI_GRPC_MAX_LIST,
		                      sizeof(*slot), &out->truncated, (void **)&slot);
		if (e || !slot)
			continue;
		memset(slot, 0, sizeof(*slot));
		slot->status = task_status(p->status);
		slot->pid = p->pid > 0 && p->pid <= MTI_PID_MAX_LIMIT ? (pid_t)p->pid : 0;
		if (!take(cid, "container ID", &slot->container_id, &out->notes))
			e = MT_ERR_NOMEM;
		else if (!slot->container_id)
			out->n--; /* too long: dropped with a note */
	}
	if (nameless)
		note(&out->notes, "%zu task%s without a container ID dropped", nameless,
		     nameless == 1 ? "" : "s");
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

enum mt_err mti_ctd_mounts_decode(const uint8_t *msg, size_t len, struct mti_ctd_mounts *out,
                                  char *why, size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Snapshots__V1__MountsResponse *r;
	const Containerd__Types__Mount *m;
	enum mt_err e = MT_OK;
	size_t i;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Snapshots__V1__MountsResponse *)unpack(
	    &mem, &containerd__services__snapshots__v1__mounts_response__descriptor, msg, len,
	    "Snapshots.Mounts", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	m = r->n_mounts ? r->mounts[0] : NULL;
	if (!m) {
		snprintf(why, why_len, "Snapshots.Mounts reply holds no mount");
		e = MT_ERR_ENGINE_REPLY;
		goto out;
	}
	if (r->n_mounts > 1)
		note(&out->notes, "%zu mounts: the first is read", r->n_mounts);
	if (!take(m->type, "mount type", &out->type, &out->notes)) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	for (i = 0; out->type && !strcmp(out->type, "overlay") && i < m->n_options; i++) {
		const char *o = m->options[i];

		if (!o || !mti_str_starts(o, "upperdir="))
			continue;
		if (o[9] != '/' || strstr(o + 9, "/../") || mti_str_ends(o + 9, "/..")) {
			note(&out->notes, "an upperdir that is not a plain absolute path dropped");
			break;
		}
		if (!take(o + 9, "upperdir", &out->upperdir, &out->notes))
			e = MT_ERR_NOMEM;
		break;
	}
out:
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

enum mt_err mti_ctd_image_decode(const uint8_t *msg, size_t len, const char *name,
                                 struct mti_ctd_image *out, char *why, size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Images__V1__GetImageResponse *r;
	const Containerd__Services__Images__V1__Image *im;
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Images__V1__GetImageResponse *)unpack(
	    &mem, &containerd__services__images__v1__get_image_response__descriptor, msg, len,
	    "Images.Get", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	im = r->image;
	e = check_object(im, im ? im->name : NULL, name, "Images.Get", "image", why, why_len);
	if (e)
		goto out;
	if (!take(im->name, "image name", &out->name, &out->notes) ||
	    !take(im->target ? im->target->media_type : NULL, "media type", &out->media_type,
	          &out->notes) ||
	    !take(im->target ? im->target->digest : NULL, "digest", &out->digest, &out->notes)) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	if (out->digest && !mti_str_starts(out->digest, "sha256:") &&
	    !mti_str_starts(out->digest, "sha512:")) {
		note(&out->notes, "target digest of an unknown algorithm dropped");
		free(out->digest);
		out->digest = NULL;
	}
	out->size = im->target && im->target->size > 0 ? im->target->size : 0;
	out->created_ns = timestamp_ns(im->created_at);
	out->updated_ns = timestamp_ns(im->updated_at);
	COPY_MAP(&out->labels, im->n_labels, im->labels, "labels", &out->notes, e);
out:
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

/* The exec ID in a process's info (the runc shim's ProcessDetails, v2 or
 * v1: both have exec_id as field 1); NULL when there is none. */
static enum mt_err process_exec_id(const Google__Protobuf__Any *info, char **out,
                                   struct mti_grpc_notes *notes)
{
	struct pb_mem mem;
	char why[96];
	Containerd__Runc__V1__ProcessDetails *d;
	bool ok;

	*out = NULL;
	if (!info || !info->type_url || !info->value.len)
		return MT_OK;
	if (!mti_str_ends(info->type_url, "containerd.runc.v1.ProcessDetails") &&
	    !mti_str_ends(info->type_url, "containerd.linux.runc.ProcessDetails")) {
		note(notes, "process details of an unknown type ignored");
		return MT_OK;
	}
	d = (Containerd__Runc__V1__ProcessDetails *)unpack(
	    &mem, &containerd__runc__v1__process_details__descriptor, info->value.data,
	    info->value.len, "ProcessDetails", why, sizeof(why));
	if (!d) {
		note(notes, "process details that do not decode ignored");
		return MT_OK;
	}
	ok = take(d->exec_id, "exec ID", out, notes);
	protobuf_c_message_free_unpacked(&d->base, &mem.allocator);
	return ok ? MT_OK : MT_ERR_NOMEM;
}

enum mt_err mti_ctd_pids_decode(const uint8_t *msg, size_t len, struct mti_ctd_pids *out, char *why,
                                size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Tasks__V1__ListPidsResponse *r;
	enum mt_err e = MT_OK;
	size_t i, bad = 0;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Tasks__V1__ListPidsResponse *)unpack(
	    &mem, &containerd__services__tasks__v1__list_pids_response__descriptor, msg, len,
	    "Tasks.ListPids", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	for (i = 0; e == MT_OK && i < r->n_processes; i++) {
		const Containerd__V1__Types__ProcessInfo *p = r->processes[i];
		struct mti_ctd_process *slot;
		size_t k;
		bool seen = false;

		if (i == 2 * MTI_GRPC_MAX_PIDS) {
			/* each costs a look through those kept: a bounded number */
			out->truncated = true;
			break;
		}
		if (p->pid == 0 || p->pid > MTI_PID_MAX_LIMIT) {
			bad++;
			continue;
		}
		for (k = 0; k < out->n && !seen; k++)
			seen = out->items[k].pid == (pid_t)p->pid;
		if (seen) {
			bad++;
			continue;
		}
		e = mti_append_capped((void **)&out->items, &out->n, MTI_GRPC_MAX_PIDS,
		                      sizeof(*slot), &out->truncated, (void **)&slot);
		if (e || !slot)
			break;
		slot->pid = (pid_t)p->pid;
		e = process_exec_id(p->info, &slot->exec_id, &out->notes);
	}
	if (bad)
		note(&out->notes, "%zu processes with an invalid or repeated PID ignored", bad);
	if (out->truncated)
		note(&out->notes, "processes beyond the first %u kept or %u read ignored",
		     MTI_GRPC_MAX_PIDS, 2 * MTI_GRPC_MAX_PIDS);
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

/* The value of the "info" key of a reply's info map (the generated entry
 * types differ per message), or NULL. */
#define INFO_VALUE(r, out)                                                                         \
	do {                                                                                       \
		size_t i_;                                                                         \
		(out) = NULL;                                                                      \
		for (i_ = 0; i_ < (r)->n_info && !(out); i_++)                                     \
			if ((r)->info[i_]->key && !strcmp((r)->info[i_]->key, "info"))             \
				(out) = (r)->info[i_]->value;                                      \
	} while (0)

/* The verbose info's JSON object, or NULL with a note when absent or not
 * an object. */
static cJSON *verbose_info(const char *value, struct mti_grpc_notes *notes)
{
	size_t vl;
	cJSON *root;

	if (!value) {
		note(notes, "no verbose info in the reply");
		return NULL;
	}
	vl = strnlen(value, INFO_CAP + 1);
	if (vl > INFO_CAP) {
		note(notes, "verbose info over %u bytes ignored", INFO_CAP);
		return NULL;
	}
	root = cJSON_ParseWithLength(value, vl);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		note(notes, "verbose info is not a JSON object");
		return NULL;
	}
	return root;
}

/* A PID from the verbose info; 0 when absent or out of range. */
static pid_t info_pid(const cJSON *info)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(info, "pid");

	if (!cJSON_IsNumber(p) || p->valuedouble < 1 || p->valuedouble > MTI_PID_MAX_LIMIT ||
	    p->valuedouble != (double)(int)p->valuedouble)
		return 0;
	return (pid_t)p->valuedouble;
}

/* A string of the verbose info, copied within the caps. */
static bool info_string(const cJSON *info, const char *key, char **out,
                        struct mti_grpc_notes *notes)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(info, key);

	return take(cJSON_IsString(s) ? s->valuestring : NULL, key, out, notes);
}

static const char *container_state(Runtime__V1__ContainerState s)
{
	switch (s) {
	case RUNTIME__V1__CONTAINER_STATE__CONTAINER_CREATED:
		return "created";
	case RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING:
		return "running";
	case RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED:
		return "exited";
	default:
		return "unknown";
	}
}

/* The verbose info of a container into out. */
static enum mt_err container_info(const cJSON *info, struct mti_cri_container *out)
{
	const cJSON *priv = cJSON_GetObjectItemCaseSensitive(info, "privileged");

	out->pid = info_pid(info);
	if (!info_string(info, "sandboxID", &out->sandbox_id, &out->notes) ||
	    !info_string(info, "runtimeType", &out->runtime_type, &out->notes))
		return MT_ERR_NOMEM;
	if (cJSON_IsBool(priv)) {
		out->have_privileged = true;
		out->privileged = cJSON_IsTrue(priv);
	}
	return MT_OK;
}

enum mt_err mti_cri_container_decode(const uint8_t *msg, size_t len, const char *id,
                                     struct mti_cri_container *out, char *why, size_t why_len)
{
	struct pb_mem mem;
	Runtime__V1__ContainerStatusResponse *r;
	const Runtime__V1__ContainerStatus *c;
	const char *info_json;
	cJSON *info = NULL;
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Runtime__V1__ContainerStatusResponse *)unpack(
	    &mem, &runtime__v1__container_status_response__descriptor, msg, len, "ContainerStatus",
	    why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	c = r->status;
	e = check_object(c, c ? c->id : NULL, id, "ContainerStatus", "container", why, why_len);
	if (e)
		goto out;
	if (!take(c->id, "container ID", &out->id, &out->notes) ||
	    !take(c->metadata ? c->metadata->name : NULL, "container name", &out->name,
	          &out->notes) ||
	    !take(c->image ? c->image->image : NULL, "image", &out->image, &out->notes) ||
	    !take(c->image_ref, "image_ref", &out->image_ref, &out->notes) ||
	    !take(c->image_id, "image_id", &out->image_id, &out->notes) ||
	    !take(c->reason, "reason", &out->reason, &out->notes) ||
	    !take(c->log_path, "log path", &out->log_path, &out->notes)) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	out->attempt = c->metadata ? c->metadata->attempt : 0;
	out->state = container_state(c->state);
	out->created_ns = cri_ns(c->created_at);
	out->started_ns = cri_ns(c->started_at);
	out->finished_ns = cri_ns(c->finished_at);
	out->exit_code = c->exit_code;
	COPY_MAP(&out->labels, c->n_labels, c->labels, "labels", &out->notes, e);
	COPY_MAP(&out->annotations, c->n_annotations, c->annotations, "annotations", &out->notes,
	         e);
	if (e)
		goto out;
	INFO_VALUE(r, info_json);
	info = verbose_info(info_json, &out->notes);
	if (info)
		e = container_info(info, out);
out:
	cJSON_Delete(info);
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

enum mt_err mti_cri_pod_decode(const uint8_t *msg, size_t len, const char *id,
                               struct mti_cri_pod *out, char *why, size_t why_len)
{
	struct pb_mem mem;
	Runtime__V1__PodSandboxStatusResponse *r;
	const Runtime__V1__PodSandboxStatus *p;
	const Runtime__V1__PodSandboxMetadata *m;
	const char *info_json;
	cJSON *info = NULL;
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Runtime__V1__PodSandboxStatusResponse *)unpack(
	    &mem, &runtime__v1__pod_sandbox_status_response__descriptor, msg, len,
	    "PodSandboxStatus", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	p = r->status;
	e = check_object(p, p ? p->id : NULL, id, "PodSandboxStatus", "pod sandbox", why, why_len);
	if (e)
		goto out;
	m = p->metadata;
	if (!take(p->id, "sandbox ID", &out->id, &out->notes) ||
	    !take(m ? m->name : NULL, "pod name", &out->name, &out->notes) ||
	    !take(m ? m->uid : NULL, "pod UID", &out->uid, &out->notes) ||
	    !take(m ? m->namespace_ : NULL, "pod namespace", &out->namespace, &out->notes) ||
	    !take(p->runtime_handler, "runtime handler", &out->runtime_handler, &out->notes)) {
		e = MT_ERR_NOMEM;
		goto out;
	}
	out->attempt = m ? m->attempt : 0;
	out->state =
	    (p->state == RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY ? "ready" : "notready");
	out->created_ns = cri_ns(p->created_at);
	COPY_MAP(&out->labels, p->n_labels, p->labels, "labels", &out->notes, e);
	COPY_MAP(&out->annotations, p->n_annotations, p->annotations, "annotations", &out->notes,
	         e);
	if (e)
		goto out;
	INFO_VALUE(r, info_json);
	info = verbose_info(info_json, &out->notes);
	if (info) {
		out->pid = info_pid(info);
		if (!info_string(info, "image", &out->sandbox_image, &out->notes) ||
		    !info_string(info, "runtimeType", &out->runtime_type, &out->notes))
			e = MT_ERR_NOMEM;
	}
out:
	cJSON_Delete(info);
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

enum mt_err mti_cri_version_decode(const uint8_t *msg, size_t len, struct mti_cri_version *out,
                                   char *why, size_t why_len)
{
	struct pb_mem mem;
	Runtime__V1__VersionResponse *r;
	struct mti_grpc_notes ignored = {0};
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Runtime__V1__VersionResponse *)unpack(&mem, &runtime__v1__version_response__descriptor,
	                                           msg, len, "Version", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	if (!take(r->version, "version", &out->version, &ignored) ||
	    !take(r->runtime_name, "runtime name", &out->runtime_name, &ignored) ||
	    !take(r->runtime_version, "runtime version", &out->runtime_version, &ignored) ||
	    !take(r->runtime_api_version, "API version", &out->runtime_api_version, &ignored))
		e = MT_ERR_NOMEM;
	else if (!out->runtime_name) {
		snprintf(why, why_len, "Version reply names no runtime");
		e = MT_ERR_ENGINE_REPLY;
	}
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

enum mt_err mti_ctd_version_decode(const uint8_t *msg, size_t len, struct mti_cri_version *out,
                                   char *why, size_t why_len)
{
	struct pb_mem mem;
	Containerd__Services__Version__V1__VersionResponse *r;
	struct mti_grpc_notes ignored = {0};
	enum mt_err e = MT_OK;

	memset(out, 0, sizeof(*out));
	r = (Containerd__Services__Version__V1__VersionResponse *)unpack(
	    &mem, &containerd__services__version__v1__version_response__descriptor, msg, len,
	    "Version", why, why_len);
	if (!r)
		return MT_ERR_ENGINE_REPLY;
	if (!take(r->version, "version", &out->runtime_version, &ignored) ||
	    !(out->runtime_name = mti_strdup("containerd")))
		e = MT_ERR_NOMEM;
	else if (!out->runtime_version) {
		snprintf(why, why_len, "Version reply names no version");
		e = MT_ERR_ENGINE_REPLY;
	}
	protobuf_c_message_free_unpacked(&r->base, &mem.allocator);
	return e;
}

static const struct {
	const char *method;
	bool namespaced;
} rpcs[] = {
    [MTI_RPC_CTD_CONTAINER] = {"/containerd.services.containers.v1.Containers/Get", true},
    [MTI_RPC_CTD_IMAGE] = {"/containerd.services.images.v1.Images/Get", true},
    [MTI_RPC_CTD_PIDS] = {"/containerd.services.tasks.v1.Tasks/ListPids", true},
    [MTI_RPC_CRI_CONTAINER] = {"/runtime.v1.RuntimeService/ContainerStatus", false},
    [MTI_RPC_CRI_POD] = {"/runtime.v1.RuntimeService/PodSandboxStatus", false},
    [MTI_RPC_CRI_VERSION] = {"/runtime.v1.RuntimeService/Version", false},
    [MTI_RPC_CTD_VERSION] = {"/containerd.services.version.v1.Version/Version", false},
    [MTI_RPC_CTD_CONTAINERS] = {"/containerd.services.containers.v1.Containers/List", true},
    [MTI_RPC_CTD_TASKS] = {"/containerd.services.tasks.v1.Tasks/List", true},
    [MTI_RPC_CTD_MOUNTS] = {"/containerd.services.snapshots.v1.Snapshots/Mounts", true},
};

const char *mti_rpc_method(enum mti_rpc rpc)
{
	return rpcs[rpc].method;
}

bool mti_rpc_namespaced(enum mti_rpc rpc)
{
	return rpcs[rpc].namespaced;
}

enum mt_err mti_rpc_request(enum mti_rpc rpc, const char *id, struct mti_buf *out)
{
	switch (rpc) {
	case MTI_RPC_CTD_CONTAINER:
		return ctd_container_request(id, out);
	case MTI_RPC_CTD_IMAGE:
		return ctd_image_request(id, out);
	case MTI_RPC_CTD_PIDS:
		return ctd_pids_request(id, out);
	case MTI_RPC_CRI_CONTAINER:
		return cri_container_request(id, out);
	case MTI_RPC_CRI_POD:
		return cri_pod_request(id, out);
	case MTI_RPC_CTD_VERSION:
		return ctd_version_request(out);
	case MTI_RPC_CTD_CONTAINERS:
		return ctd_containers_request(id, out);
	case MTI_RPC_CTD_TASKS:
		return ctd_tasks_request(out);
	case MTI_RPC_CTD_MOUNTS:
		return ctd_mounts_request(id, out);
	default:
		return cri_version_request(out);
	}
}

enum mt_err mti_rpc_decode(enum mti_rpc rpc, const uint8_t *msg, size_t len, const char *id,
                           void *out, char *why, size_t why_len)
{
	switch (rpc) {
	case MTI_RPC_CTD_CONTAINER:
		return mti_ctd_container_decode(msg, len, id, out, why, why_len);
	case MTI_RPC_CTD_IMAGE:
		return mti_ctd_image_decode(msg, len, id, out, why, why_len);
	case MTI_RPC_CTD_PIDS:
		return mti_ctd_pids_decode(msg, len, out, why, why_len);
	case MTI_RPC_CRI_CONTAINER:
		return mti_cri_container_decode(msg, len, id, out, why, why_len);
	case MTI_RPC_CRI_POD:
		return mti_cri_pod_decode(msg, len, id, out, why, why_len);
	case MTI_RPC_CTD_VERSION:
		return mti_ctd_version_decode(msg, len, out, why, why_len);
	case MTI_RPC_CTD_CONTAINERS:
		return mti_ctd_container_list_decode(msg, len, id, out, why, why_len);
	case MTI_RPC_CTD_TASKS:
		return mti_ctd_task_list_decode(msg, len, out, why, why_len);
	case MTI_RPC_CTD_MOUNTS:
		return mti_ctd_mounts_decode(msg, len, out, why, why_len);
	default:
		return mti_cri_version_decode(msg, len, out, why, why_len);
	}
}

void mti_ctd_container_clear(struct mti_ctd_container *c)
{
	free(c->id);
	free(c->image);
	free(c->runtime);
	free(c->snapshotter);
	free(c->snapshot_key);
	kv_clear(&c->labels);
	mti_oci_bundle_clear(&c->spec);
	memset(c, 0, sizeof(*c));
}

void mti_ctd_container_list_clear(struct mti_ctd_container_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mti_ctd_container_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void mti_ctd_task_list_clear(struct mti_ctd_task_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i].container_id);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void mti_ctd_mounts_clear(struct mti_ctd_mounts *m)
{
	free(m->type);
	free(m->upperdir);
	memset(m, 0, sizeof(*m));
}

void mti_ctd_image_clear(struct mti_ctd_image *im)
{
	free(im->name);
	free(im->media_type);
	free(im->digest);
	kv_clear(&im->labels);
	memset(im, 0, sizeof(*im));
}

void mti_ctd_pids_clear(struct mti_ctd_pids *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->items[i].exec_id);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

void mti_cri_container_clear(struct mti_cri_container *c)
{
	free(c->id);
	free(c->name);
	free(c->image);
	free(c->image_ref);
	free(c->image_id);
	free(c->reason);
	free(c->log_path);
	kv_clear(&c->labels);
	kv_clear(&c->annotations);
	free(c->sandbox_id);
	free(c->runtime_type);
	memset(c, 0, sizeof(*c));
}

void mti_cri_pod_clear(struct mti_cri_pod *p)
{
	free(p->id);
	free(p->name);
	free(p->uid);
	free(p->namespace);
	free(p->runtime_handler);
	kv_clear(&p->labels);
	kv_clear(&p->annotations);
	free(p->sandbox_image);
	free(p->runtime_type);
	memset(p, 0, sizeof(*p));
}

void mti_cri_version_clear(struct mti_cri_version *v)
{
	free(v->version);
	free(v->runtime_name);
	free(v->runtime_version);
	free(v->runtime_api_version);
	memset(v, 0, sizeof(*v));
}
