/* Unit tests: lib/containment.c, the commands that fit each runtime. */
#include <check.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "containment.h"

#define CID "040bdb94854989a0336cb74887dcefc60a3cee3b6271fee872bc47b401ae8383"

/* The commands joined as the Markdown shows them (words unquoted). */
static const char *joined(const struct mti_command *cmds, size_t n)
{
	static char out[1024];
	size_t i, w;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, " && ");
		for (w = 0; w < cmds[i].n; w++) {
			if (w)
				strcat(out, " ");
			strcat(out, cmds[i].words[w]);
		}
	}
	return out;
}

static const char *stop(const struct mt_container *c)
{
	struct mti_command cmds[MTI_CMD_MAX];
	char shortid[16];

	return joined(cmds, mti_containment_stop(c, shortid, sizeof(shortid), cmds));
}

START_TEST(per_runtime)
{
	struct mt_runtime_task native = {.namespace = "mt-tenant"}, cri = {.namespace = "k8s.io",
	                                                                    .cri = true};
	struct mt_container c = {.id = "webapp", .runtime = MT_RUNTIME_CONTAINERD, .task = &native};
	struct mti_command rmi;

	ck_assert_str_eq(stop(&c), "ctr -n mt-tenant task kill -s KILL webapp && "
	                           "ctr -n mt-tenant task rm webapp && "
	                           "ctr -n mt-tenant container rm webapp");
	ck_assert_str_eq(mti_containment_exec_words(&c), "ctr tasks exec");
	ck_assert(!mti_containment_rmi(&c, &rmi)); /* no image name known */
	c.id = CID;
	c.task = &cri;
	ck_assert_str_eq(stop(&c), "crictl stop 040bdb948549 && crictl rm 040bdb948549");
	ck_assert_str_eq(mti_containment_exec_words(&c), "kubectl exec");
	/* a pod's container found by its cgroup alone is still the CRI's */
	c.task = NULL;
	c.runtime = MT_RUNTIME_UNKNOWN;
	c.pod_uid = "3c1f9e2a-5b7d-4f60-8a9e-2d4c6b8f0e13";
	ck_assert_str_eq(stop(&c), "crictl stop 040bdb948549 && crictl rm 040bdb948549");
	c.pod_uid = NULL;
	c.runtime = MT_RUNTIME_CRIO;
	ck_assert_str_eq(stop(&c), "crictl stop 040bdb948549 && crictl rm 040bdb948549");
	c.runtime = MT_RUNTIME_PODMAN;
	ck_assert_str_eq(stop(&c), "podman stop 040bdb948549 && podman rm 040bdb948549");
	c.runtime = MT_RUNTIME_DOCKER;
	ck_assert_str_eq(stop(&c), "docker stop 040bdb948549 && docker rm 040bdb948549");
	/* a runtime nobody named gets no guessed command, docker's least of all */
	c.runtime = MT_RUNTIME_UNKNOWN;
	ck_assert_str_eq(stop(&c), "");
	ck_assert(!mti_containment_rmi(&c, &rmi));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("containment");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, per_runtime);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
