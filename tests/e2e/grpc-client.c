/* Test tool: calls minertrace's containerd and CRI clients directly and
 * prints what they decoded as JSON, for the end-to-end tests (the trace is
 * not involved) and to capture reply fixtures.
 *
 * usage: mt-grpc-client SOCKET TIMEOUT_MS [--raw-dir DIR] CALL... where
 * CALL is one of
 *   ctd-container NS ID | ctd-image NS NAME | ctd-pids NS ID
 *   ctd-containers NS IMAGE | ctd-tasks NS | ctd-mounts NS SNAPSHOTTER/KEY
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
#include "grpc_json.h"

static void add_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* Runs the call at argv[*i] (advancing *i past its arguments). */
static enum mt_err run_call(struct mti_grpc *g, char **argv, int argc, int *i, cJSON *call,
                            struct mti_buf *raw, char *msg, size_t msg_len)
{
	const char *op = argv[(*i)++];
	int need = !strcmp(op, "cri-version") ? 0
	           : !strcmp(op, "cri-container") || !strcmp(op, "cri-pod") || !strcmp(op, "ctd-tasks")
	               ? 1
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
			cJSON_AddItemToObject(call, "result",
			                      mti_rpc_json(MTI_RPC_CTD_CONTAINER, &c));
		mti_ctd_container_clear(&c);
	} else if (!strcmp(op, "ctd-image")) {
		struct mti_ctd_image im;

		e = mti_ctd_get_image(g, argv[*i], argv[*i + 1], &im, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", mti_rpc_json(MTI_RPC_CTD_IMAGE, &im));
		mti_ctd_image_clear(&im);
	} else if (!strcmp(op, "ctd-pids")) {
		struct mti_ctd_pids p;

		e = mti_ctd_list_pids(g, argv[*i], argv[*i + 1], &p, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", mti_rpc_json(MTI_RPC_CTD_PIDS, &p));
		mti_ctd_pids_clear(&p);
	} else if (!strcmp(op, "ctd-containers")) {
		struct mti_ctd_container_list l;

		e = mti_ctd_list_containers(g, argv[*i], argv[*i + 1], &l, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result",
			                      mti_rpc_json(MTI_RPC_CTD_CONTAINERS, &l));
		mti_ctd_container_list_clear(&l);
	} else if (!strcmp(op, "ctd-tasks")) {
		struct mti_ctd_task_list l;

		e = mti_ctd_list_tasks(g, argv[*i], &l, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", mti_rpc_json(MTI_RPC_CTD_TASKS, &l));
		mti_ctd_task_list_clear(&l);
	} else if (!strcmp(op, "ctd-mounts")) {
		struct mti_ctd_mounts m;

		e = mti_ctd_snapshot_mounts(g, argv[*i], argv[*i + 1], &m, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", mti_rpc_json(MTI_RPC_CTD_MOUNTS, &m));
		mti_ctd_mounts_clear(&m);
	} else if (!strcmp(op, "cri-container")) {
		struct mti_cri_container c;

		e = mti_cri_container_status(g, argv[*i], &c, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result",
			                      mti_rpc_json(MTI_RPC_CRI_CONTAINER, &c));
		mti_cri_container_clear(&c);
	} else if (!strcmp(op, "cri-pod")) {
		struct mti_cri_pod p;

		e = mti_cri_pod_status(g, argv[*i], &p, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result", mti_rpc_json(MTI_RPC_CRI_POD, &p));
		mti_cri_pod_clear(&p);
	} else if (!strcmp(op, "cri-version")) {
		struct mti_cri_version v;

		e = mti_cri_version(g, &v, raw, msg, msg_len);
		if (e == MT_OK)
			cJSON_AddItemToObject(call, "result",
			                      mti_rpc_json(MTI_RPC_CRI_VERSION, &v));
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
