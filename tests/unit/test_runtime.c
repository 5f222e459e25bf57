/* Unit tests: lib/runtime.c, the choice of a backend per container behind
 * the table of operations (two fake backends stand in for Docker and a
 * next runtime), and lib/host.c, the host's facts from a captured tree. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "host.h"
#include "members.h"
#include "runtime.h"
#include "trace_model.h"
#include "util.h"

#define DOCKER_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* What a fake backend was asked. */
struct fake {
	const char *name;
	enum mt_runtime kind; /* the containers it serves */
	int opened;
	char asked[256]; /* "prefetch:<id>;describe:<id>;..." */
	unsigned requests;
	struct mti_reply ping;
};

static struct fake fake_a = {"A", MT_RUNTIME_DOCKER, 0, "", 0, {0}};
static struct fake fake_b = {"B", MT_RUNTIME_CONTAINERD, 0, "", 0, {0}};

static void note(struct fake *f, const char *what, const char *id)
{
	size_t len = strlen(f->asked);

	snprintf(f->asked + len, sizeof(f->asked) - len, "%s:%s;", what, id ? id : "-");
	f->requests++;
}

static struct fake *fake_of(struct mti_backend *b)
{
	return (struct fake *)(void *)b;
}

static bool a_serves(const char *endpoint, const char *id, enum mt_runtime runtime)
{
	(void)endpoint;
	return id && runtime == fake_a.kind;
}

static bool b_serves(const char *endpoint, const char *id, enum mt_runtime runtime)
{
	(void)endpoint;
	return id && runtime == fake_b.kind;
}

static struct mti_backend *a_open(const struct mti_runtime_config *cfg)
{
	ck_assert_str_eq(cfg->endpoint, "unix:///run/x.sock");
	fake_a.opened++;
	return (struct mti_backend *)(void *)&fake_a;
}

static struct mti_backend *b_open(const struct mti_runtime_config *cfg)
{
	(void)cfg;
	fake_b.opened++;
	return (struct mti_backend *)(void *)&fake_b;
}

static void fake_close(struct mti_backend *b)
{
	fake_of(b)->opened = -fake_of(b)->opened;
}

static enum mt_err fake_prefetch(struct mti_backend *b, char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		note(fake_of(b), "prefetch", ids[i]);
	return MT_OK;
}

static enum mt_err fake_describe(struct mti_backend *b, struct mt_trace *t, struct mt_container *c,
                                 const char *target_exe_path)
{
	(void)t;
	note(fake_of(b), "describe", c->id);
	note(fake_of(b), "exe", target_exe_path);
	return MT_OK;
}

static enum mt_err fake_same_image(struct mti_backend *b, struct mt_trace *t, const char *own_id,
                                   const char *image_id, struct mt_spread_image *si)
{
	(void)t;
	(void)own_id;
	note(fake_of(b), "same_image", image_id);
	si->checked = true;
	return MT_OK;
}

static enum mt_err fake_upper_dir(struct mti_backend *b, const char *own_id, const char *id,
                                  char **upper)
{
	ck_assert_str_eq(own_id, "c1");
	note(fake_of(b), "upper", id);
	*upper = mti_strdup("/upper");
	return *upper ? MT_OK : MT_ERR_NOMEM;
}

static bool fake_replies(const struct mti_backend *b, const char *id, mti_reply_visit visit,
                         void *ctx)
{
	const struct fake *f = (const struct fake *)(const void *)b;

	if (id)
		return false;
	visit(ctx, f->name, &f->ping);
	return true;
}

static unsigned fake_requests(const struct mti_backend *b)
{
	return ((const struct fake *)(const void *)b)->requests;
}

static const struct mti_runtime_ops ops_a = {
    .api = "A API",
    .serves = a_serves,
    .open = a_open,
    .close = fake_close,
    .prefetch = fake_prefetch,
    .describe = fake_describe,
    .same_image = fake_same_image,
    .upper_dir = fake_upper_dir,
    .replies = fake_replies,
    .requests = fake_requests,
};

/* B differs from A in its name, the containers it serves and its state. */
static struct mti_runtime_ops ops_b;

static const struct mti_runtime_ops *const two[] = {&ops_a, &ops_b};
static const struct mti_runtime_config cfg = {.endpoint = "unix:///run/x.sock", .timeout_ms = 100};

static void reset(void)
{
	ops_b = ops_a;
	ops_b.api = "B API";
	ops_b.serves = b_serves;
	ops_b.open = b_open;
	fake_a.opened = fake_b.opened = 0;
	fake_a.asked[0] = fake_b.asked[0] = '\0';
	fake_a.requests = fake_b.requests = 0;
}

static void visit_name(void *ctx, const char *name, const struct mti_reply *r)
{
	(void)r;
	strcat(ctx, name);
}

START_TEST(each_container_goes_to_its_backend)
{
	struct mt_container docker = {.id = "d1", .runtime = MT_RUNTIME_DOCKER};
	struct mt_container ctrd = {.id = "c1", .runtime = MT_RUNTIME_CONTAINERD};
	struct mti_runtime *rt;
	struct mt_trace t;
	char seen[16] = "";

	reset();
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(mti_runtime_new_with(&cfg, two, 2, &rt), MT_OK);
	ck_assert_int_eq(fake_a.opened + fake_b.opened, 0); /* nothing opened yet */
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &ctrd, "/bin/x"), MT_OK);
	ck_assert_int_eq(fake_a.opened, 0);
	ck_assert_int_eq(fake_b.opened, 1);
	ck_assert_str_eq(fake_b.asked, "describe:c1;exe:/bin/x;");
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &docker, NULL), MT_OK);
	ck_assert_int_eq(fake_a.opened, 1);
	ck_assert_str_eq(fake_a.asked, "describe:d1;exe:-;");
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &docker, NULL), MT_OK);
	ck_assert_int_eq(fake_a.opened, 1); /* opened once per session */
	ck_assert_uint_eq(mti_runtime_requests(rt), 6);
	ck_assert(mti_runtime_replies(rt, NULL, visit_name, seen));
	ck_assert_str_eq(seen, "AB");
	ck_assert_uint_eq(t.n_warnings, 0);
	mti_runtime_free(rt);
	ck_assert_int_eq(fake_a.opened, -1); /* closed */
	ck_assert_int_eq(fake_b.opened, -1);
}
END_TEST

START_TEST(a_container_none_serves_is_a_warning)
{
	struct mt_container crio = {.id = DOCKER_ID, .runtime = MT_RUNTIME_CRIO};
	struct mti_runtime *rt;
	struct mt_trace t;

	reset();
	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(mti_runtime_new_with(&cfg, two, 2, &rt), MT_OK);
	ck_assert(!mti_runtime_serves(rt, crio.id, crio.runtime));
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &crio, NULL), MT_OK);
	ck_assert_int_eq(fake_a.opened + fake_b.opened, 0);
	ck_assert_uint_eq(t.n_warnings, 1);
	ck_assert_int_eq(t.warnings[0].code, MT_ERR_UNSUPPORTED);
	ck_assert_str_eq(t.warnings[0].message,
	                 "cri-o container 0123456789ab is not served by the A API or the B API: "
	                 "not asked");
	mti_runtime_free(rt);
	mti_warnings_free(t.warnings, t.n_warnings);
}
END_TEST

START_TEST(the_job_asks_each_backend_its_own_containers)
{
	const struct mt_container_ref refs[] = {{"d1", MT_RUNTIME_DOCKER},
	                                        {"c1", MT_RUNTIME_CONTAINERD},
	                                        {"x1", MT_RUNTIME_CRIO},
	                                        {"d2", MT_RUNTIME_DOCKER}};
	struct mti_runtime_job *job;
	struct mti_runtime *rt;

	reset();
	ck_assert_int_eq(mti_runtime_new_with(&cfg, two, 2, &rt), MT_OK);
	ck_assert_int_eq(mti_runtime_job_start(rt, refs, 4, &job), MT_OK);
	ck_assert_ptr_nonnull(job);
	mti_runtime_job_wait_loaded(job);
	ck_assert_int_eq(fake_a.opened, 1);
	ck_assert_int_eq(fake_b.opened, 1);
	ck_assert_int_eq(mti_runtime_job_wait(job), MT_OK);
	ck_assert_str_eq(fake_a.asked, "prefetch:d1;prefetch:d2;");
	ck_assert_str_eq(fake_b.asked, "prefetch:c1;");
	mti_runtime_free(rt);
}
END_TEST

static bool b_serves_unknown_too(const char *endpoint, const char *id, enum mt_runtime runtime)
{
	return b_serves(endpoint, id, runtime) || (id && runtime == MT_RUNTIME_UNKNOWN);
}

/* A container whose runtime the cgroup does not tell is asked ahead of
 * every backend that may own it; describe asks the first. */
START_TEST(the_job_asks_every_backend_that_may_own_a_container)
{
	const struct mt_container_ref refs[] = {{"u1", MT_RUNTIME_UNKNOWN},
	                                        {"c1", MT_RUNTIME_CONTAINERD}};
	struct mt_container unknown = {.id = "u1", .runtime = MT_RUNTIME_UNKNOWN};
	struct mti_runtime_job *job;
	struct mti_runtime *rt;
	struct mt_trace t;

	reset();
	memset(&t, 0, sizeof(t));
	ops_b.serves = b_serves_unknown_too;
	fake_a.kind = MT_RUNTIME_UNKNOWN;
	ck_assert_int_eq(mti_runtime_new_with(&cfg, two, 2, &rt), MT_OK);
	ck_assert_int_eq(mti_runtime_job_start(rt, refs, 2, &job), MT_OK);
	ck_assert_int_eq(mti_runtime_job_wait(job), MT_OK);
	ck_assert_str_eq(fake_a.asked, "prefetch:u1;");
	ck_assert_str_eq(fake_b.asked, "prefetch:u1;prefetch:c1;");
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &unknown, NULL), MT_OK);
	ck_assert_str_eq(fake_a.asked, "prefetch:u1;describe:u1;exe:-;");
	fake_a.kind = MT_RUNTIME_DOCKER;
	mti_runtime_free(rt);
}
END_TEST

START_TEST(the_spread_asks_the_backend_of_its_container)
{
	struct mt_engine_container ec = {.image_id = "sha256:1"};
	struct mt_container own = {.id = "c1", .runtime = MT_RUNTIME_CONTAINERD, .engine = &ec};
	struct mt_spread_image si;
	struct mti_runtime *rt;
	struct mt_trace t;
	char *upper = NULL;

	reset();
	memset(&t, 0, sizeof(t));
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(mti_runtime_new_with(&cfg, two, 2, &rt), MT_OK);
	ck_assert_int_eq(mti_runtime_same_image(rt, &t, &own, &si), MT_OK);
	ck_assert(si.checked);
	ck_assert_int_eq(mti_runtime_upper_dir(rt, &own, "c2", &upper), MT_OK);
	ck_assert_str_eq(upper, "/upper");
	free(upper);
	ck_assert_str_eq(fake_b.asked, "same_image:sha256:1;upper:c2;");
	ck_assert_str_eq(fake_a.asked, "");
	mti_runtime_free(rt);
}
END_TEST

START_TEST(no_runtime_asks_nothing)
{
	struct mt_container docker = {.id = DOCKER_ID, .runtime = MT_RUNTIME_DOCKER};
	const struct mt_container_ref ref = {DOCKER_ID, MT_RUNTIME_DOCKER};
	struct mti_runtime_job *job = (struct mti_runtime_job *)&job;
	struct mt_trace t;
	char *upper = (char *)"x";

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(mti_runtime_describe(NULL, &t, &docker, NULL), MT_OK);
	ck_assert_int_eq(mti_runtime_job_start(NULL, &ref, 1, &job), MT_OK);
	ck_assert_ptr_null(job);
	ck_assert_int_eq(mti_runtime_upper_dir(NULL, &docker, DOCKER_ID, &upper), MT_OK);
	ck_assert_ptr_null(upper);
	ck_assert_uint_eq(mti_runtime_requests(NULL), 0);
	ck_assert_uint_eq(t.n_warnings, 0);
	/* whether a runtime could be asked: the table's Docker backend, and
	 * the containerd backend for containerd's tasks (any ID a user gave)
	 * and, through the CRI, CRI-O's containers; not LXC's */
	ck_assert(mti_runtime_serves(NULL, DOCKER_ID, MT_RUNTIME_DOCKER));
	ck_assert(mti_runtime_serves(NULL, DOCKER_ID, MT_RUNTIME_PODMAN));
	ck_assert(mti_runtime_serves(NULL, DOCKER_ID, MT_RUNTIME_CONTAINERD));
	ck_assert(mti_runtime_serves(NULL, "webapp", MT_RUNTIME_CONTAINERD));
	ck_assert(mti_runtime_serves(NULL, DOCKER_ID, MT_RUNTIME_CRIO));
	ck_assert(!mti_runtime_serves(NULL, DOCKER_ID, MT_RUNTIME_LXC));
	ck_assert(!mti_runtime_serves(NULL, "0123", MT_RUNTIME_DOCKER));
}
END_TEST

/* The containerd backend asks the containerd the shim names: with no
 * socket there, one warning, one request, no runtime facts, and the
 * exec IDs are not asked of a containerd that is gone. */
START_TEST(containerd_backend_unreachable)
{
	struct mt_runtime_task task = {.namespace = (char *)"default",
	                               .address = (char *)"/nonexistent/containerd.sock"};
	struct mt_container ctrd = {
	    .id = "webapp", .runtime = MT_RUNTIME_CONTAINERD, .task = &task};
	const struct mti_runtime_ops *const ctd[] = {&mti_runtime_containerd};
	struct mti_runtime *rt;
	struct mt_trace t;
	char seen[128] = "";

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(mti_runtime_new_with(&cfg, ctd, 1, &rt), MT_OK);
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &ctrd, NULL), MT_OK);
	ck_assert_ptr_null(ctrd.engine);
	ck_assert(t.engine.enabled && !t.engine.reachable);
	ck_assert_str_eq(t.engine.endpoint, "unix:///nonexistent/containerd.sock");
	ck_assert_uint_eq(mti_runtime_requests(rt), 1);
	ck_assert_uint_eq(t.n_warnings, 1);
	ck_assert_ptr_nonnull(strstr(t.warnings[0].message, "no such socket"));
	ck_assert_int_eq(t.warnings[0].code, MT_ERR_ENGINE_UNREACHABLE);
	/* asked once per session: a second trace adds a warning, no request */
	ck_assert_int_eq(mti_runtime_describe(rt, &t, &ctrd, NULL), MT_OK);
	ck_assert_uint_eq(mti_runtime_requests(rt), 1);
	ck_assert(mti_runtime_replies(rt, "webapp", visit_name, seen));
	ck_assert_str_eq(seen, "containerd-container.pbcontainerd-pids.pb");
	mti_runtime_free(rt);
	mti_warnings_free(t.warnings, t.n_warnings);
	free(t.engine.endpoint);
}
END_TEST

/* The exec IDs (ListPids) are asked only when /proc cannot rule out a
 * live exec: with the container's processes all listed as one tree (its
 * init's), not asked; with a second root (a process whose parent is
 * outside the container, as an exec's is), or a list cut short, asked. */
START_TEST(containerd_exec_ids_only_when_an_exec_may_run)
{
	struct mt_runtime_task task = {.namespace = (char *)"default",
	                               .address = (char *)"/nonexistent/containerd.sock"};
	struct mt_member one_tree[] = {{.pid = 100, .ppid = 50}, {.pid = 101, .ppid = 100},
	                               {.pid = 102, .ppid = 101}};
	struct mt_member two_roots[] = {{.pid = 100, .ppid = 50}, {.pid = 101, .ppid = 100},
	                                {.pid = 140, .ppid = 50}};
	struct mt_container c[] = {
	    {.id = (char *)"t1", .runtime = MT_RUNTIME_CONTAINERD, .task = &task,
	     .have_members = true, .members = one_tree, .n_members = 3},
	    {.id = (char *)"t2", .runtime = MT_RUNTIME_CONTAINERD, .task = &task,
	     .have_members = true, .members = two_roots, .n_members = 3},
	    {.id = (char *)"t3", .runtime = MT_RUNTIME_CONTAINERD, .task = &task,
	     .have_members = true, .members = one_tree, .n_members = 3, .members_truncated = true},
	    {.id = (char *)"t4", .runtime = MT_RUNTIME_CONTAINERD, .task = &task},
	};
	const char *const want[] = {"containerd-container.pb",
	                            "containerd-container.pbcontainerd-pids.pb",
	                            "containerd-container.pbcontainerd-pids.pb",
	                            "containerd-container.pbcontainerd-pids.pb"};
	const struct mti_runtime_ops *const ctd[] = {&mti_runtime_containerd};
	struct mti_runtime *rt;
	struct mt_trace t;
	size_t i;

	memset(&t, 0, sizeof(t));
	ck_assert(mti_members_one_tree(&c[0]));
	ck_assert(!mti_members_one_tree(&c[1]));
	ck_assert(!mti_members_one_tree(&c[2]));
	ck_assert(!mti_members_one_tree(&c[3]));
	ck_assert_int_eq(mti_runtime_new_with(&cfg, ctd, 1, &rt), MT_OK);
	for (i = 0; i < MTI_ARRAY_LEN(c); i++) {
		char seen[128] = "";

		ck_assert_int_eq(mti_runtime_describe(rt, &t, &c[i], NULL), MT_OK);
		ck_assert(mti_runtime_replies(rt, c[i].id, visit_name, seen));
		ck_assert_str_eq(seen, want[i]);
	}
	mti_runtime_free(rt);
	mti_warnings_free(t.warnings, t.n_warnings);
	free(t.engine.endpoint);
}
END_TEST

START_TEST(host_facts_from_a_captured_tree)
{
	struct mti_host h;

	ck_assert_int_eq(
	    mti_host_open(MT_FIXTURES_DIR "/proc/docker-v1-exec", MT_FIXTURES_DIR "/etc", &h),
	    MT_OK);
	ck_assert(!h.pfs.live);
	ck_assert_str_eq(h.hostname, "vm");
	ck_assert_str_eq(h.kernel, "6.18.44-fc-v769");
	ck_assert_str_eq(h.boot_id, "835ff125-8f3b-419f-aa7f-2a20e68f1f12");
	ck_assert(h.have_btime);
	ck_assert_uint_eq(h.btime, 1795424876u);
	ck_assert_uint_eq(h.self_ns_pid, 0); /* no "self" in a capture */
	h.clk_tck = 100;
	ck_assert_int_eq(mti_start_time_ms(&h, 250), 1795424876000ll + 2500);
	mti_host_close(&h);
	ck_assert_ptr_null(h.hostname);
	ck_assert_int_eq(mti_host_open("/nonexistent-proc", "/etc", &h), MT_ERR_NO_PROCESS);
}
END_TEST

START_TEST(namespace_inode_from_its_link)
{
	char dir[] = "/tmp/mt-ns-XXXXXX", path[64];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ns", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	ck_assert_int_eq(symlink("pid:[4026531836]", path), 0);
	snprintf(path, sizeof(path), "%s/ns/mnt", dir);
	ck_assert_int_eq(symlink("garbage", path), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(mti_read_ns(fd, "pid"), 4026531836u);
	ck_assert_uint_eq(mti_read_ns(fd, "mnt"), 0);
	ck_assert_uint_eq(mti_read_ns(fd, "net"), 0);
	close(fd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ns/pid", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ns", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

static Suite *runtime_suite(void)
{
	Suite *s = suite_create("runtime");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, each_container_goes_to_its_backend);
	tcase_add_test(tc, a_container_none_serves_is_a_warning);
	tcase_add_test(tc, the_job_asks_each_backend_its_own_containers);
	tcase_add_test(tc, the_job_asks_every_backend_that_may_own_a_container);
	tcase_add_test(tc, the_spread_asks_the_backend_of_its_container);
	tcase_add_test(tc, no_runtime_asks_nothing);
	tcase_add_test(tc, containerd_backend_unreachable);
	tcase_add_test(tc, containerd_exec_ids_only_when_an_exec_may_run);
	tcase_add_test(tc, host_facts_from_a_captured_tree);
	tcase_add_test(tc, namespace_inode_from_its_link);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(runtime_suite)
