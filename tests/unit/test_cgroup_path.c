/* Unit tests: lib/cgroup_path.c, on the layouts real runtimes produce. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "cgroup_path.h"
#include "check_main.h"
#include "util.h"

#define ID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"
#define ID2 "9a8b7c6d5e4f30211203f4e5d6c7b8a9a0b1c2d3e4f5061728394a5b6c7d8e9f"
#define POD "0f3c8a2e-1b4d-4e6f-9a7c-5d2b8e1f0a3c"
#define POD_US "0f3c8a2e_1b4d_4e6f_9a7c_5d2b8e1f0a3c"

static struct mt_cgroup_info parse(const char *text)
{
	struct mt_cgroup_info info;

	mti_cgroup_parse(text, strlen(text), &info);
	return info;
}

static void expect_container(const char *text, const char *id, enum mt_runtime rt)
{
	struct mt_cgroup_info info = parse(text);

	ck_assert_msg(info.scope == MT_SCOPE_CONTAINER, "scope %s for %s",
	              mt_scope_name(info.scope), text);
	ck_assert_str_eq(info.container.id, id);
	ck_assert_msg(info.container.runtime == rt, "runtime %s for %s",
	              mt_runtime_name(info.container.runtime), text);
	mti_cgroup_info_free(&info);
}

/* Captured from a container of this project's e2e dockerd (cgroupfs, v1+v2). */
START_TEST(docker_cgroupfs_hybrid_real)
{
	FILE *f = fopen(MT_FIXTURES_DIR "/proc/docker-v1-dropper/4599/cgroup", "r");
	char buf[4096];
	size_t n;
	struct mt_cgroup_info info;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_int_eq(mti_cgroup_parse(buf, n, &info), MT_OK);
	ck_assert_int_eq(info.scope, MT_SCOPE_CONTAINER);
	ck_assert_str_eq(info.container.id, ID);
	ck_assert_int_eq(info.container.runtime, MT_RUNTIME_DOCKER);
	ck_assert_uint_eq(info.n_lines, 10);
	ck_assert_uint_eq(info.hierarchy, 0); /* the v2 line wins ties */
	ck_assert_str_eq(mti_cgroup_path_for(&info, "memory"), "/docker/" ID);
	ck_assert_str_eq(mti_cgroup_path_for(&info, "cpuacct"), "/docker/" ID);
	ck_assert_str_eq(mti_cgroup_path_for(&info, NULL), "/docker/" ID);
	ck_assert_ptr_null(mti_cgroup_path_for(&info, "rdma"));
	mti_cgroup_info_free(&info);
}
END_TEST

START_TEST(docker_layouts)
{
	expect_container("0::/docker/" ID "\n", ID, MT_RUNTIME_DOCKER);
	expect_container("0::/system.slice/docker-" ID ".scope\n", ID, MT_RUNTIME_DOCKER);
	expect_container("1:name=systemd:/system.slice/docker-" ID ".scope\n0::/\n", ID,
	                 MT_RUNTIME_DOCKER);
	/* hybrid host where the unified line is "/" but v1 lines know better */
	expect_container("0::/\n4:memory:/docker/" ID "\n", ID, MT_RUNTIME_DOCKER);
	/* a container running systemd keeps its own sub-cgroups */
	expect_container("0::/docker/" ID "/system.slice/cron.service\n", ID, MT_RUNTIME_DOCKER);
}
END_TEST

START_TEST(kubernetes_cgroupfs)
{
	struct mt_cgroup_info info;

	info = parse("11:memory:/kubepods/burstable/pod" POD "/" ID "\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_CONTAINER);
	ck_assert_str_eq(info.container.id, ID);
	ck_assert_int_eq(info.container.runtime, MT_RUNTIME_UNKNOWN);
	ck_assert_str_eq(info.pod_uid, POD);
	ck_assert_int_eq(info.qos, MT_QOS_BURSTABLE);
	mti_cgroup_info_free(&info);

	info = parse("0::/kubepods/besteffort/pod" POD "/" ID "\n");
	ck_assert_int_eq(info.qos, MT_QOS_BESTEFFORT);
	ck_assert_str_eq(info.pod_uid, POD);
	mti_cgroup_info_free(&info);

	info = parse("0::/kubepods/pod" POD "/" ID "\n");
	ck_assert_int_eq(info.qos, MT_QOS_GUARANTEED);
	mti_cgroup_info_free(&info);

	/* static pods carry a 32-hex config hash instead of a UUID */
	info = parse("0::/kubepods/burstable/pod6d9ff0d8bb47bb3a0a2d8d2b7a9a7d88/" ID "\n");
	ck_assert_str_eq(info.pod_uid, "6d9ff0d8bb47bb3a0a2d8d2b7a9a7d88");
	mti_cgroup_info_free(&info);
}
END_TEST

START_TEST(kubernetes_systemd_slices)
{
	struct mt_cgroup_info info;

	info = parse("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_US
	             ".slice/cri-containerd-" ID ".scope\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_CONTAINER);
	ck_assert_str_eq(info.container.id, ID);
	ck_assert_int_eq(info.container.runtime, MT_RUNTIME_CONTAINERD);
	ck_assert_str_eq(info.pod_uid, POD);
	ck_assert_int_eq(info.qos, MT_QOS_BESTEFFORT);
	mti_cgroup_info_free(&info);

	info = parse("0::/kubepods.slice/kubepods-pod" POD_US ".slice/crio-" ID ".scope\n");
	ck_assert_int_eq(info.container.runtime, MT_RUNTIME_CRIO);
	ck_assert_int_eq(info.qos, MT_QOS_GUARANTEED);
	ck_assert_str_eq(info.pod_uid, POD);
	mti_cgroup_info_free(&info);

	/* kubelet on systemd, containerd with cgroupfs: slice:runtime:id */
	info = parse("0::/system.slice/containerd.service/kubepods-burstable-pod" POD_US
	             ".slice:cri-containerd:" ID "\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_CONTAINER);
	ck_assert_str_eq(info.container.id, ID);
	ck_assert_int_eq(info.container.runtime, MT_RUNTIME_CONTAINERD);
	ck_assert_str_eq(info.pod_uid, POD);
	ck_assert_int_eq(info.qos, MT_QOS_BURSTABLE);
	mti_cgroup_info_free(&info);

	expect_container("0::/kubepods.slice/kubepods-pod" POD_US ".slice:docker:" ID "\n", ID,
	                 MT_RUNTIME_DOCKER);
}
END_TEST

START_TEST(crio_and_podman)
{
	struct mt_cgroup_info info;

	expect_container("0::/crio-" ID ".scope\n", ID, MT_RUNTIME_CRIO);
	expect_container("0::/kubepods/burstable/pod" POD "/crio-" ID "\n", ID, MT_RUNTIME_CRIO);
	expect_container("0::/machine.slice/libpod-" ID ".scope\n", ID, MT_RUNTIME_PODMAN);
	expect_container("0::/machine.slice/libpod-" ID ".scope/container\n", ID,
	                 MT_RUNTIME_PODMAN);
	expect_container("0::/libpod_parent/libpod-" ID "\n", ID, MT_RUNTIME_PODMAN);
	expect_container("0::/libpod_parent/" ID "\n", ID, MT_RUNTIME_PODMAN);

	info = parse("0::/machine.slice/libpod-conmon-" ID ".scope\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_RUNTIME);
	ck_assert_str_eq(info.container.id, ID);
	ck_assert_int_eq(info.container.runtime, MT_RUNTIME_PODMAN);
	mti_cgroup_info_free(&info);

	info = parse("0::/system.slice/crio-conmon-" ID ".scope\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_RUNTIME);
	mti_cgroup_info_free(&info);
}
END_TEST

START_TEST(nested_docker_in_docker)
{
	struct mt_cgroup_info info = parse("4:memory:/docker/" ID "/docker/" ID2 "\n"
	                                   "0::/system.slice/docker-" ID ".scope/docker/" ID2 "\n");

	ck_assert_int_eq(info.scope, MT_SCOPE_CONTAINER);
	ck_assert_str_eq(info.container.id, ID2);
	ck_assert_uint_eq(info.n_outer, 1);
	ck_assert_str_eq(info.outer[0].id, ID);
	ck_assert_int_eq(info.outer[0].runtime, MT_RUNTIME_DOCKER);
	mti_cgroup_info_free(&info);
}
END_TEST

START_TEST(other_runtimes)
{
	expect_container("0::/lxc.payload.web01\n", "web01", MT_RUNTIME_LXC);
	expect_container("3:memory:/lxc/web02\n", "web02", MT_RUNTIME_LXC);
	expect_container("0::/machine.slice/systemd-nspawn@deb.service/payload\n", "deb",
	                 MT_RUNTIME_NSPAWN);
}
END_TEST

START_TEST(namespaces_and_host)
{
	struct mt_cgroup_info info;

	info = parse("0::/\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_NAMESPACE_ROOT);
	ck_assert_ptr_null(info.container.id);
	mti_cgroup_info_free(&info);

	info = parse("0::/../../init.scope\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_OUTSIDE_NAMESPACE);
	mti_cgroup_info_free(&info);

	info = parse("0::/..\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_OUTSIDE_NAMESPACE);
	mti_cgroup_info_free(&info);

	/* a path relative to our namespace can still name a container */
	expect_container("0::/../docker-" ID ".scope\n", ID, MT_RUNTIME_DOCKER);

	info = parse("0::/user.slice/user-1000.slice/session-2.scope\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_HOST);
	ck_assert_str_eq(info.path, "/user.slice/user-1000.slice/session-2.scope");
	mti_cgroup_info_free(&info);

	/* this very machine: hybrid with one v1 hierarchy set */
	info = parse("9:name=systemd:/\n4:memory:/process_api/af0b\n1:cpu:/\n0::/\n");
	ck_assert_int_eq(info.scope, MT_SCOPE_HOST);
	ck_assert_str_eq(info.path, "/process_api/af0b");
	mti_cgroup_info_free(&info);
}
END_TEST

START_TEST(ids_must_be_exact)
{
	static const char *const bad[] = {
	    "0::/docker/" ID "0\n", /* 65 hex */
	    "0::/docker/d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab29\n",
	    "0::/docker/D4ABB3CB95D078CD526B23B38D577EC82A5800DD8D9CD539BF49176657FAB295\n",
	    "0::/docker/g4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295\n",
	    "0::/system.slice/docker-abc.scope\n",
	    "0::/system.slice/docker-" ID ".scopex\n",
	    "0::/crio-" ID ".scop\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mt_cgroup_info info = parse(bad[i]);

		ck_assert_msg(info.scope == MT_SCOPE_HOST && !info.container.id, "accepted: %s",
		              bad[i]);
		mti_cgroup_info_free(&info);
	}
}
END_TEST

START_TEST(malformed_files)
{
	struct mt_cgroup_info info;
	static const char nul_inside[] = "0::/docker/\0x\n";

	ck_assert_int_eq(mti_cgroup_parse("", 0, &info), MT_ERR_PARSE);
	ck_assert_int_eq(info.scope, MT_SCOPE_UNKNOWN);
	ck_assert_int_eq(mti_cgroup_parse("garbage\nx:y\n", 12, &info), MT_ERR_PARSE);
	ck_assert_int_eq(mti_cgroup_parse(nul_inside, sizeof(nul_inside) - 1, &info), MT_ERR_PARSE);
	ck_assert_int_eq(mti_cgroup_parse("99999999:x:/a\n", 14, &info), MT_ERR_PARSE);
	ck_assert_int_eq(mti_cgroup_parse("1:x:relative\n", 13, &info), MT_ERR_PARSE);
	/* one good line among bad ones is enough */
	ck_assert_int_eq(mti_cgroup_parse("junk\n0::/docker/" ID "\n", 5 + 12 + 64 + 1, &info),
	                 MT_OK);
	ck_assert_str_eq(info.container.id, ID);
	mti_cgroup_info_free(&info);
}
END_TEST

START_TEST(copy_is_deep)
{
	struct mt_cgroup_info a = parse("4:memory:/docker/" ID "/docker/" ID2 "\n"), b;

	ck_assert_int_eq(mti_cgroup_info_copy(&a, &b), MT_OK);
	mti_cgroup_info_free(&a);
	ck_assert_str_eq(b.container.id, ID2);
	ck_assert_str_eq(b.outer[0].id, ID);
	ck_assert_str_eq(b.lines[0].controllers, "memory");
	mti_cgroup_info_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cgroup_path");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, docker_cgroupfs_hybrid_real);
	tcase_add_test(tc, docker_layouts);
	tcase_add_test(tc, kubernetes_cgroupfs);
	tcase_add_test(tc, kubernetes_systemd_slices);
	tcase_add_test(tc, crio_and_podman);
	tcase_add_test(tc, nested_docker_in_docker);
	tcase_add_test(tc, other_runtimes);
	tcase_add_test(tc, namespaces_and_host);
	tcase_add_test(tc, ids_must_be_exact);
	tcase_add_test(tc, malformed_files);
	tcase_add_test(tc, copy_is_deep);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
