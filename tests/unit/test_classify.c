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
		if (strcmp(t->verdict.signals[i].id, "fileless") == 0)
			fileless = true;
	ck_assert(fileless);
	mt_trace_free(t);
}
END_TEST

START_TEST(scratch_paths)
{
	ck_assert(mti_is_scratch_path("/tmp/x"));
	ck_assert(mti_is_scratch_path("/var/tmp/.x/y"));
	ck_assert(mti_is_scratch_path("/dev/shm/m"));
	ck_assert(!mti_is_scratch_path("/tmpx/y"));
	ck_assert(!mti_is_scratch_path("/usr/bin/tmp/x"));
	ck_assert(!mti_is_scratch_path(NULL));
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
	tcase_add_test(tc, scratch_paths);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
