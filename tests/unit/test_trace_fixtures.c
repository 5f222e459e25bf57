/* Unit tests: the whole trace (lib/trace.c, process.c, classify.c) on /proc
 * trees captured from real containers and on hand-made edge cases. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "fixture_trace.h"
#include "util.h"

#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"
#define K8S_CID "4f6c1a3b2e9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99"
#define INNER_CID "9a8b7c6d5e4f30211203f4e5d6c7b8a9a0b1c2d3e4f5061728394a5b6c7d8e9f"

static bool has_warning(const struct mt_trace *t, const char *subject, const char *needle)
{
	size_t i;

	for (i = 0; i < t->n_warnings; i++)
		if (strcmp(t->warnings[i].subject, subject) == 0 &&
		    strstr(t->warnings[i].message, needle))
			return true;
	return false;
}

/* Captured from a real container: init -> sh -> deleted /tmp/kdevtmpfsi. */
START_TEST(real_docker_dropper)
{
	struct mt_trace *t = trace_fixture("docker-v1-dropper", 4599);
	static const pid_t pids[] = {4599, 4598, 4568, 4548, 1};
	static const enum mt_role roles[] = {MT_ROLE_TARGET, MT_ROLE_CONTAINER_PROCESS,
	                                     MT_ROLE_CONTAINER_INIT, MT_ROLE_RUNTIME_SHIM,
	                                     MT_ROLE_HOST};
	const struct mt_process *p;
	char when[40];
	size_t i;

	ck_assert_int_eq(t->status, MT_TRACE_COMPLETE);
	ck_assert_int_eq(t->chain_end, MT_CHAIN_ROOT);
	ck_assert_uint_eq(t->chain_len, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(t->chain[i].pid, pids[i]);
		ck_assert_msg(t->chain[i].role == roles[i], "role of %d is %s", pids[i],
		              mt_role_name(t->chain[i].role));
	}
	ck_assert_uint_eq(t->n_containers, 1);
	ck_assert_str_eq(t->containers[0].id, CID);
	ck_assert_int_eq(t->containers[0].runtime, MT_RUNTIME_DOCKER);
	p = &t->chain[0];
	ck_assert_str_eq(p->comm, "kdevtmpfsi");
	ck_assert_int_eq(p->container_index, 0);
	ck_assert_uint_eq(p->n_nspid, 2);
	ck_assert_int_eq(p->nspid[1], 9);
	ck_assert_str_eq(p->user, "root");
	ck_assert_str_eq(p->exe.path, "/tmp/kdevtmpfsi");
	ck_assert(p->exe.deleted);
	ck_assert(!p->exe.memfd);
	ck_assert_str_eq(p->argv[1], "-o");
	ck_assert_str_eq(p->cwd, "/");
	ck_assert_uint_ne(p->ns_pid, 0);
	/* btime + starttime / CLK_TCK, as an absolute UTC time */
	ck_assert_int_gt(p->start_time_ms, 0);
	mti_format_utc_ms(p->start_time_ms, when, sizeof(when));
	ck_assert(mti_str_starts(when, "2026-11-23T09:4"));
	ck_assert_int_eq(t->chain[2].nspid[1], 1);
	ck_assert_int_eq(t->chain[3].container_index, -1);
	/* a capture cannot show the file systems */
	ck_assert_int_eq(t->origin.kind, MT_ORIGIN_UNKNOWN);
	ck_assert(!p->exe.have_stat);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_INIT_TREE);
	ck_assert_int_eq(t->entry.init_index, 2);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	ck_assert(strstr(t->verdict.summary, "d4abb3cb95d0"));
	ck_assert(!t->evidence.live);
	ck_assert_str_eq(t->evidence.hostname, "vm");
	mt_trace_free(t);
}
END_TEST

/* Captured: a process started with docker exec -u 1000 (no engine here). */
START_TEST(real_docker_exec_without_engine)
{
	struct mt_trace *t = trace_fixture("docker-v1-exec", 5180);

	ck_assert_uint_eq(t->chain_len, 3);
	ck_assert_str_eq(t->chain[0].user, "alice"); /* uid 1000 in the fixture passwd */
	ck_assert_int_eq(t->chain[0].uid[0], 1000);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_RUNTIME_SHIM);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_RUNTIME_EXEC);
	ck_assert_int_eq(t->entry.boundary_index, 1);
	ck_assert_int_eq(t->entry.init_index, -1);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	mt_trace_free(t);
}
END_TEST

START_TEST(kubernetes_containerd)
{
	struct mt_trace *t = trace_fixture("edge-k8s-containerd-v2", 930);

	ck_assert_uint_eq(t->chain_len, 5);
	ck_assert_uint_eq(t->n_containers, 1);
	ck_assert_str_eq(t->containers[0].id, K8S_CID);
	ck_assert_int_eq(t->containers[0].runtime, MT_RUNTIME_CONTAINERD);
	ck_assert_str_eq(t->containers[0].pod_uid, "0f3c8a2e-1b4d-4e6f-9a7c-5d2b8e1f0a3c");
	ck_assert_int_eq(t->containers[0].qos, MT_QOS_BURSTABLE);
	ck_assert_int_eq(t->chain[2].role, MT_ROLE_CONTAINER_INIT);
	ck_assert_int_eq(t->chain[3].role, MT_ROLE_RUNTIME_SHIM);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_INIT_TREE);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	mt_trace_free(t);
}
END_TEST

START_TEST(podman_container_init)
{
	struct mt_trace *t = trace_fixture("edge-podman-v2", 810);

	ck_assert_int_eq(t->containers[0].runtime, MT_RUNTIME_PODMAN);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_RUNTIME_SHIM);
	ck_assert_int_eq(t->chain[1].cgroup.scope, MT_SCOPE_RUNTIME);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_CONTAINER_INIT);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_UNWANTED_IMAGE);
	mt_trace_free(t);
}
END_TEST

START_TEST(docker_in_docker)
{
	struct mt_trace *t = trace_fixture("edge-dind-v1", 730);

	ck_assert_uint_eq(t->n_containers, 2);
	ck_assert_str_eq(t->containers[0].id, INNER_CID);
	ck_assert_uint_eq(t->containers[0].n_outer, 1);
	ck_assert_str_eq(t->containers[0].outer[0].id, K8S_CID);
	ck_assert_str_eq(t->containers[1].id, K8S_CID);
	ck_assert_int_eq(t->chain[1].container_index, 1);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_RUNTIME_SHIM);
	ck_assert_int_eq(t->chain[2].role, MT_ROLE_CONTAINER_INIT);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_CONTAINER_INIT);
	mt_trace_free(t);
}
END_TEST

START_TEST(private_cgroup_namespace_is_not_host)
{
	struct mt_trace *t = trace_fixture("edge-private-cgroupns", 600);

	ck_assert_int_eq(t->chain[0].cgroup.scope, MT_SCOPE_NAMESPACE_ROOT);
	ck_assert_int_eq(t->chain[1].cgroup.scope, MT_SCOPE_OUTSIDE_NAMESPACE);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_UNKNOWN);
	ck_assert(strstr(t->entry.detail, "private cgroup namespace"));
	ck_assert_int_ne(t->verdict.classification, MT_CLASS_HOST_PROCESS);
	mt_trace_free(t);
}
END_TEST

START_TEST(comm_with_parens)
{
	struct mt_trace *t = trace_fixture("edge-comm-parens", 300);

	ck_assert_str_eq(t->chain[0].comm, ":-) 1 2 (x)");
	ck_assert_uint_eq(t->chain[0].argc, 2);
	ck_assert_str_eq(t->chain[0].argv[1], "arg with space");
	ck_assert_int_eq(t->chain[0].ppid, 1);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_HOST);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_HOST_PROCESS);
	mt_trace_free(t);
}
END_TEST

START_TEST(inconsistent_trees)
{
	struct mt_trace *t;

	t = trace_fixture("edge-vanished-parent", 400);
	ck_assert_uint_eq(t->chain_len, 1);
	ck_assert_int_eq(t->chain_end, MT_CHAIN_PARENT_VANISHED);
	ck_assert(has_warning(t, "chain", "exited before it could be read"));
	mt_trace_free(t);

	t = trace_fixture("edge-recycled-parent", 500);
	ck_assert_uint_eq(t->chain_len, 1);
	ck_assert_int_eq(t->chain_end, MT_CHAIN_PID_RECYCLED);
	ck_assert(has_warning(t, "chain", "reused"));
	mt_trace_free(t);

	t = trace_fixture("edge-loop", 601);
	ck_assert_uint_eq(t->chain_len, 2);
	ck_assert_int_eq(t->chain_end, MT_CHAIN_LOOP);
	mt_trace_free(t);

	/* Files missing from a capture are missing, not a process that exited;
	 * an identity that was not read is unknown, not root. */
	t = trace_fixture("edge-missing-files", 801);
	ck_assert_int_eq(t->status, MT_TRACE_COMPLETE);
	ck_assert_uint_eq(t->chain_len, 3);
	ck_assert_int_eq(t->chain_end, MT_CHAIN_ROOT);
	ck_assert_str_eq(t->chain[0].comm, "lonely");
	ck_assert(!t->chain[0].have_ids);
	ck_assert_ptr_null(t->chain[0].user);
	ck_assert_uint_eq(t->chain[0].argc, 0);
	ck_assert(t->chain[1].have_ids);
	ck_assert(has_warning(t, "status", "missing from the captured tree"));
	ck_assert(has_warning(t, "cmdline", "missing from the captured tree"));
	ck_assert(has_warning(t, "cgroup", "missing from the captured tree"));
	ck_assert(!has_warning(t, "process", "exited"));
	mt_trace_free(t);

	/* A stat cut short: the PID exists but cannot be read. */
	t = trace_fixture("edge-missing-files", 802);
	ck_assert_int_eq(t->status, MT_TRACE_UNREADABLE);
	ck_assert_uint_eq(t->chain_len, 0);
	ck_assert(has_warning(t, "stat", "unparseable"));
	mt_trace_free(t);

	t = trace_fixture("edge-garbage-stat", 702);
	ck_assert_uint_eq(t->chain_len, 1);
	ck_assert_int_eq(t->chain_end, MT_CHAIN_UNREADABLE);
	ck_assert(has_warning(t, "stat", "unparseable"));
	mt_trace_free(t);
}
END_TEST

START_TEST(missing_pid_and_recycled_target)
{
	struct mt_options o;
	struct mt_session *s = NULL;
	struct mt_trace *t = NULL;

	t = trace_fixture("docker-v1-dropper", 12345);
	ck_assert_int_eq(t->status, MT_TRACE_NOT_FOUND);
	ck_assert_uint_eq(t->chain_len, 0);
	mt_trace_free(t);

	mt_options_init(&o);
	o.proc_root = MT_FIXTURES_DIR "/proc/docker-v1-dropper";
	o.no_engine = true;
	ck_assert_int_eq(mt_session_new(&o, &s, NULL, 0), MT_OK);
	ck_assert_int_eq(mt_trace_pid_checked(s, 4599, 199883, &t), MT_OK);
	ck_assert_int_eq(t->status, MT_TRACE_COMPLETE);
	mt_trace_free(t);
	ck_assert_int_eq(mt_trace_pid_checked(s, 4599, 1, &t), MT_OK);
	ck_assert_int_eq(t->status, MT_TRACE_VANISHED);
	ck_assert_uint_eq(t->chain_len, 0);
	ck_assert(has_warning(t, "process", "different process"));
	mt_trace_free(t);
	ck_assert_int_eq(mt_trace_pid(s, 0, &t), MT_ERR_INVALID_ARG);
	ck_assert_ptr_null(t);
	mt_session_free(s);
}
END_TEST

START_TEST(bad_proc_root)
{
	struct mt_options o;
	struct mt_session *s = NULL;
	char detail[128];

	mt_options_init(&o);
	o.proc_root = MT_FIXTURES_DIR "/no/such/dir";
	ck_assert_int_ne(mt_session_new(&o, &s, detail, sizeof(detail)), MT_OK);
	ck_assert_ptr_null(s);
	ck_assert(strstr(detail, "no such directory"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("trace_fixtures");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_docker_dropper);
	tcase_add_test(tc, real_docker_exec_without_engine);
	tcase_add_test(tc, kubernetes_containerd);
	tcase_add_test(tc, podman_container_init);
	tcase_add_test(tc, docker_in_docker);
	tcase_add_test(tc, private_cgroup_namespace_is_not_host);
	tcase_add_test(tc, comm_with_parens);
	tcase_add_test(tc, inconsistent_trees);
	tcase_add_test(tc, missing_pid_and_recycled_target);
	tcase_add_test(tc, bad_proc_root);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
