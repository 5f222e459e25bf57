/* Test tool: calls minertrace's containerd and CRI clients directly and
 * prints what they decoded as JSON, for the end-to-end tests (the trace is
 * not involved) and to capture reply fixtures.
 *
 * usage: mt-grpc-client SOCKET TIMEOUT_MS [--raw-dir DIR] CALL... where
 * CALL is one of
 *   ctd-container NS ID | ctd-image NS NAME | ctd-pids NS ID
 *   cri-container ID | cri-pod ID | cri-version
 * All calls share one client (one connection). --raw-dir writes each
 * reply message to DIR/<call>.bin. Exit status 0 when every call
 * answered, 1 otherwise, 2 on misuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <minertrace/minertrace.h>

#include "containerd_api.h"
#include "cri_api.h"
#include "grpc.h"
#include "grpc_decode.h"

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
		cJSON_AddItemToArray(a, cJSON_CreateString(n->text[i]));
}

static void add_strv(cJSON *o, const char *key, char **v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, key);
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
}

static cJSON *ctd_container(const struct mti_ctd_container *c)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "id", c->id);
	add_str(o, "image", c->image);
	add_str(o, "runtime", c->runtime);
	add_str(o, "snapshotter", c->snapshotter);
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
		cJSON_AddItemToArray(a, e);
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

/* Runs the call at argv[*i] (advancing *i past its arguments). */
static enum mt_err run_call(struct mti_grpc *g, char **argv, int argc, int *i, cJSON *call,
                            struct mti_buf *raw, char *msg, size_t msg_len)
{
	const char *op = argv[(*i)++];
	int need = !strcmp(op, "cri-version")                               ? 0
	           : !strcmp(op, "cri-container") || !strcmp(op, "cri-pod") ? 1
	           : !strncmp(op, "ctd-", 4)                                ? 2
	                                                                    : -1;
	enum mt_err e = MT_ERR_INVALID_ARG;

	cJSON_AddStringToObject(call, "call", op);
	if (need < 0 || *i + need > argc) {
		snprintf(msg, msg_len, "bad call %s", op);
		return e;
	}
	if (!strcmp(op, "ctd-container")) {
		struct mti_ctd_container c;

		e = mti_ctd_get_container(g, argv[*i], argv[*i + 1], &c, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", ctd_container(&c));
		mti_ctd_container_clear(&c);
	} else if (!strcmp(op, "ctd-image")) {
		struct mti_ctd_image im;

		e = mti_ctd_get_image(g, argv[*i], argv[*i + 1], &im, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", ctd_image(&im));
		mti_ctd_image_clear(&im);
	} else if (!strcmp(op, "ctd-pids")) {
		struct mti_ctd_pids p;

		e = mti_ctd_list_pids(g, argv[*i], argv[*i + 1], &p, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", ctd_pids(&p));
		mti_ctd_pids_clear(&p);
	} else if (!strcmp(op, "cri-container")) {
		struct mti_cri_container c;

		e = mti_cri_container_status(g, argv[*i], &c, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", cri_container(&c));
		mti_cri_container_clear(&c);
	} else if (!strcmp(op, "cri-pod")) {
		struct mti_cri_pod p;

		e = mti_cri_pod_status(g, argv[*i], &p, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", cri_pod(&p));
		mti_cri_pod_clear(&p);
	} else if (!strcmp(op, "cri-version")) {
		struct mti_cri_version v;

		e = mti_cri_version(g, &v, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", cri_version(&v));
		mti_cri_version_clear(&v);
	} else {
		snprintf(msg, msg_len, "bad call %s", op);
	}
	*i += need;
	return e;
}

/* Writes the reply message of call n to DIR/<op>-<n>.bin. */
static int save_raw(const char *dir, const char *op, int n, const struct mti_buf *raw)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s-%d.bin", dir, op, n);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(raw->data ? raw->data : "", 1, raw->len, f) == raw->len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct mti_grpc *g = NULL;
	const char *raw_dir = NULL;
	struct mti_buf raw;
	char msg[512];
	cJSON *doc, *calls;
	char *text;
	int i = 3, n = 0, failed = 0;
	enum mt_err e;

	if (argc < 4) {
		fprintf(stderr,
		        "usage: mt-grpc-client SOCKET TIMEOUT_MS [--raw-dir DIR] CALL...\n");
		return 2;
	}
	if (!strcmp(argv[3], "--raw-dir") && argc > 5) {
		raw_dir = argv[4];
		i = 5;
	}
	e = mti_grpc_new(argv[1], mti_monotonic_ms() + strtol(argv[2], NULL, 10), 4u << 20, &g, msg,
	                 sizeof(msg));
	if (e) {
		fprintf(stderr, "mt-grpc-client: %s\n", msg);
		return 1;
	}
	mti_buf_init(&raw);
	doc = cJSON_CreateObject();
	calls = cJSON_AddArrayToObject(doc, "calls");
	while (i < argc) {
		cJSON *call = cJSON_CreateObject();
		const char *op = argv[i];

		msg[0] = '\0';
		e = run_call(g, argv, argc, &i, call, &raw, msg, sizeof(msg));
		if (e == MT_ERR_INVALID_ARG && !strncmp(msg, "bad call", 8)) {
			fprintf(stderr, "mt-grpc-client: %s\n", msg);
			return 2;
		}
		add_str(call, "error", e ? mt_strerror(e) : NULL);
		add_str(call, "message", e ? msg : NULL);
		if (e)
			failed = 1;
		if (raw_dir && e == MT_OK && save_raw(raw_dir, op, n, &raw))
			failed = 1;
		cJSON_AddItemToArray(calls, call);
		n++;
	}
	cJSON_AddNumberToObject(doc, "connections", (double)mti_grpc_connections(g));
	text = cJSON_Print(doc);
	puts(text ? text : "{}");
	free(text);
	cJSON_Delete(doc);
	mti_buf_free(&raw);
	mti_grpc_free(g);
	return failed;
}
