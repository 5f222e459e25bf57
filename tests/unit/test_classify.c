/* Unit tests: lib/classify.c on traces built in memory, for the cases a
 * captured tree cannot show (nsenter, --pid host, engine facts). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "classify.h"
#include "trace_model.h"
#include "util.h"

#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"
#define PIDNS 4026532500u

static struct mt_trace *new_trace(void)
{
	struct mt_trace *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	t->chain = calloc(8, sizeof(*t->chain));
	t->containers = calloc(1, sizeof(*t->containers));
	ck_assert(t->chain && t->containers);
	t->containers[0].id = mti_strdup(CID);
	t->containers[0].runtime = MT_RUNTIME_DOCKER;
	t->n_containers = 1;
	t->origin.lower_index = -1;
	return t;
}

/* Appends a process; nsinner 0 = host PID namespace only. */
static struct mt_process *add(struct mt_trace *t, pid_t pid, const char *comm, pid_t nsinner,
                              int container)
{
	struct mt_process *p = &t->chain[t->chain_len++];

	p->pid = pid;
	p->comm = mti_strdup(comm);
	p->nspid[0] = pid;
	p->n_nspid = 1;
	if (nsinner) {
		p->nspid[1] = nsinner;
		p->n_nspid = 2;
		p->ns_pid = PIDNS;
	} else {
		p->ns_pid = 4026531836u;
	}
	p->container_index = container;
	p->cgroup.scope = container >= 0 ? MT_SCOPE_CONTAINER : MT_SCOPE_HOST;
	p->cgroup.path = mti_strdup(container >= 0 ? "/docker/" CID : "/user.slice");
	return p;
}

static void classify(struct mt_trace *t)
{
	mti_classify_roles(t);
	ck_assert_int_eq(mti_classify_entry(t), MT_OK);
	ck_assert_int_eq(mti_classify_verdict(t), MT_OK);
}

START_TEST(host_process)
{
	struct mt_trace *t = new_trace();

	t->n_containers = 1;
	add(t, 300, "xmrig", 0, -1);
	add(t, 1, "systemd", 0, -1);
	classify(t);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_HOST);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_HOST_PROCESS);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_HOST);
	mt_trace_free(t);
}
END_TEST

START_TEST(nsenter_from_host)
{
	struct mt_trace *t = new_trace();

	/* in the container's PID namespace but not its cgroup (container found via pidns) */
	add(t, 500, "xmrig", 30, 0)->cgroup.scope = MT_SCOPE_HOST;
	add(t, 499, "nsenter", 0, -1);
	add(t, 1, "systemd", 0, -1);
	classify(t);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_SETNS);
	ck_assert_int_eq(t->entry.boundary_index, 1);
	ck_assert(strstr(t->entry.detail, "nsenter"));
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	mt_trace_free(t);
}
END_TEST

START_TEST(runtime_exec)
{
	struct mt_trace *t = new_trace();

	add(t, 600, "xmrig", 12, 0);
	add(t, 590, "containerd-shim", 0, -1);
	add(t, 1, "systemd", 0, -1);
	classify(t);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_RUNTIME_SHIM);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_RUNTIME_EXEC);
	mt_trace_free(t);
}
END_TEST

START_TEST(pid_host_container_needs_the_engine)
{
	struct mt_trace *t = new_trace();

	add(t, 700, "miner", 0, 0);
	add(t, 690, "containerd-shim", 0, -1);
	add(t, 1, "systemd", 0, -1);
	classify(t);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_UNKNOWN);
	ck_assert(strstr(t->entry.detail, "host PID namespace"));

	/* the engine names the init */
	t->containers[0].engine = calloc(1, sizeof(struct mt_engine_container));
	t->containers[0].engine->init_pid = 700;
	t->containers[0].engine->target_change = -1;
	classify(t);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_CONTAINER_INIT);
	mt_trace_free(t);
}
END_TEST

START_TEST(pid_host_init_tree_from_engine)
{
	struct mt_trace *t = new_trace();

	add(t, 710, "miner", 0, 0);
	add(t, 705, "app", 0, 0);
	add(t, 690, "containerd-shim", 0, -1);
	t->containers[0].engine = calloc(1, sizeof(struct mt_engine_container));
	t->containers[0].engine->init_pid = 705;
	classify(t);
	ck_assert_int_eq(t->chain[1].role, MT_ROLE_CONTAINER_INIT);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_INIT_TREE);
	ck_assert_int_eq(t->entry.init_index, 1);
	mt_trace_free(t);
}
END_TEST

START_TEST(docker_exec_confirmed)
{
	struct mt_trace *t = new_trace();
	struct mt_engine_container *ec;

	add(t, 801, "xmrig", 14, 0);
	add(t, 800, "sh", 13, 0);
	add(t, 590, "containerd-shim", 0, -1);
	ec = calloc(1, sizeof(*ec));
	ec->execs = calloc(2, sizeof(*ec->execs));
	ec->n_execs = 2;
	ec->execs[0].pid = 4242;
	ec->execs[0].chain_index = -1;
	ec->execs[1].id =
	    mti_strdup("86054809e9607f4b6ba9b9e61cd00c52958937892584d298bdc825c4648778f9");
	ec->execs[1].pid = 800;
	ec->execs[1].user = mti_strdup("1000");
	ec->execs[1].chain_index = -1;
	t->containers[0].engine = ec;
	classify(t);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_DOCKER_EXEC);
	ck_assert_int_eq(t->entry.exec_index, 1);
	ck_assert_int_eq(ec->execs[1].chain_index, 1);
	ck_assert_int_eq(ec->execs[0].chain_index, -1);
	ck_assert(strstr(t->entry.detail, "\"1000\""));
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	mt_trace_free(t);
}
END_TEST

START_TEST(image_init_vs_dropped_init)
{
	struct mt_trace *t = new_trace();
	size_t i;
	bool saw_local = false;

	add(t, 900, "xmrig", 1, 0);
	add(t, 890, "containerd-shim", 0, -1);
	t->origin.kind = MT_ORIGIN_IMAGE_LAYER;
	t->containers[0].engine = calloc(1, sizeof(struct mt_engine_container));
	t->containers[0].engine->have_image = true;
	t->containers[0].engine->image.source = MT_IMAGE_SOURCE_LOCAL;
	t->containers[0].engine->target_change = -1;
	classify(t);
	ck_assert_int_eq(t->entry.kind, MT_ENTRY_CONTAINER_INIT);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_UNWANTED_IMAGE);
	for (i = 0; i < t->verdict.n_signals; i++)
		if (strcmp(t->verdict.signals[i].id, "image-local") == 0)
			saw_local = true;
	ck_assert(saw_local);
	mt_trace_free(t);

	t = new_trace();
	add(t, 900, "xmrig", 1, 0)->exe.path = mti_strdup("/tmp/x");
	add(t, 890, "containerd-shim", 0, -1);
	t->origin.kind = MT_ORIGIN_WRITABLE_LAYER;
	classify(t);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	mt_trace_free(t);
}
END_TEST

START_TEST(fileless_and_runtime_memfd)
{
	struct mt_trace *t = new_trace();
	struct mt_process *p;
	size_t i;
	bool fileless = false;

	add(t, 901, "kworker", 5, 0);
	p = add(t, 900, "init", 1, 0);
	(void)p;
	t->chain[0].exe.readable = true;
	t->chain[0].exe.memfd = true;
	t->chain[0].exe.memfd_name = mti_strdup("x (deleted)");
	t->chain[0].exe.path = mti_strdup("/memfd:x");
	t->origin.kind = MT_ORIGIN_MEMFD;
	classify(t);
	ck_assert_int_eq(t->verdict.classification, MT_CLASS_INTRODUCED);
	for (i = 0; i < t->verdict.n_signals; i++)
		if (strcmp(t->verdict.signals[i].id, "fileless") == 0) {
			fileless = true;
			/* the verdict's words, the catalogue's points (shown by a scan) */
			ck_assert_str_eq(t->verdict.signals[i].detail,
			                 "runs from memfd \"x (deleted)\"");
			ck_assert_int_eq(t->verdict.signals[i].points, 30);
		}
	ck_assert(fileless);
	mt_trace_free(t);
}
END_TEST

/* The entry kind, words of its detail and the verdict of a classified trace. */
static void expect_entry(const struct mt_trace *t, enum mt_entry_kind kind, const char *words,
                         enum mt_classification cls)
{
	ck_assert_int_eq(t->entry.kind, kind);
	ck_assert_msg(strstr(t->entry.detail, words), "entry detail \"%s\" lacks \"%s\"",
	              t->entry.detail, words);
	ck_assert_int_eq(t->verdict.classification, cls);
}

/* A classified trace of xmrig, PID nsinner of a private PID namespace, in
 * no container, under a host parent. */
static struct mt_trace *private_ns_trace(pid_t nsinner, const char *parent)
{
	struct mt_trace *t = new_trace();

	add(t, 1300, "xmrig", nsinner, -1);
	add(t, 1290, parent, 0, -1);
	classify(t);
	return t;
}

/* A private PID namespace (unshare -fp) with host cgroups: no container. */
START_TEST(private_pid_namespace_is_no_container)
{
	struct mt_trace *t = new_trace();
	size_t i;

	add(t, 1200, "xmrig", 2, -1);
	add(t, 1190, "sh", 1, -1);
	add(t, 1180, "unshare", 0, -1);
	classify(t);
	expect_entry(t, MT_ENTRY_PRIVATE_PIDNS,
	             "private PID namespace (PID 2 in it, whose init is sh", MT_CLASS_HOST_PROCESS);
	ck_assert(strstr(t->verdict.summary, "runs on the host"));
	ck_assert(!strstr(t->verdict.summary, "entrypoint"));
	for (i = 1; i < t->chain_len; i++)
		ck_assert_int_eq(t->chain[i].role, MT_ROLE_HOST);
	ck_assert(!mti_in_target_container(t, 0));
	mt_trace_free(t);

	/* the target is the namespace's init: not the container-init entry */
	t = private_ns_trace(1, "unshare");
	expect_entry(t, MT_ENTRY_PRIVATE_PIDNS, "PID 1 in it, whose init is xmrig",
	             MT_CLASS_HOST_PROCESS);
	mt_trace_free(t);

	/* captured tree, init not in the chain: cannot be told */
	t = private_ns_trace(7, "nsenter");
	expect_entry(t, MT_ENTRY_UNKNOWN, "cannot be told", MT_CLASS_UNKNOWN);
	mt_trace_free(t);
}
END_TEST

/* A host process moved into the container's cgroup: its namespaces are
 * the host's, not the init's. */
START_TEST(cgroup_only_is_not_setns)
{
	struct mt_trace *t = new_trace();
	struct mt_process init = {0};
	char names[64];
	size_t i;
	bool saw = false;

	add(t, 1500, "xmrig", 0, 0)->uid[0] = 0;
	t->chain[0].have_ids = true;
	t->chain[0].ns_mnt = 4026531840u;
	t->chain[0].ns_net = 4026531992u;
	add(t, 1490, "bash", 0, -1);
	init.pid = 1450;
	init.ns_pid = PIDNS;
	init.ns_mnt = 4026532600u;
	init.ns_net = 4026531992u;
	mti_compare_namespaces(&t->chain[0], &init, &t->entry.ns);
	ck_assert_int_eq(t->entry.ns.init_pid, 1450);
	ck_assert_uint_eq(t->entry.ns.differ, MT_NS_PID | MT_NS_MNT);
	ck_assert_uint_eq(t->entry.ns.shared, MT_NS_NET);
	ck_assert_str_eq(mti_ns_names(t->entry.ns.differ, names, sizeof(names)), "pid, mnt");
	t->containers[0].engine = calloc(1, sizeof(struct mt_engine_container));
	t->containers[0].engine->init_pid = 1450;
	t->containers[0].engine->privileged = true;
	t->containers[0].engine->target_change = -1;
	classify(t);
	ck_assert(mti_cgroup_only(t));
	expect_entry(t, MT_ENTRY_CGROUP_ONLY,
	             "not in its namespaces: moved there from the host (its pid, mnt namespaces "
	             "differ from those of the container's init, PID 1450; shared: net)",
	             MT_CLASS_MOVED_INTO_CGROUP);
	ck_assert(strstr(t->verdict.summary, "is in the cgroup of docker container"));
	ck_assert(!mti_in_target_container(t, 0));
	for (i = 0; i < t->verdict.n_signals; i++) {
		saw |= strcmp(t->verdict.signals[i].id, "cgroup-only") == 0;
		ck_assert_str_ne(t->verdict.signals[i].id, "root-in-container");
		ck_assert_str_ne(t->verdict.signals[i].id, "privileged");
		ck_assert_str_ne(t->verdict.signals[i].id, "entered-from-outside");
	}
	ck_assert(saw);

	/* nsenter into the PID namespace only (mount namespace kept): setns */
	t->chain[0].nspid[1] = 40;
	t->chain[0].n_nspid = 2;
	t->chain[0].ns_pid = PIDNS;
	mti_compare_namespaces(&t->chain[0], &init, &t->entry.ns);
	classify(t);
	ck_assert(!mti_cgroup_only(t));
	expect_entry(t, MT_ENTRY_SETNS, "not in the mnt namespace of the container's init",
	             MT_CLASS_INTRODUCED);
	mt_trace_free(t);
}
END_TEST

/* A kernel thread: no executable, no container; not a cgroup namespace. */
START_TEST(kernel_thread)
{
	struct mt_trace *t = new_trace();

	add(t, 3, "kworker/0:0", 0, -1)->kernel_thread = true;
	t->chain[0].cgroup.scope = MT_SCOPE_NAMESPACE_ROOT;
	add(t, 2, "kthreadd", 0, -1)->kernel_thread = true;
	classify(t);
	expect_entry(t, MT_ENTRY_KERNEL_THREAD, "no executable", MT_CLASS_HOST_PROCESS);
	ck_assert(strstr(t->verdict.summary, "is a kernel thread"));
	ck_assert(!strstr(t->verdict.summary, "cgroup namespace"));
	ck_assert(!strstr(t->entry.detail, "cgroup namespace"));
	mt_trace_free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, host_process);
	tcase_add_test(tc, nsenter_from_host);
	tcase_add_test(tc, runtime_exec);
	tcase_add_test(tc, pid_host_container_needs_the_engine);
	tcase_add_test(tc, pid_host_init_tree_from_engine);
	tcase_add_test(tc, docker_exec_confirmed);
	tcase_add_test(tc, image_init_vs_dropped_init);
	tcase_add_test(tc, fileless_and_runtime_memfd);
	tcase_add_test(tc, private_pid_namespace_is_no_container);
	tcase_add_test(tc, cgroup_only_is_not_setns);
	tcase_add_test(tc, kernel_thread);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
