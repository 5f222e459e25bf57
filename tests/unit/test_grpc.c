/* Unit tests: the gRPC framing and status (lib/grpc_frame.c) and the
 * decoders of containerd's and the CRI's replies (lib/grpc_decode.c), on
 * replies captured from the e2e containerd (tests/fixtures/grpc/, written
 * by tests/fixtures/capture-grpc.sh) and on hostile ones built here with
 * the same generated protobuf-c code. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "cri.pb-c.h"
#include "github.com/containerd/containerd/api/services/snapshots/v1/snapshots.pb-c.h"
#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.pb-c.h"
#include "grpc_decode.h"
#include "grpc_frame.h"
#include "slurp.h"

#define GDIR MT_FIXTURES_DIR "/grpc/"
#define CRI_CID "e61c5548bf439c0ea16675db45594dfa8083a32efaba2102158ebb0d0611bfbb"
#define CRI_POD "6bb8103834b96875897153a29e7e0bedf2f37dccc4929f3fe30d4e0dd96d132d"
#define POD_UID "5b2c1f0e-8d4a-4c3b-9e61-2f7a0c9d1e42"

/* ---- framing ---- */

START_TEST(frame_round_trip)
{
	struct mti_buf b;
	const uint8_t *m;
	size_t n;
	char why[128];

	mti_buf_init(&b);
	ck_assert_int_eq(mti_grpc_frame("\x0a\x02v1", 4, &b), MT_OK);
	ck_assert_uint_eq(b.len, 9);
	ck_assert_mem_eq(b.data, "\x00\x00\x00\x00\x04\x0a\x02v1", 9);
	ck_assert_int_eq(
	    mti_grpc_unframe((const uint8_t *)b.data, b.len, 4, &m, &n, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_eq(m, (const uint8_t *)b.data + 5);
	/* an empty message is a valid one (an empty reply such as Empty) */
	ck_assert_int_eq(
	    mti_grpc_unframe((const uint8_t *)"\0\0\0\0\0", 5, 4, &m, &n, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(n, 0);
	mti_buf_free(&b);
}
END_TEST

START_TEST(frame_refuses_bad_bodies)
{
	static const struct {
		const char *body;
		size_t len;
		enum mt_err err;
		const char *why;
	} bad[] = {
	    {"", 0, MT_ERR_ENGINE_REPLY, "no message"},
	    {"\0\0\0", 3, MT_ERR_ENGINE_REPLY, "inside the message prefix"},
	    {"\0\0\0\0\x05\x0a\x02", 7, MT_ERR_ENGINE_REPLY, "message cut: 2 of 5"},
	    {"\0\0\0\0\x01\x0a\0\0\0\0\0", 11, MT_ERR_ENGINE_REPLY, "5 bytes after"},
	    {"\x01\0\0\0\x01\x0a", 6, MT_ERR_ENGINE_REPLY, "compressed"},
	    {"\x80\0\0\0\x01\x0a", 6, MT_ERR_ENGINE_REPLY, "compressed"},
	    {"\0\0\x01\0\x01\x0a", 6, MT_ERR_TOO_LARGE, "65537 bytes over the cap of 65536"},
	    {"\0\xff\xff\xff\xff", 5, MT_ERR_TOO_LARGE, "4294967295 bytes"},
	};
	const uint8_t *m;
	size_t n, i;
	char why[128];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ck_assert_int_eq(mti_grpc_unframe((const uint8_t *)bad[i].body, bad[i].len, 65536,
		                                  &m, &n, why, sizeof(why)),
		                 bad[i].err);
		ck_assert_msg(strstr(why, bad[i].why) != NULL, "case %zu: %s", i, why);
		ck_assert_ptr_null(m);
	}
}
END_TEST

START_TEST(status_strict)
{
	int code = -1;

	ck_assert(mti_grpc_status_parse("0", &code) && code == 0);
	ck_assert(mti_grpc_status_parse("16", &code) && code == 16);
	ck_assert(!mti_grpc_status_parse("17", &code));
	ck_assert(!mti_grpc_status_parse("-1", &code));
	ck_assert(!mti_grpc_status_parse("", &code));
	ck_assert(!mti_grpc_status_parse("5 ", &code));
	ck_assert(!mti_grpc_status_parse("0x5", &code));
	ck_assert(!mti_grpc_status_parse("000000000000005", &code));
	ck_assert(!mti_grpc_status_parse(NULL, &code));
	ck_assert_str_eq(mti_grpc_status_name(5), "NOT_FOUND");
	ck_assert_str_eq(mti_grpc_status_name(99), "UNKNOWN");
	ck_assert_int_eq(mti_grpc_status_err(0), MT_OK);
	ck_assert_int_eq(mti_grpc_status_err(5), MT_ERR_NOT_FOUND);
	ck_assert_int_eq(mti_grpc_status_err(4), MT_ERR_ENGINE_TIMEOUT);
	ck_assert_int_eq(mti_grpc_status_err(14), MT_ERR_ENGINE_UNREACHABLE);
	ck_assert_int_eq(mti_grpc_status_err(7), MT_ERR_PERMISSION);
	ck_assert_int_eq(mti_grpc_status_err(12), MT_ERR_UNSUPPORTED);
	ck_assert_int_eq(mti_grpc_status_err(13), MT_ERR_ENGINE_HTTP);
}
END_TEST

START_TEST(message_percent_decoded)
{
	char out[16];

	mti_grpc_message_decode("not%20found%3A x", out, sizeof(out));
	ck_assert_str_eq(out, "not found: x");
	mti_grpc_message_decode("a%00b%zz%4", out, sizeof(out));
	ck_assert_str_eq(out, "a?b%zz%4");
	mti_grpc_message_decode("0123456789abcdefghij", out, sizeof(out));
	ck_assert_str_eq(out, "0123456789abcde");
	mti_grpc_message_decode(NULL, out, sizeof(out));
	ck_assert_str_eq(out, "");
}
END_TEST

/* ---- captured replies ---- */

/* The fixture name's bytes; the caller frees. */
static uint8_t *fixture(const char *name, size_t *len)
{
	char path[512];

	snprintf(path, sizeof(path), GDIR "%s", name);
	return (uint8_t *)slurp(path, len);
}

START_TEST(ctd_container_captured)
{
	size_t len;
	uint8_t *m = fixture("containerd-1.6-container.bin", &len);
	struct mti_ctd_container c;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_container_decode(m, len, "capture-web", &c, why, sizeof(why)),
	                 MT_OK);
	ck_assert_str_eq(c.id, "capture-web");
	ck_assert_str_eq(c.image, "docker.io/xmrig/xmrig:6.21.0");
	ck_assert_str_eq(c.runtime, "io.containerd.runc.v2");
	ck_assert_str_eq(c.snapshotter, "overlayfs");
	ck_assert_str_eq(mti_kv_get(&c.labels, "team"), "payments");
	ck_assert_str_eq(mti_kv_get(&c.labels, "app.kubernetes.io/name"), "web");
	ck_assert_uint_eq(c.labels.dropped, 0);
	ck_assert(c.created_ns > 1600000000LL * 1000000000LL);
	ck_assert(c.have_spec);
	ck_assert_uint_ge(c.spec.n_args, 1);
	ck_assert_str_eq(c.spec.args[0], "/usr/bin/xmrig");
	ck_assert_str_eq(c.spec.root, "rootfs");
	ck_assert_ptr_null(c.spec.pod_name);
	ck_assert_uint_eq(c.notes.n, 0);
	mti_ctd_container_clear(&c);

	/* a reply about another container is refused */
	ck_assert_int_eq(mti_ctd_container_decode(m, len, "other", &c, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_ptr_nonnull(strstr(why, "another container"));
	ck_assert_ptr_null(c.id);
	mti_ctd_container_clear(&c);
	free(m);
}
END_TEST

START_TEST(ctd_container_of_cri)
{
	size_t len;
	uint8_t *m = fixture("containerd-1.6-container-cri.bin", &len);
	struct mti_ctd_container c;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_container_decode(m, len, CRI_CID, &c, why, sizeof(why)), MT_OK);
	ck_assert_str_eq(c.image, "docker.io/metabase/metabase:v0.46.6");
	ck_assert_str_eq(mti_kv_get(&c.labels, "io.kubernetes.pod.name"), "billing-api-7d9f");
	ck_assert(c.have_spec);
	ck_assert_str_eq(c.spec.pod_name, "billing-api-7d9f");
	ck_assert_str_eq(c.spec.pod_namespace, "shop");
	ck_assert_str_eq(c.spec.pod_uid, POD_UID);
	ck_assert_str_eq(c.spec.container_name, "api");
	ck_assert_str_eq(c.spec.sandbox_id, CRI_POD);
	mti_ctd_container_clear(&c);
	free(m);
}
END_TEST

START_TEST(ctd_image_captured)
{
	size_t len;
	uint8_t *m = fixture("containerd-1.6-image.bin", &len);
	struct mti_ctd_image im;
	char why[128] = "";

	ck_assert_int_eq(
	    mti_ctd_image_decode(m, len, "docker.io/xmrig/xmrig:6.21.0", &im, why, sizeof(why)),
	    MT_OK);
	ck_assert_str_eq(im.name, "docker.io/xmrig/xmrig:6.21.0");
	ck_assert_str_eq(im.media_type, "application/vnd.oci.image.manifest.v1+json");
	ck_assert(mti_str_starts(im.digest, "sha256:"));
	ck_assert_uint_eq(strlen(im.digest), 7 + 64);
	ck_assert(im.size > 0);
	mti_ctd_image_clear(&im);
	ck_assert_int_eq(
	    mti_ctd_image_decode(m, len, "docker.io/xmrig/xmrig:6.22.0", &im, why, sizeof(why)),
	    MT_ERR_ENGINE_REPLY);
	mti_ctd_image_clear(&im);
	free(m);
}
END_TEST

START_TEST(ctd_pids_with_exec_ids)
{
	size_t len, i, execs = 0, inits = 0;
	uint8_t *m = fixture("containerd-1.6-pids-exec.bin", &len);
	struct mti_ctd_pids p;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_pids_decode(m, len, &p, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(p.n, 2);
	for (i = 0; i < p.n; i++) {
		ck_assert_int_gt(p.items[i].pid, 0);
		if (p.items[i].exec_id) {
			ck_assert_str_eq(p.items[i].exec_id, "capture-exec-1");
			execs++;
		} else {
			inits++;
		}
	}
	ck_assert_uint_eq(execs, 1);
	ck_assert_uint_eq(inits, 1);
	mti_ctd_pids_clear(&p);
	free(m);

	/* the CRI's exec (ExecSync): a generated 64-hex exec ID */
	m = fixture("containerd-1.6-pids-cri-exec.bin", &len);
	ck_assert_int_eq(mti_ctd_pids_decode(m, len, &p, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(p.n, 2);
	execs = 0;
	for (i = 0; i < p.n; i++)
		if (p.items[i].exec_id) {
			ck_assert(mti_is_hex(p.items[i].exec_id, 64));
			execs++;
		}
	ck_assert_uint_eq(execs, 1);
	mti_ctd_pids_clear(&p);
	free(m);
}
END_TEST

/* Containers.List on the image's name: both containers, their records'
 * snapshotter and key, nothing of another image. */
START_TEST(ctd_containers_of_image_captured)
{
	size_t len, i;
	uint8_t *m = fixture("containerd-1.6-containers-of-image.bin", &len);
	struct mti_ctd_container_list l;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_container_list_decode(m, len, "docker.io/xmrig/xmrig:6.21.0", &l,
	                                               why, sizeof(why)),
	                 MT_OK);
	ck_assert_uint_eq(l.n, 2);
	ck_assert(!l.truncated);
	ck_assert_uint_eq(l.notes.n, 0);
	for (i = 0; i < l.n; i++) {
		ck_assert(!strcmp(l.items[i].id, "capture-web") ||
		          !strcmp(l.items[i].id, "capture-web-copy"));
		ck_assert_str_eq(l.items[i].image, "docker.io/xmrig/xmrig:6.21.0");
		ck_assert_str_eq(l.items[i].snapshotter, "overlayfs");
		ck_assert_str_eq(l.items[i].snapshot_key, l.items[i].id);
		ck_assert_int_gt(l.items[i].created_ns, 0);
		ck_assert(!l.items[i].have_spec); /* the specs are not read */
	}
	mti_ctd_container_list_clear(&l);
	/* asked about another image: every record dropped, said in a note */
	ck_assert_int_eq(mti_ctd_container_list_decode(m, len, "docker.io/library/other:1", &l, why,
	                                               sizeof(why)),
	                 MT_OK);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_str_eq(l.notes.text[0], "2 containers of another image dropped");
	mti_ctd_container_list_clear(&l);
	free(m);
}
END_TEST

START_TEST(ctd_tasks_captured)
{
	size_t len;
	uint8_t *m = fixture("containerd-1.6-tasks.bin", &len);
	struct mti_ctd_task_list l;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_task_list_decode(m, len, &l, why, sizeof(why)), MT_OK);
	/* the copy has no task: only capture-web, its container named in
	 * the task's ID as containerd 1.6 does */
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.items[0].container_id, "capture-web");
	ck_assert_str_eq(l.items[0].status, "running");
	ck_assert_int_gt(l.items[0].pid, 1);
	mti_ctd_task_list_clear(&l);
	free(m);
}
END_TEST

START_TEST(ctd_mounts_captured)
{
	size_t len;
	uint8_t *m = fixture("containerd-1.6-mounts.bin", &len);
	struct mti_ctd_mounts mounts;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_mounts_decode(m, len, &mounts, why, sizeof(why)), MT_OK);
	ck_assert_str_eq(mounts.type, "overlay");
	ck_assert_ptr_nonnull(mounts.upperdir);
	ck_assert(mti_str_ends(mounts.upperdir, "/fs"));
	ck_assert_ptr_nonnull(strstr(mounts.upperdir, "/io.containerd.snapshotter.v1.overlayfs/snapshots/"));
	mti_ctd_mounts_clear(&mounts);
	free(m);
}
END_TEST

/* Hostile Snapshots.Mounts and Tasks.List replies. */
START_TEST(ctd_mounts_and_tasks_hostile)
{
	Containerd__Services__Snapshots__V1__MountsResponse r =
	    CONTAINERD__SERVICES__SNAPSHOTS__V1__MOUNTS_RESPONSE__INIT;
	Containerd__Types__Mount mt = CONTAINERD__TYPES__MOUNT__INIT, *pm = &mt;
	Containerd__Services__Tasks__V1__ListTasksResponse tr =
	    CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_RESPONSE__INIT;
	Containerd__V1__Types__Process pr[3], *pp[3];
	char *opts[2] = {(char *)"lowerdir=/a", (char *)"upperdir=/var/lib/x/../../etc"};
	struct mti_ctd_mounts mounts;
	struct mti_ctd_task_list tl;
	uint8_t buf[512];
	size_t n, i;
	char why[128] = "";

	/* no mount at all */
	n = containerd__services__snapshots__v1__mounts_response__get_packed_size(&r);
	containerd__services__snapshots__v1__mounts_response__pack(&r, buf);
	ck_assert_int_eq(mti_ctd_mounts_decode(buf, n, &mounts, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_str_eq(why, "Snapshots.Mounts reply holds no mount");
	mti_ctd_mounts_clear(&mounts);
	/* an upperdir climbing out: dropped with a note */
	mt.type = (char *)"overlay";
	mt.n_options = 2;
	mt.options = opts;
	r.n_mounts = 1;
	r.mounts = &pm;
	n = containerd__services__snapshots__v1__mounts_response__get_packed_size(&r);
	ck_assert_uint_le(n, sizeof(buf));
	containerd__services__snapshots__v1__mounts_response__pack(&r, buf);
	ck_assert_int_eq(mti_ctd_mounts_decode(buf, n, &mounts, why, sizeof(why)), MT_OK);
	ck_assert_ptr_null(mounts.upperdir);
	ck_assert_str_eq(mounts.notes.text[0], "an upperdir that is not a plain absolute path dropped");
	mti_ctd_mounts_clear(&mounts);
	/* a bind mount (the native snapshotter) has no writable layer of its own */
	mt.type = (char *)"bind";
	opts[1] = (char *)"upperdir=/var/lib/x";
	n = containerd__services__snapshots__v1__mounts_response__get_packed_size(&r);
	containerd__services__snapshots__v1__mounts_response__pack(&r, buf);
	ck_assert_int_eq(mti_ctd_mounts_decode(buf, n, &mounts, why, sizeof(why)), MT_OK);
	ck_assert_str_eq(mounts.type, "bind");
	ck_assert_ptr_null(mounts.upperdir);
	mti_ctd_mounts_clear(&mounts);

	/* tasks: one without a name, a PID out of range, an unknown status */
	for (i = 0; i < 3; i++) {
		containerd__v1__types__process__init(&pr[i]);
		pp[i] = &pr[i];
	}
	pr[1].container_id = (char *)"web";
	pr[1].pid = 4194305;
	pr[1].status = 99;
	pr[2].id = (char *)"db";
	pr[2].pid = 77;
	pr[2].status = CONTAINERD__V1__TYPES__STATUS__STOPPED;
	tr.n_tasks = 3;
	tr.tasks = pp;
	n = containerd__services__tasks__v1__list_tasks_response__get_packed_size(&tr);
	ck_assert_uint_le(n, sizeof(buf));
	containerd__services__tasks__v1__list_tasks_response__pack(&tr, buf);
	ck_assert_int_eq(mti_ctd_task_list_decode(buf, n, &tl, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(tl.n, 2);
	ck_assert_str_eq(tl.items[0].container_id, "web");
	ck_assert_int_eq(tl.items[0].pid, 0);
	ck_assert_str_eq(tl.items[0].status, "unknown");
	ck_assert_str_eq(tl.items[1].container_id, "db");
	ck_assert_int_eq(tl.items[1].pid, 77);
	ck_assert_str_eq(tl.items[1].status, "stopped");
	ck_assert_str_eq(tl.notes.text[0], "1 task without a container ID dropped");
	mti_ctd_task_list_clear(&tl);
}
END_TEST

START_TEST(cri_container_captured)
{
	size_t len;
	uint8_t *m = fixture("cri-1.6-container.bin", &len);
	struct mti_cri_container c;
	char why[128] = "";

	ck_assert_int_eq(mti_cri_container_decode(m, len, CRI_CID, &c, why, sizeof(why)), MT_OK);
	ck_assert_str_eq(c.id, CRI_CID);
	ck_assert_str_eq(c.name, "api");
	ck_assert_uint_eq(c.attempt, 0);
	ck_assert_str_eq(c.state, "running");
	ck_assert(c.started_ns > 0);
	ck_assert_str_eq(c.image, "docker.io/metabase/metabase:v0.46.6");
	/* an imported image has no repository digest: containerd 1.6 gives its ID */
	ck_assert_str_eq(c.image_ref,
	                 "sha256:e0cdb9f83017780fff316ecf2778bc9179fc4548c90f9aa28db013723266e86f");
	ck_assert_str_eq(mti_kv_get(&c.labels, "io.kubernetes.pod.name"), "billing-api-7d9f");
	ck_assert_str_eq(mti_kv_get(&c.labels, "io.kubernetes.pod.namespace"), "shop");
	ck_assert_str_eq(mti_kv_get(&c.labels, "io.kubernetes.container.name"), "api");
	ck_assert_str_eq(c.sandbox_id, CRI_POD);
	ck_assert_int_gt(c.pid, 1);
	ck_assert_str_eq(c.runtime_type, "io.containerd.runc.v2");
	ck_assert(!c.have_privileged); /* containerd does not say */
	ck_assert_uint_eq(c.notes.n, 0);
	mti_cri_container_clear(&c);
	ck_assert_int_eq(mti_cri_container_decode(m, len, CRI_POD, &c, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	mti_cri_container_clear(&c);
	free(m);
}
END_TEST

START_TEST(cri_pod_captured)
{
	size_t len;
	uint8_t *m = fixture("cri-1.6-pod.bin", &len);
	struct mti_cri_pod p;
	char why[128] = "";

	ck_assert_int_eq(mti_cri_pod_decode(m, len, CRI_POD, &p, why, sizeof(why)), MT_OK);
	ck_assert_str_eq(p.id, CRI_POD);
	ck_assert_str_eq(p.name, "billing-api-7d9f");
	ck_assert_str_eq(p.namespace, "shop");
	ck_assert_str_eq(p.uid, POD_UID);
	ck_assert_uint_eq(p.attempt, 0);
	ck_assert_str_eq(p.state, "ready");
	ck_assert_str_eq(mti_kv_get(&p.annotations, "kubernetes.io/config.source"), "api");
	ck_assert_str_eq(mti_kv_get(&p.labels, "io.kubernetes.pod.uid"), POD_UID);
	ck_assert_int_gt(p.pid, 1);
	ck_assert_str_eq(p.sandbox_image, "registry.k8s.io/pause:3.6");
	mti_cri_pod_clear(&p);
	free(m);
}
END_TEST

START_TEST(cri_version_captured)
{
	size_t len;
	uint8_t *m = fixture("cri-1.6-version.bin", &len);
	struct mti_cri_version v;
	char why[128] = "";

	ck_assert_int_eq(mti_cri_version_decode(m, len, &v, why, sizeof(why)), MT_OK);
	ck_assert_str_eq(v.runtime_name, "containerd");
	ck_assert(mti_str_starts(v.runtime_version, "1.6."));
	ck_assert_str_eq(v.runtime_api_version, "v1");
	mti_cri_version_clear(&v);
	free(m);
}
END_TEST

/* containerd's Version: version (1) and revision (2) */
START_TEST(ctd_version_decoded)
{
	static const uint8_t reply[] = "\x0a\x0a"
	                               "1.6.20~ds1"
	                               "\x12\x03"
	                               "abc";
	struct mti_cri_version v;
	char why[128] = "";

	ck_assert_int_eq(mti_ctd_version_decode(reply, sizeof(reply) - 1, &v, why, sizeof(why)),
	                 MT_OK);
	ck_assert_str_eq(v.runtime_name, "containerd");
	ck_assert_str_eq(v.runtime_version, "1.6.20~ds1");
	ck_assert_ptr_null(v.runtime_api_version);
	mti_cri_version_clear(&v);
	/* only a revision: no version told */
	ck_assert_int_eq(mti_ctd_version_decode(reply + 12, 5, &v, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_ptr_nonnull(strstr(why, "no version"));
	mti_cri_version_clear(&v);
	ck_assert_str_eq(mti_rpc_method(MTI_RPC_CTD_VERSION),
	                 "/containerd.services.version.v1.Version/Version");
	ck_assert(!mti_rpc_namespaced(MTI_RPC_CTD_VERSION));
}
END_TEST

/* ---- hostile replies ---- */

START_TEST(garbage_refused_by_every_decoder)
{
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0xff, 0x01};
	struct mti_ctd_container c;
	struct mti_ctd_image im;
	struct mti_ctd_pids p;
	struct mti_cri_container cc;
	struct mti_cri_pod cp;
	struct mti_cri_version v;
	char why[128];

	ck_assert_int_eq(mti_ctd_container_decode(junk, sizeof(junk), "x", &c, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_ctd_image_decode(junk, sizeof(junk), "x", &im, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_ctd_pids_decode(junk, sizeof(junk), &p, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_cri_container_decode(junk, sizeof(junk), "x", &cc, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_cri_pod_decode(junk, sizeof(junk), "x", &cp, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_cri_version_decode(junk, sizeof(junk), &v, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	mti_cri_version_clear(&v);
	ck_assert_int_eq(mti_ctd_version_decode(junk, sizeof(junk), &v, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	{
		struct mti_ctd_container_list cl;
		struct mti_ctd_task_list tl;
		struct mti_ctd_mounts mo;

		ck_assert_int_eq(
		    mti_ctd_container_list_decode(junk, sizeof(junk), "x", &cl, why, sizeof(why)),
		    MT_ERR_ENGINE_REPLY);
		ck_assert_int_eq(mti_ctd_task_list_decode(junk, sizeof(junk), &tl, why, sizeof(why)),
		                 MT_ERR_ENGINE_REPLY);
		ck_assert_int_eq(mti_ctd_mounts_decode(junk, sizeof(junk), &mo, why, sizeof(why)),
		                 MT_ERR_ENGINE_REPLY);
		mti_ctd_container_list_clear(&cl);
		mti_ctd_task_list_clear(&tl);
		mti_ctd_mounts_clear(&mo);
	}
	/* an empty message holds no object */
	ck_assert_int_eq(mti_ctd_container_decode(junk, 0, "x", &c, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_ptr_nonnull(strstr(why, "no container"));
	ck_assert_int_eq(mti_cri_pod_decode(junk, 0, "x", &cp, why, sizeof(why)),
	                 MT_ERR_ENGINE_REPLY);
	mti_ctd_container_clear(&c);
	mti_ctd_image_clear(&im);
	mti_ctd_pids_clear(&p);
	mti_cri_container_clear(&cc);
	mti_cri_pod_clear(&cp);
	mti_cri_version_clear(&v);
}
END_TEST

/* A ContainerStatus reply packed into b, with n_labels labels (one of
 * them too long, one repeated) and the given verbose info. */
static void pack_status(size_t n_labels, const char *info_json, struct mti_buf *b)
{
	Runtime__V1__ContainerStatusResponse r = RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INIT;
	Runtime__V1__ContainerStatus s = RUNTIME__V1__CONTAINER_STATUS__INIT;
	Runtime__V1__ContainerMetadata md = RUNTIME__V1__CONTAINER_METADATA__INIT;
	Runtime__V1__ContainerStatus__LabelsEntry *entries = calloc(n_labels, sizeof(*entries));
	Runtime__V1__ContainerStatus__LabelsEntry **lp = calloc(n_labels, sizeof(*lp));
	Runtime__V1__ContainerStatusResponse__InfoEntry ie =
	    RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INFO_ENTRY__INIT;
	Runtime__V1__ContainerStatusResponse__InfoEntry *iep = &ie;
	char *big = malloc(MTI_GRPC_MAX_VALUE + 2);
	char(*keys)[24] = calloc(n_labels, 24);
	size_t i, n;

	ck_assert(entries && lp && big && keys);
	memset(big, 'v', MTI_GRPC_MAX_VALUE + 1);
	big[MTI_GRPC_MAX_VALUE + 1] = '\0';
	for (i = 0; i < n_labels; i++) {
		runtime__v1__container_status__labels_entry__init(&entries[i]);
		snprintf(keys[i], 24, "k%zu", i == 2 ? (size_t)1 : i); /* k1 twice */
		entries[i].key = keys[i];
		entries[i].value = i == 0 ? big : (char *)"v";
		lp[i] = &entries[i];
	}
	md.name = (char *)"evil\x1b[2J";
	md.attempt = 7;
	s.id = (char *)"abc";
	s.metadata = &md;
	s.state = RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED;
	s.created_at = -5;
	s.n_labels = n_labels;
	s.labels = lp;
	r.status = &s;
	ie.key = (char *)"info";
	ie.value = (char *)info_json;
	if (info_json) {
		r.n_info = 1;
		r.info = &iep;
	}
	n = runtime__v1__container_status_response__get_packed_size(&r);
	ck_assert_int_eq(mti_buf_reserve(b, n), MT_OK);
	runtime__v1__container_status_response__pack(&r, (uint8_t *)b->data);
	b->len = n;
	free(entries);
	free(lp);
	free(big);
	free(keys);
}

START_TEST(cri_caps_and_hostile_info)
{
	struct mti_buf b;
	struct mti_cri_container c;
	char why[128] = "";

	mti_buf_init(&b);
	pack_status(300, "{\"pid\": 99999999, \"sandboxID\": 5, \"privileged\": true}", &b);
	ck_assert_int_eq(
	    mti_cri_container_decode((const uint8_t *)b.data, b.len, "abc", &c, why, sizeof(why)),
	    MT_OK);
	/* 300 labels: the one too long and the repeated one dropped, then 256 kept */
	ck_assert_uint_eq(c.labels.n, MTI_GRPC_MAX_KV);
	ck_assert_uint_eq(c.labels.dropped, 300 - MTI_GRPC_MAX_KV);
	ck_assert_ptr_null(mti_kv_get(&c.labels, "k0"));
	ck_assert_str_eq(mti_kv_get(&c.labels, "k1"), "v");
	ck_assert_ptr_nonnull(strstr(c.notes.text[0], "labels dropped"));
	/* kept as given: the renderers escape */
	ck_assert_str_eq(c.name, "evil\x1b[2J");
	ck_assert_uint_eq(c.attempt, 7);
	ck_assert_str_eq(c.state, "exited");
	ck_assert_int_eq(c.created_ns, 0);
	/* a PID out of range and a sandbox ID of the wrong type are not taken */
	ck_assert_int_eq(c.pid, 0);
	ck_assert_ptr_null(c.sandbox_id);
	ck_assert(c.have_privileged && c.privileged);
	mti_cri_container_clear(&c);

	mti_buf_reset(&b);
	pack_status(1, "[1, 2]", &b);
	ck_assert_int_eq(
	    mti_cri_container_decode((const uint8_t *)b.data, b.len, "abc", &c, why, sizeof(why)),
	    MT_OK);
	ck_assert_uint_eq(c.notes.n, 2);
	ck_assert_ptr_nonnull(strstr(c.notes.text[1], "not a JSON object"));
	mti_cri_container_clear(&c);

	mti_buf_reset(&b);
	pack_status(1, NULL, &b);
	ck_assert_int_eq(
	    mti_cri_container_decode((const uint8_t *)b.data, b.len, "abc", &c, why, sizeof(why)),
	    MT_OK);
	ck_assert_ptr_nonnull(strstr(c.notes.text[c.notes.n - 1], "no verbose info"));
	mti_cri_container_clear(&c);
	mti_buf_free(&b);
}
END_TEST

START_TEST(pids_invalid_and_repeated)
{
	Containerd__Services__Tasks__V1__ListPidsResponse r =
	    CONTAINERD__SERVICES__TASKS__V1__LIST_PIDS_RESPONSE__INIT;
	Containerd__V1__Types__ProcessInfo pi[4], *pp[4];
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	static const uint32_t pids[] = {0, 4194305, 42, 42};
	struct mti_ctd_pids p;
	uint8_t buf[256];
	size_t i, n;
	char why[128] = "";

	/* details of a type that is not the runc shim's are not read as an exec */
	any.type_url = (char *)"types.example.com/evil.Details";
	any.value.data = (uint8_t *)"\x0a\x03"
	                            "abc";
	any.value.len = 5;
	for (i = 0; i < 4; i++) {
		containerd__v1__types__process_info__init(&pi[i]);
		pi[i].pid = pids[i];
		pi[i].info = i == 2 ? &any : NULL;
		pp[i] = &pi[i];
	}
	r.n_processes = 4;
	r.processes = pp;
	n = containerd__services__tasks__v1__list_pids_response__get_packed_size(&r);
	ck_assert_uint_le(n, sizeof(buf));
	containerd__services__tasks__v1__list_pids_response__pack(&r, buf);
	ck_assert_int_eq(mti_ctd_pids_decode(buf, n, &p, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_int_eq(p.items[0].pid, 42);
	ck_assert_ptr_null(p.items[0].exec_id);
	ck_assert_uint_eq(p.notes.n, 2);
	ck_assert_ptr_nonnull(strstr(p.notes.text[0], "unknown type"));
	ck_assert_ptr_nonnull(strstr(p.notes.text[1], "3 processes"));
	mti_ctd_pids_clear(&p);
}
END_TEST

START_TEST(decoding_bounded)
{
	/* 2 MiB of empty ProcessInfo entries (two bytes each) would make
	 * protobuf-c allocate about 50 MiB: refused within the budget */
	size_t n = 1u << 20, i;
	uint8_t *m = malloc(2 * n);
	struct mti_ctd_pids p;
	char why[128] = "";

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < n; i++) {
		m[2 * i] = 0x0a;
		m[2 * i + 1] = 0x00;
	}
	ck_assert_int_eq(mti_ctd_pids_decode(m, 2 * n, &p, why, sizeof(why)), MT_ERR_ENGINE_REPLY);
	ck_assert_ptr_nonnull(strstr(why, "decodes to more than 32 MiB"));
	mti_ctd_pids_clear(&p);

	/* 20000 processes, PID 1 to 20000: the first 4096 kept */
	for (i = 0, n = 0; i < 20000; i++) {
		uint32_t pid = (uint32_t)i + 1;
		uint8_t inner[8];
		size_t k = 0;

		inner[k++] = 0x08; /* pid = 1, varint */
		while (pid >= 0x80) {
			inner[k++] = (uint8_t)(pid | 0x80);
			pid >>= 7;
		}
		inner[k++] = (uint8_t)pid;
		m[n++] = 0x0a;
		m[n++] = (uint8_t)k;
		memcpy(m + n, inner, k);
		n += k;
	}
	ck_assert_int_eq(mti_ctd_pids_decode(m, n, &p, why, sizeof(why)), MT_OK);
	ck_assert_uint_eq(p.n, MTI_GRPC_MAX_PIDS);
	ck_assert(p.truncated);
	ck_assert_int_eq(p.items[MTI_GRPC_MAX_PIDS - 1].pid, MTI_GRPC_MAX_PIDS);
	ck_assert_ptr_nonnull(strstr(p.notes.text[0], "beyond the first 4096"));
	mti_ctd_pids_clear(&p);
	free(m);
}
END_TEST

START_TEST(requests_encoded)
{
	struct mti_buf b;

	mti_buf_init(&b);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CRI_CONTAINER, "abc", &b), MT_OK);
	/* container_id = 1 "abc", verbose = 2 true */
	ck_assert_uint_eq(b.len, 7);
	ck_assert_mem_eq(b.data,
	                 "\x0a\x03"
	                 "abc\x10\x01",
	                 7);
	mti_buf_reset(&b);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_PIDS, "web", &b), MT_OK);
	ck_assert_mem_eq(b.data,
	                 "\x0a\x03"
	                 "web",
	                 5);
	ck_assert_str_eq(mti_rpc_method(MTI_RPC_CTD_PIDS),
	                 "/containerd.services.tasks.v1.Tasks/ListPids");
	ck_assert(mti_rpc_namespaced(MTI_RPC_CTD_IMAGE));
	ck_assert(!mti_rpc_namespaced(MTI_RPC_CRI_POD));
	/* the same-image list: filters = 1 ["image==\"NAME\""] */
	mti_buf_reset(&b);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_CONTAINERS, "docker.io/a/b:1", &b), MT_OK);
	ck_assert_uint_eq(b.len, 2 + 24);
	ck_assert_mem_eq(b.data, "\x0a\x18image==\"docker.io/a/b:1\"", 26);
	/* a name that would need escaping, or an image ID, is never asked */
	ck_assert(!mti_ctd_plain_reference("docker.io/a/b:1\" || image!=\"x"));
	ck_assert(!mti_ctd_plain_reference("sha256:0123"));
	ck_assert(!mti_ctd_plain_reference(""));
	ck_assert(!mti_ctd_plain_reference(NULL));
	ck_assert(mti_ctd_plain_reference("registry.example:5000/team/app@sha256:ab"));
	mti_buf_reset(&b);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_CONTAINERS, "a b", &b), MT_ERR_INVALID_ARG);
	/* Mounts: snapshotter = 1, key = 2, from "SNAPSHOTTER/KEY" */
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_MOUNTS, "overlayfs/web", &b), MT_OK);
	ck_assert_mem_eq(b.data, "\x0a\x09overlayfs\x12\x03web", 16);
	mti_buf_reset(&b);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_MOUNTS, "overlayfs", &b), MT_ERR_INVALID_ARG);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_MOUNTS, "/web", &b), MT_ERR_INVALID_ARG);
	ck_assert_int_eq(mti_rpc_request(MTI_RPC_CTD_TASKS, NULL, &b), MT_OK);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(mti_rpc_method(MTI_RPC_CTD_MOUNTS),
	                 "/containerd.services.snapshots.v1.Snapshots/Mounts");
	mti_buf_free(&b);
}
END_TEST

static Suite *grpc_suite(void)
{
	Suite *s = suite_create("grpc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, frame_round_trip);
	tcase_add_test(tc, frame_refuses_bad_bodies);
	tcase_add_test(tc, status_strict);
	tcase_add_test(tc, message_percent_decoded);
	tcase_add_test(tc, ctd_container_captured);
	tcase_add_test(tc, ctd_container_of_cri);
	tcase_add_test(tc, ctd_image_captured);
	tcase_add_test(tc, ctd_pids_with_exec_ids);
	tcase_add_test(tc, ctd_containers_of_image_captured);
	tcase_add_test(tc, ctd_tasks_captured);
	tcase_add_test(tc, ctd_mounts_captured);
	tcase_add_test(tc, ctd_mounts_and_tasks_hostile);
	tcase_add_test(tc, cri_container_captured);
	tcase_add_test(tc, cri_pod_captured);
	tcase_add_test(tc, cri_version_captured);
	tcase_add_test(tc, ctd_version_decoded);
	tcase_add_test(tc, garbage_refused_by_every_decoder);
	tcase_add_test(tc, cri_caps_and_hostile_info);
	tcase_add_test(tc, pids_invalid_and_repeated);
	tcase_add_test(tc, decoding_bounded);
	tcase_add_test(tc, requests_encoded);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(grpc_suite)
