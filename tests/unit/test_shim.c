/* Unit tests: lib/shim.c, the containerd shim's command line, and whole
 * traces on /proc trees captured from the e2e containerd (ctr run, ctr
 * tasks exec, a CRI pod and a CRI ExecSync). */
#include <check.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "fixture_trace.h"
#include "shim.h"
#include "util.h"

#define SANDBOX "4a17c7ef73ba6586ae98ef96c0b8ce567ef86f33c91bf41de903076f43a03453"
#define CRI_CID "040bdb94854989a0336cb74887dcefc60a3cee3b6271fee872bc47b401ae8383"
#define POD_UID "3c1f9e2a-5b7d-4f60-8a9e-2d4c6b8f0e13"

START_TEST(parse_v2_and_v1)
{
	char *v2[] = {"/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", SANDBOX,
	              "-address", "/run/containerd/containerd.sock"};
	char *v1[] = {"containerd-shim", "-namespace", "moby", "-workdir",
	              "/var/lib/containerd/io.containerd.runtime.v1.linux/moby/x", "-address",
	              "/run/containerd/containerd.sock", "-containerd-binary", "/usr/bin/containerd"};
	char *dashes[] = {"containerd-shim-runc-v2", "--namespace", "default", "--id", "web.1_a-b"};
	struct mti_shim s;

	ck_assert(mti_shim_parse(v2, 7, &s));
	ck_assert_str_eq(s.namespace, "k8s.io");
	ck_assert_str_eq(s.id, SANDBOX);
	ck_assert_str_eq(s.address, "/run/containerd/containerd.sock");
	ck_assert(mti_shim_parse(v1, 9, &s));
	ck_assert_str_eq(s.namespace, "moby");
	ck_assert_ptr_null(s.id);
	ck_assert(mti_shim_parse(dashes, 5, &s));
	ck_assert_str_eq(s.id, "web.1_a-b");
	ck_assert_ptr_null(s.address);
}
END_TEST

START_TEST(parse_refuses)
{
	char *notshim[] = {"/usr/bin/runc", "-namespace", "default", "-id", "x"};
	char *dotdot[] = {"containerd-shim-runc-v2", "-namespace", "..", "-id", "x"};
	char *slash[] = {"containerd-shim-runc-v2", "-namespace", "default", "-id", "a/b"};
	char *noval[] = {"containerd-shim-runc-v2", "-id", "x", "-namespace"};
	char *ctl[] = {"containerd-shim-runc-v2", "-namespace", "def\x1b[2J", "-id", "x"};
	char *relsock[] = {"containerd-shim-runc-v2", "-namespace", "default", "-id", "x",
	                   "-address", "containerd.sock"};
	char longid[100];
	char *toolong[] = {"containerd-shim-runc-v2", "-namespace", "default", "-id", longid};
	struct mti_shim s;

	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	ck_assert(!mti_shim_parse(notshim, 5, &s));
	ck_assert(!mti_shim_parse(dotdot, 5, &s));
	ck_assert(!mti_shim_parse(slash, 5, &s));
	ck_assert(!mti_shim_parse(noval, 4, &s));
	ck_assert(!mti_shim_parse(ctl, 5, &s));
	ck_assert(!mti_shim_parse(toolong, 5, &s));
	ck_assert(!mti_shim_parse(NULL, 0, &s));
	ck_assert(mti_shim_parse(relsock, 7, &s));
	ck_assert_ptr_null(s.address); /* only an absolute socket path is kept */
}
END_TEST

START_TEST(cgroup_match)
{
	ck_assert(mti_shim_cgroup_matches("/default/webapp", "default", "webapp"));
	ck_assert(mti_shim_cgroup_matches("/system.slice/default/webapp", "default", "webapp"));
	ck_assert(!mti_shim_cgroup_matches("/default/webapp2", "default", "webapp"));
	ck_assert(!mti_shim_cgroup_matches("/xdefault/webapp", "default", "webapp"));
	ck_assert(!mti_shim_cgroup_matches("/default", "default", "webapp"));
	ck_assert(!mti_shim_cgroup_matches("/", "default", "webapp"));
	ck_assert(!mti_shim_cgroup_matches(NULL, "default", "webapp"));
}
END_TEST

/* ctr run -d docker.io/xmrig/xmrig:6.21.0 webapp: cgroup /default/webapp,
 * which names no runtime; the shim above it confirms the task. */
START_TEST(real_ctr_run)
{
	struct mt_trace *t = trace_fixture("containerd-v1-ctr-exec", 26258);
	const struct mt_container *c;

	ck_assert_uint_eq(t->n_containers, 1);
	c = &t->containers[0];
	ck_assert_str_eq(c->id, "webapp");
	ck_assert_int_eq(c->runtime, MT_RUNTIME_CONTAINERD);
	ck_assert_int_eq(t->chain[0].container_index, 0);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_RUNTIME_SHIM);
	ck_assert_ptr_nonnull(c->task);
	ck_assert_str_eq(c->task->namespace, "default");
	ck_assert_str_eq(c->task->address, "/tmp/mt-ctd-bb1bebe8/containerd.sock");
	ck_assert_int_eq(c->task->shim_pid, 26238);
	ck_assert(!c->task->cri);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_CONTAINER_INIT);
	ck_assert_msg(!strstr(t->verdict.summary, "could not be placed"), "%s", t->verdict.summary);
	ck_assert_msg(strstr(t->verdict.summary, "runs in containerd container webapp (containerd "
	                                         "namespace default)"),
	              "%s", t->verdict.summary);
	mt_trace_free(t);
}
END_TEST

/* ctr tasks exec --exec-id mt-exec webapp: entered through the shim. */
START_TEST(real_ctr_exec)
{
	struct mt_trace *t = trace_fixture("containerd-v1-ctr-exec", 26873);

	ck_assert_uint_eq(t->n_containers, 1);
	ck_assert_str_eq(t->containers[0].id, "webapp");
	ck_assert_int_eq(t->containers[0].runtime, MT_RUNTIME_CONTAINERD);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_RUNTIME_EXEC);
	ck_assert_int_eq(t->entry.exec_index, -1); /* only the runtime's API knows the exec ID */
	mt_trace_free(t);
}
END_TEST

/* A CRI pod (cgroup parent /kubepods/besteffort/pod<uid>) and an ExecSync
 * into it: the pod's shim is named after the sandbox, not the container. */
START_TEST(real_cri_pod)
{
	static const pid_t pids[] = {26364, 26841};
	size_t i;

	for (i = 0; i < 2; i++) {
		struct mt_trace *t = trace_fixture("containerd-v1-cri-pod", pids[i]);
		const struct mt_container *c = &t->containers[0];

		ck_assert_uint_ge(t->n_containers, 1);
		ck_assert_str_eq(c->id, CRI_CID);
		ck_assert_int_eq(c->runtime, MT_RUNTIME_CONTAINERD);
		ck_assert_str_eq(c->pod_uid, POD_UID);
		ck_assert_ptr_nonnull(c->task);
		ck_assert_str_eq(c->task->namespace, "k8s.io");
		ck_assert(c->task->cri);
		ck_assert_int_eq(t->entry.kind, i == 0 ? MT_ENTRY_INIT_TREE : MT_ENTRY_RUNTIME_EXEC);
		mt_trace_free(t);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("shim");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_v2_and_v1);
	tcase_add_test(tc, parse_refuses);
	tcase_add_test(tc, cgroup_match);
	tcase_add_test(tc, real_ctr_run);
	tcase_add_test(tc, real_ctr_exec);
	tcase_add_test(tc, real_cri_pod);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
