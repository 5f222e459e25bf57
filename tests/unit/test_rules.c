/* Unit tests: the rules catalogue (lib/rules.c): its entries against the
 * points the man page documents, the one adder, and the predicates the
 * trace and the scan share. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "procfs.h"
#include "rules.h"
#include "util.h"

#define MAN_PAGE MT_FIXTURES_DIR "/../../docs/minertrace.1"

/* The points the man page's SCAN section gives signal id: the nth number
 * after its ".B id" line (cpu's levels read "30 at 80%, 20 at 50%, ...");
 * -1 when absent. */
static int man_points(const char *man, const char *id, int nth)
{
	char key[96], dashed[64];
	const char *p, *section = strstr(man, ".SH SCAN\n");
	size_t i, k = 0;
	int value = -1;

	ck_assert_ptr_nonnull(section);
	for (i = 0; id[i] && k + 2 < sizeof(dashed); i++) {
		if (id[i] == '-')
			dashed[k++] = '\\';
		dashed[k++] = id[i];
	}
	dashed[k] = '\0';
	snprintf(key, sizeof(key), "\n.B %s\n", dashed);
	p = strstr(section, key);
	if (!p)
		return -1;
	p += strlen(key);
	while (nth-- >= 0) {
		while (*p && (*p < '0' || *p > '9'))
			p++;
		value = (int)strtol(p, (char **)&p, 10);
	}
	return value;
}

START_TEST(catalogue_matches_the_man_page)
{
	struct mti_buf man;
	int id, cpu_level = 0;

	mti_buf_init(&man);
	ck_assert_int_eq(mti_read_at(AT_FDCWD, MAN_PAGE, 1024u * 1024u, &man, NULL), MT_OK);
	for (id = 0; id < MTI_SIG_COUNT; id++) {
		const struct mti_rule *r = &mti_rules[id];

		ck_assert_msg(r->id && (r->verdict || r->scan), "entry %d is empty", id);
		/* a scan signal scores, and the man page says how much */
		if (r->scan) {
			int nth = strcmp(r->id, "cpu") == 0 ? 2 * cpu_level++ : 0;

			ck_assert_msg(r->points > 0, "%s scores nothing", r->id);
			ck_assert_msg(man_points(man.data, r->id, nth) == r->points,
			              "%s: %d points, the man page says %d", r->id, r->points,
			              man_points(man.data, r->id, nth));
		} else {
			ck_assert_msg(r->points == 0, "%s: points but no scan words", r->id);
		}
	}
	ck_assert_int_eq(cpu_level, 3);
	mti_buf_free(&man);
}
END_TEST

START_TEST(one_id_per_entry_but_the_cpu_levels)
{
	int a, b;

	for (a = 0; a < MTI_SIG_COUNT; a++)
		for (b = a + 1; b < MTI_SIG_COUNT; b++)
			ck_assert_msg(strcmp(mti_rules[a].id, mti_rules[b].id) != 0 ||
			                  strcmp(mti_rules[a].id, "cpu") == 0,
			              "%s twice", mti_rules[a].id);
	ck_assert_str_eq(mti_rules[MTI_SIG_EXE_DELETED].id, "exe-deleted");
	ck_assert_str_eq(mti_rules[MTI_SIG_ENTERED_FROM_OUTSIDE].id, "entered-from-outside");
	ck_assert_str_eq(mti_rules[MTI_SIG_UNTRUSTED_REGISTRY].id, "untrusted-registry");
}
END_TEST

START_TEST(adder_fills_words_and_points)
{
	struct mt_signal *v = NULL;
	size_t n = 0;

	ck_assert_int_eq(mti_signal_add(&v, &n, MTI_SIG_CPU_MID, MTI_DOC_SCAN, MTI_ARGS("63")),
	                 MT_OK);
	ck_assert_int_eq(
	    mti_signal_add(&v, &n, MTI_SIG_EXE_DELETED, MTI_DOC_VERDICT, MTI_ARGS("/tmp/x")),
	    MT_OK);
	ck_assert_int_eq(
	    mti_signal_add(&v, &n, MTI_SIG_EXE_DELETED, MTI_DOC_SCAN, MTI_ARGS("/tmp/x")), MT_OK);
	/* fewer arguments than "%s": the rest stays empty, nothing is read past */
	ck_assert_int_eq(mti_signal_add(&v, &n, MTI_SIG_WATCHDOG, MTI_DOC_SCAN, MTI_ARGS("w")),
	                 MT_OK);
	ck_assert_int_eq(mti_signal_add(&v, &n, MTI_SIG_HIDDEN, MTI_DOC_SCAN, NULL), MT_OK);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(v[0].id, "cpu");
	ck_assert_str_eq(v[0].detail, "63% of a core over the interval");
	ck_assert_int_eq(v[0].points, 20);
	ck_assert_str_eq(v[1].detail, "its executable /tmp/x was deleted after it started");
	ck_assert_str_eq(v[2].detail, "its executable /tmp/x was deleted");
	ck_assert_int_eq(v[1].points, 25);
	ck_assert_int_eq(v[2].points, 25);
	ck_assert_str_eq(v[3].detail, "restarted its child w (PID  became )");
	ck_assert(mti_str_starts(v[4].detail, "answers a direct probe"));
	/* words a document never has, an id outside the catalogue: refused */
	ck_assert_int_eq(mti_signal_add(&v, &n, MTI_SIG_CPU_HIGH, MTI_DOC_VERDICT, NULL),
	                 MT_ERR_INVALID_ARG);
	ck_assert_int_eq(mti_signal_add(&v, &n, MTI_SIG_PRIVILEGED, MTI_DOC_SCAN, NULL),
	                 MT_ERR_INVALID_ARG);
	ck_assert_int_eq(mti_signal_add(&v, &n, MTI_SIG_COUNT, MTI_DOC_SCAN, NULL),
	                 MT_ERR_INVALID_ARG);
	ck_assert_uint_eq(n, 5);
	mti_signals_free(v, n);
	mti_signals_free(NULL, 0);
}
END_TEST

START_TEST(shims_and_runc_memfd)
{
	ck_assert(mti_is_runtime_shim_name("runc"));
	ck_assert(mti_is_runtime_shim_name("containerd-shim-runc-v2"));
	ck_assert(mti_is_runtime_shim_name("runc:[2:INIT]"));
	ck_assert(mti_is_runtime_shim_name("conmon"));
	ck_assert(!mti_is_runtime_shim_name("runcx"));
	ck_assert(!mti_is_runtime_shim_name("xmrig"));
	ck_assert(!mti_is_runtime_shim_name(NULL));
	ck_assert(mti_is_runtime_memfd("runc_cloned:/proc/self/exe", "runc:[1:CHILD]"));
	ck_assert(!mti_is_runtime_memfd("runc_cloned:/proc/self/exe", "xmrig"));
	ck_assert(!mti_is_runtime_memfd("payload", "runc"));
	ck_assert(!mti_is_runtime_memfd(NULL, "runc"));
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

START_TEST(exe_rules)
{
	struct mt_exe deleted = {0}, memfd = {0}, runc = {0}, scratch_memfd = {0};

	deleted.path = "/tmp/kdevtmpfsi";
	deleted.deleted = true;
	ck_assert(mti_rule_exe_deleted(&deleted));
	ck_assert(mti_rule_scratch_dir(&deleted));
	ck_assert(!mti_rule_fileless(&deleted));
	memfd.path = "/memfd:x";
	memfd.memfd = true;
	memfd.deleted = true;
	ck_assert(mti_rule_fileless(&memfd));
	ck_assert(!mti_rule_exe_deleted(&memfd));
	runc = memfd;
	runc.runtime_memfd = true;
	ck_assert(!mti_rule_fileless(&runc));
	/* a memfd's name is no path, whatever it looks like */
	scratch_memfd.path = "/tmp/x";
	scratch_memfd.memfd = true;
	ck_assert(!mti_rule_scratch_dir(&scratch_memfd));
}
END_TEST

START_TEST(trace_rules)
{
	struct mt_trace t;

	memset(&t, 0, sizeof(t));
	t.origin.kind = MT_ORIGIN_WRITABLE_LAYER;
	t.entry.kind = MT_ENTRY_SETNS;
	ck_assert(mti_rule_writable_layer(&t));
	ck_assert(mti_rule_entered_from_outside(&t));
	t.origin.kind = MT_ORIGIN_IMAGE_LAYER;
	t.entry.kind = MT_ENTRY_INIT_TREE;
	ck_assert(!mti_rule_writable_layer(&t));
	ck_assert(!mti_rule_entered_from_outside(&t));
	t.entry.kind = MT_ENTRY_DOCKER_EXEC;
	ck_assert(mti_rule_entered_from_outside(&t));
	t.entry.kind = MT_ENTRY_RUNTIME_EXEC;
	ck_assert(mti_rule_entered_from_outside(&t));
}
END_TEST

START_TEST(container_rules)
{
	struct mt_mount sock = {0}, etc = {0}, vol = {0}, tmpfs = {0};
	char *risk;

	ck_assert(mti_rule_dangerous_cap("SYS_ADMIN"));
	ck_assert(mti_rule_dangerous_cap("CAP_SYS_ADMIN"));
	ck_assert(mti_rule_dangerous_cap("ALL"));
	ck_assert(!mti_rule_dangerous_cap("NET_ADMIN"));
	sock.source = "/var/run/docker.sock";
	sock.destination = "/var/run/docker.sock";
	sock.type = "bind";
	risk = mti_mount_risk(&sock);
	ck_assert_str_eq(risk, "the engine socket /var/run/docker.sock is mounted at "
	                       "/var/run/docker.sock: whoever runs in the container controls "
	                       "the engine and the host");
	free(risk);
	etc.source = "/etc";
	etc.destination = "/host/etc";
	etc.type = "bind";
	etc.rw = true;
	risk = mti_mount_risk(&etc);
	ck_assert_str_eq(risk, "the host's /etc is mounted read-write at /host/etc: a way out of "
	                       "the container");
	free(risk);
	vol.source = "/var/lib/docker/volumes/data/_data";
	vol.type = "volume";
	ck_assert_ptr_null(mti_mount_risk(&vol));
	tmpfs.source = "/etc";
	tmpfs.type = "tmpfs";
	ck_assert_ptr_null(mti_mount_risk(&tmpfs));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, catalogue_matches_the_man_page);
	tcase_add_test(tc, one_id_per_entry_but_the_cpu_levels);
	tcase_add_test(tc, adder_fills_words_and_points);
	tcase_add_test(tc, shims_and_runc_memfd);
	tcase_add_test(tc, scratch_paths);
	tcase_add_test(tc, exe_rules);
	tcase_add_test(tc, trace_rules);
	tcase_add_test(tc, container_rules);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
