/* Tracing a fixture /proc tree offline, for the unit suites. */
#ifndef MT_FIXTURE_TRACE_H
#define MT_FIXTURE_TRACE_H

#include <check.h>
#include <minertrace/minertrace.h>

/* Traces pid in the /proc tree at root (no engine, fixture passwd). */
static inline struct mt_trace *trace_tree(const char *root, pid_t pid)
{
	struct mt_options o;
	struct mt_session *s = NULL;
	struct mt_trace *t = NULL;

	mt_options_init(&o);
	o.proc_root = root;
	o.etc_root = MT_FIXTURES_DIR "/etc";
	o.no_engine = true;
	ck_assert_int_eq(mt_session_new(&o, &s, NULL, 0), MT_OK);
	ck_assert_int_eq(mt_trace_pid(s, pid, &t), MT_OK);
	mt_session_free(s);
	ck_assert_ptr_nonnull(t);
	return t;
}

static inline struct mt_trace *trace_fixture(const char *name, pid_t pid)
{
	char root[1024];

	snprintf(root, sizeof(root), "%s/proc/%s", MT_FIXTURES_DIR, name);
	return trace_tree(root, pid);
}

#endif
