/* Unit tests: the post-mortem (lib/timeline.c, lib/entry_story.c,
 * lib/trusted.c, lib/postmortem.c) on the engine replies captured from the
 * dropper incident (tests/fixtures/engine) and on chains built in memory,
 * with the cases that must not be called an exploit. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "engine_fixture.h"
#include "engine_decode.h"
#include "entry_story.h"
#include "hash.h"
#include "persistence.h"
#include "postmortem.h"
#include "spread.h"
#include "target_net.h"
#include "timeline.h"
#include "trace_model.h"
#include "trusted.h"
#include "util.h"

#define PIDNS 4026532500u
#define NS INT64_C(1000000000)

/* A trace of one container whose engine facts are the captured replies
 * (container, image, events; the exec session only with_exec). */
static struct mt_trace *fixture_trace(bool with_exec)
{
	struct mt_trace *t = calloc(1, sizeof(*t));
	struct mt_engine_container *ec = calloc(1, sizeof(*ec));
	char **ids = NULL, *json;
	size_t n_ids = 0, len;

	ck_assert(t && ec);
	t->chain = calloc(8, sizeof(*t->chain));
	t->containers = calloc(1, sizeof(*t->containers));
	ck_assert(t->chain && t->containers);
	t->containers[0].id = mti_strdup(CID);
	t->containers[0].runtime = MT_RUNTIME_DOCKER;
	t->containers[0].engine = ec;
	t->n_containers = 1;
	t->origin.lower_index = -1;
	t->entry.init_index = t->entry.boundary_index = t->entry.exec_index = -1;
	mti_entry_story_clear(&t->postmortem.story);
	json = slurp(DIR "container.json", &len);
	ck_assert_int_eq(mti_decode_container(json, len, CID, t, ec, &ids, &n_ids), MT_OK);
	free(json);
	mti_strv_free(ids, n_ids);
	json = slurp(DIR "image.json", &len);
	ck_assert_int_eq(mti_decode_image(json, len, IMG, t, &ec->image), MT_OK);
	ec->have_image = true;
	free(json);
	json = slurp(DIR "events.json", &len);
	ck_assert_int_eq(mti_decode_events(json, len, CID, t, &ec->events, &ec->n_events), MT_OK);
	ec->have_events = true;
	free(json);
	if (with_exec) {
		ec->execs = calloc(1, sizeof(*ec->execs));
		ck_assert_ptr_nonnull(ec->execs);
		json = slurp(DIR "exec-" XID ".json", &len);
		ck_assert_int_eq(mti_decode_exec(json, len, XID, CID, t, &ec->execs[0]), MT_OK);
		ec->execs[0].chain_index = -1;
		ec->n_execs = 1;
		free(json);
	}
	return t;
}

/* Appends a chain process; nsinner 0 = the host PID namespace. */
static struct mt_process *add(struct mt_trace *t, pid_t pid, const char *comm, pid_t nsinner,
                              enum mt_role role, int64_t start_ms)
{
	struct mt_process *p = &t->chain[t->chain_len++];

	p->pid = pid;
	p->comm = mti_strdup(comm);
	p->nspid[0] = pid;
	p->n_nspid = nsinner ? 2 : 1;
	p->nspid[1] = nsinner;
	p->ns_pid = nsinner ? PIDNS : 4026531836u;
	p->container_index = nsinner ? 0 : -1;
	p->role = role;
	p->start_time_ms = start_ms;
	return p;
}

static void set_argv(struct mt_process *p, const char *a0, const char *a1, const char *a2)
{
	const char *v[] = {a0, a1, a2};
	size_t i;

	p->argv = calloc(3, sizeof(*p->argv));
	ck_assert_ptr_nonnull(p->argv);
	for (i = 0; i < 3 && v[i]; i++)
		p->argv[p->argc++] = mti_strdup(v[i]);
}

/* The dropper's chain: kdevtmpfsi <- sh <- init (PID 1 inside) <- shim. */
static struct mt_trace *dropper(void)
{
	struct mt_trace *t = fixture_trace(false);

	add(t, 4642, "kdevtmpfsi", 14, MT_ROLE_TARGET, 1795426880000);
	set_argv(add(t, 4600, "sh", 7, MT_ROLE_CONTAINER_PROCESS, 1795426876100), "/bin/sh", "DROP",
	         NULL);
	add(t, 4568, "init", 1, MT_ROLE_CONTAINER_INIT, 1795426875800);
	add(t, 4540, "containerd-shim", 0, MT_ROLE_RUNTIME_SHIM, 1795426875700);
	t->entry.kind = MT_ENTRY_INIT_TREE;
	t->entry.init_index = 2;
	t->entry.detail = mti_strdup("started inside the container, from its init");
	t->verdict.classification = MT_CLASS_INTRODUCED;
	return t;
}

static size_t find_event(const struct mt_timeline *tl, enum mt_time_source src)
{
	size_t i;

	for (i = 0; i < tl->n_events; i++)
		if (tl->events[i].source == src)
			return i;
	ck_abort_msg("no %s entry in the timeline", mt_time_source_name(src));
	return 0;
}

START_TEST(engine_times)
{
	int64_t ns = 0;

	ck_assert(mti_parse_engine_time("2026-11-23T09:41:15.362684839Z", &ns));
	ck_assert_int_eq(ns, INT64_C(1795426875) * NS + 362684839);
	ck_assert(mti_parse_engine_time("2026-11-23T10:41:15+01:00", &ns));
	ck_assert_int_eq(ns, INT64_C(1795426875) * NS);
	ck_assert(mti_parse_engine_time("2026-11-23T08:41:15.5-01:00", &ns));
	ck_assert_int_eq(ns, INT64_C(1795426875) * NS + 500000000);
	ck_assert(mti_parse_engine_time("2024-02-29T00:00:00Z", &ns));
	ck_assert_int_eq(ns, INT64_C(1709164800) * NS);
	/* the engine's "never", and what is not a time */
	ck_assert(!mti_parse_engine_time("0001-01-01T00:00:00Z", &ns));
	ck_assert(!mti_parse_engine_time("2026-11-23T09:41:15.1234567890Z", &ns));
	ck_assert(!mti_parse_engine_time("2026-11-23T09:41:15", &ns));
	ck_assert(!mti_parse_engine_time("2026-11-23T09:41:15.Z", &ns));
	ck_assert(!mti_parse_engine_time("2026-02-30T09:41:15Z", &ns));
	ck_assert(!mti_parse_engine_time("2026-11-23 09:41:15Z", &ns));
	ck_assert(!mti_parse_engine_time("2026-11-23T09:41:15Zjunk", &ns));
	ck_assert(!mti_parse_engine_time("", &ns));
	ck_assert(!mti_parse_engine_time(NULL, &ns));
}
END_TEST

START_TEST(timeline_ordered)
{
	struct mt_trace *t = dropper();
	struct mt_timeline *tl = &t->postmortem.timeline;
	size_t i, written, started, created, image;

	t->chain[0].exe.path = mti_strdup("/tmp/kdevtmpfsi");
	t->chain[0].exe.deleted = true;
	tl->exe.known = true;
	tl->exe.mtime_ns = INT64_C(1795426879) * NS; /* written a second before it ran */
	tl->exe.ctime_ns = INT64_C(1795426881) * NS; /* unlinked a second after */
	ck_assert_int_eq(mti_timeline_build(t), MT_OK);
	for (i = 1; i < tl->n_events; i++)
		ck_assert_msg(tl->events[i - 1].time_ns <= tl->events[i].time_ns,
		              "entry %zu is older than entry %zu", i, i - 1);
	image = find_event(tl, MT_TIME_IMAGE_CREATED);
	created = find_event(tl, MT_TIME_CONTAINER_CREATED);
	ck_assert_int_eq(tl->events[image].clock, MT_CLOCK_ENGINE);
	ck_assert(tl->events[image].untrusted); /* the builder writes it */
	ck_assert(strstr(tl->events[image].what, "metabase/metabase:v0.46.6"));
	ck_assert_int_eq(tl->events[created].time_ns, INT64_C(1795426875) * NS + 362684839);
	ck_assert(!tl->events[created].untrusted);
	ck_assert(image < created);
	ck_assert_int_eq(tl->events[find_event(tl, MT_TIME_CONTAINER_STARTED)].pid, 4568);
	/* the binary was written before the miner started, and changed after */
	written = find_event(tl, MT_TIME_EXE_MODIFIED);
	ck_assert_int_eq(tl->events[written].clock, MT_CLOCK_FILE);
	ck_assert(tl->events[written].untrusted);
	ck_assert_str_eq(tl->events[written].what,
	                 "the target's binary /tmp/kdevtmpfsi last written");
	for (started = 0; started < tl->n_events; started++)
		if (tl->events[started].source == MT_TIME_PROCESS_START &&
		    tl->events[started].pid == 4642)
			break;
	ck_assert_uint_lt(started, tl->n_events);
	ck_assert_int_eq(tl->events[started].clock, MT_CLOCK_KERNEL);
	ck_assert_uint_lt(written, started);
	ck_assert_uint_lt(started, find_event(tl, MT_TIME_EXE_CHANGED));
	ck_assert(strstr(tl->events[find_event(tl, MT_TIME_EXE_CHANGED)].what, "deleted"));
	/* each chain process once, the shim included */
	for (i = 0; i < t->chain_len; i++) {
		size_t k, seen = 0;

		for (k = 0; k < tl->n_events; k++)
			seen += tl->events[k].source == MT_TIME_PROCESS_START &&
			        tl->events[k].pid == t->chain[i].pid;
		ck_assert_uint_eq(seen, 1);
	}
	/* the exec session of the capture, with its command */
	i = find_event(tl, MT_TIME_EXEC);
	ck_assert(strstr(tl->events[i].what, "exec_create 86054809e960"));
	ck_assert(strstr(tl->events[i].what, "/usr/share/payload/miner"));
	ck_assert(!tl->truncated);
	mt_trace_free(t);
}
END_TEST

/* Live, process starts count from the boot time to the ns, not from the
 * whole second of btime. */
START_TEST(timeline_boot_time)
{
	struct mt_trace *t = dropper();
	struct mt_timeline *tl = &t->postmortem.timeline;
	size_t i;

	t->evidence.clk_tck = 100;
	t->chain[0].start_ticks = 12345;
	tl->boot_time_ns = INT64_C(1795426754) * NS + 862711000;
	ck_assert_int_eq(mti_timeline_build(t), MT_OK);
	for (i = 0; i < tl->n_events; i++)
		if (tl->events[i].source == MT_TIME_PROCESS_START && tl->events[i].pid == 4642)
			break;
	ck_assert_uint_lt(i, tl->n_events);
	ck_assert_int_eq(tl->events[i].time_ns, INT64_C(1795426878) * NS + 312711000);
	mt_trace_free(t);
}
END_TEST

START_TEST(timeline_capped)
{
	struct mt_timeline tl;
	size_t i;

	memset(&tl, 0, sizeof(tl));
	for (i = 0; i < MTI_TIMELINE_MAX + 5; i++)
		ck_assert_int_eq(mti_timeline_add(&tl, (int64_t)i, MT_TIME_ENGINE_EVENT,
		                                  MT_CLOCK_ENGINE, false, 0, "event %zu", i),
		                 MT_OK);
	ck_assert_uint_eq(tl.n_events, MTI_TIMELINE_MAX);
	ck_assert(tl.truncated);
	ck_assert_str_eq(tl.events[7].what, "event 7");
	mti_timeline_clear(&tl);
}
END_TEST

START_TEST(story_application_spawned_shell)
{
	struct mt_trace *t = dropper();
	struct mt_entry_story *st = &t->postmortem.story;

	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(st->kind, MT_STORY_APP_SPAWNED_SHELL);
	ck_assert_int_eq(st->app_index, 2);
	ck_assert_int_eq(st->shell_index, 1);
	ck_assert_str_eq(st->image_ref, "metabase/metabase:v0.46.6");
	ck_assert_str_eq(st->image_version, "v0.46.6");
	ck_assert_str_eq(st->image_version_from, "tag");
	ck_assert(strstr(st->text, "the application spawned a shell: init (PID 4568, the "
	                           "container's init) started sh (PID 4600), typical of remote "
	                           "code execution"));
	ck_assert(strstr(st->text, "image metabase/metabase:v0.46.6, version v0.46.6 (tag)"));
	mt_trace_free(t);
}
END_TEST

/* java under a wrapper init; its label names the version. */
START_TEST(story_label_version_and_one_liner)
{
	struct mt_trace *t = dropper();
	struct mt_engine_container *ec = t->containers[0].engine;
	struct mt_process *p;

	ec->labels = calloc(1, sizeof(*ec->labels));
	ck_assert_ptr_nonnull(ec->labels);
	ec->labels[0].key = mti_strdup("org.opencontainers.image.version");
	ec->labels[0].value = mti_strdup("0.46.6.1");
	ec->n_labels = 1;
	/* kdevtmpfsi <- python3 -c '...' <- java <- init */
	p = &t->chain[1];
	free(p->comm);
	p->comm = mti_strdup("python3");
	mti_strv_free(p->argv, p->argc);
	p->argv = NULL;
	p->argc = 0;
	set_argv(p, "python3", "-c", "import urllib.request...");
	free(t->chain[2].comm);
	t->chain[2].comm = mti_strdup("java");
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_APP_SPAWNED_SHELL);
	ck_assert_str_eq(t->postmortem.story.image_version, "0.46.6.1");
	ck_assert_str_eq(t->postmortem.story.image_version_from,
	                 "label org.opencontainers.image.version");
	ck_assert(strstr(t->postmortem.story.text, "java (PID 4568, the container's init) "
	                                           "started python3 (PID 4600)"));
	/* python running a script is the application, not a one-liner */
	mti_strv_free(p->argv, p->argc);
	p->argv = NULL;
	p->argc = 0;
	set_argv(p, "python3", "/app/server.py", NULL);
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_INIT_TREE);
	ck_assert_int_eq(t->postmortem.story.app_index, -1);
	mt_trace_free(t);
}
END_TEST

/* A shell that is the image's own entrypoint is not an exploit: as the
 * init itself, or started by an init wrapper as the engine's Path. */
START_TEST(story_entrypoint_shell_is_no_exploit)
{
	struct mt_trace *t = dropper();
	struct mt_engine_container *ec = t->containers[0].engine;

	free(t->chain[2].comm);
	t->chain[2].comm = mti_strdup("sh"); /* init is sh, starts sh */
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_INIT_TREE);
	ck_assert(!strstr(t->postmortem.story.text, "spawned a shell"));

	free(t->chain[2].comm);
	t->chain[2].comm = mti_strdup("my-init"); /* an init wrapper running Path /bin/sh */
	free(ec->path);
	ec->path = mti_strdup("/bin/sh");
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_INIT_TREE);

	free(t->chain[2].comm);
	t->chain[2].comm = mti_strdup("crond"); /* a job runner's shell */
	free(ec->path);
	ec->path = mti_strdup("/init");
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_INIT_TREE);

	free(t->chain[2].comm);
	t->chain[2].comm = mti_strdup("nginx"); /* and nginx starting sh is one */
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_APP_SPAWNED_SHELL);
	mt_trace_free(t);
}
END_TEST

START_TEST(story_docker_exec)
{
	struct mt_trace *t = fixture_trace(true);
	struct mt_entry_story *st = &t->postmortem.story;

	add(t, 5180, "miner", 30, MT_ROLE_TARGET, 1795426939600);
	add(t, 4540, "containerd-shim", 0, MT_ROLE_RUNTIME_SHIM, 1795426875700);
	t->entry.kind = MT_ENTRY_DOCKER_EXEC;
	t->entry.exec_index = 0;
	t->entry.boundary_index = 1;
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(st->kind, MT_STORY_EXEC);
	ck_assert_str_eq(st->exec_id, XID);
	ck_assert_str_eq(st->exec_user, "1000");
	ck_assert_str_eq(st->exec_command, "/usr/share/payload/miner --donate-level 1 -a randomx");
	/* exec_start of the capture, not exec_create */
	ck_assert_int_ge(st->exec_time_ns, INT64_C(1795426939579) * 1000000);
	ck_assert_int_lt(st->exec_time_ns, INT64_C(1795426939580) * 1000000);
	ck_assert(strstr(st->text, "docker exec: session 86054809e960, as user \"1000\""));
	ck_assert(strstr(st->text, "at 2026-11-23T09:42:19.579Z"));
	ck_assert_int_eq(st->app_index, -1);
	mt_trace_free(t);
}
END_TEST

START_TEST(story_unwanted_image)
{
	struct mt_trace *t = fixture_trace(false);

	add(t, 4568, "xmrig", 1, MT_ROLE_TARGET, 1795426875800);
	add(t, 4540, "containerd-shim", 0, MT_ROLE_RUNTIME_SHIM, 1795426875700);
	t->entry.kind = MT_ENTRY_CONTAINER_INIT;
	t->entry.init_index = 0;
	t->verdict.classification = MT_CLASS_UNWANTED_IMAGE;
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_UNWANTED_IMAGE);
	ck_assert(mti_str_starts(t->postmortem.story.text,
	                         "an unwanted image: the entrypoint of image "
	                         "metabase/metabase:v0.46.6, version v0.46.6 (tag) is the miner"));
	/* the init of a legitimate image whose binary was swapped is no such story */
	t->verdict.classification = MT_CLASS_INTRODUCED;
	ck_assert_int_eq(mti_entry_story_build(t), MT_OK);
	ck_assert_int_eq(t->postmortem.story.kind, MT_STORY_UNKNOWN);
	mt_trace_free(t);
}
END_TEST

START_TEST(shells_and_downloaders)
{
	struct mt_process p;
	char *argv[] = {"/usr/bin/perl", "-e", "x"};

	memset(&p, 0, sizeof(p));
	p.comm = "busybox";
	ck_assert(mti_is_shell_or_downloader(&p));
	p.comm = "wget";
	ck_assert(mti_is_shell_or_downloader(&p));
	p.comm = "java";
	ck_assert(!mti_is_shell_or_downloader(&p));
	p.comm = "perl";
	ck_assert(!mti_is_shell_or_downloader(&p)); /* perl without -e: a program */
	p.argv = argv;
	p.argc = 3;
	ck_assert(mti_is_shell_or_downloader(&p));
	p.comm = "shx"; /* names match whole */
	argv[1] = "script.pl";
	ck_assert(!mti_is_shell_or_downloader(&p));
}
END_TEST

static void full_is(const char *ref, const char *expect)
{
	char *s = mti_reference_full(ref);

	ck_assert_str_eq(s, expect);
	free(s);
}

START_TEST(references)
{
	full_is("nginx:1.25", "docker.io/library/nginx:1.25");
	full_is("xmrig/xmrig:6.21.0", "docker.io/xmrig/xmrig:6.21.0");
	full_is("index.docker.io/library/redis", "docker.io/library/redis");
	full_is("registry.example.com:5000/team/app:1", "registry.example.com:5000/team/app:1");
	full_is("localhost/app", "localhost/app");
	ck_assert(mti_trusted_match("registry.example.com/team/app:1", "registry.example.com"));
	ck_assert(
	    mti_trusted_match("registry.example.com/team/app:1", "registry.example.com/team/"));
	ck_assert(
	    mti_trusted_match("registry.example.com/team/app:1", "registry.example.com/team"));
	ck_assert(
	    !mti_trusted_match("registry.example.com.evil.io/team/app", "registry.example.com"));
	ck_assert(
	    !mti_trusted_match("registry.example.com/teamx/app", "registry.example.com/team"));
	ck_assert(mti_trusted_match("docker.io/library/nginx:1", "docker.io/library/"));
	ck_assert(!mti_trusted_match("docker.io/library/nginx:1", ""));
}
END_TEST

static bool has_signal(const struct mt_trace *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->verdict.n_signals; i++)
		if (strcmp(t->verdict.signals[i].id, id) == 0)
			return true;
	return false;
}

START_TEST(registry_check)
{
	static const char *const internal[] = {"registry.example.com/", "ghcr.io/acme"};
	static const char *const hub[] = {"docker.io/metabase/"};
	struct mt_trace *t = dropper();
	struct mt_registry_check *r = &t->postmortem.registry;

	ck_assert_int_eq(mti_registry_check(t, internal, 0), MT_OK);
	ck_assert(!r->checked);
	ck_assert(!has_signal(t, "untrusted-registry"));
	ck_assert_int_eq(mti_registry_check(t, internal, 2), MT_OK);
	ck_assert(r->checked && !r->trusted);
	ck_assert_str_eq(r->image, "docker.io/metabase/metabase:v0.46.6");
	ck_assert_str_eq(r->registry, "docker.io");
	ck_assert_ptr_null(r->matched);
	ck_assert_str_eq(r->text, "the image docker.io/metabase/metabase:v0.46.6 is not from a "
	                          "trusted registry: it comes from docker.io (Docker Hub), "
	                          "trusted are registry.example.com/, ghcr.io/acme");
	ck_assert(has_signal(t, "untrusted-registry"));
	mt_trace_free(t);

	t = dropper();
	r = &t->postmortem.registry;
	ck_assert_int_eq(mti_registry_check(t, hub, 1), MT_OK);
	ck_assert(r->checked && r->trusted);
	ck_assert_str_eq(r->matched, "docker.io/metabase/");
	ck_assert(!has_signal(t, "untrusted-registry"));
	mt_trace_free(t);
}
END_TEST

START_TEST(config_file)
{
	static const char good[] = "# trusted registries\n"
	                           "\n"
	                           "trusted-registry registry.example.com/\n"
	                           "  trusted-registry\tghcr.io/acme  \r\n"
	                           "trusted-registry=quay.io/team\n";
	struct mt_config cfg;
	struct mti_buf b;
	size_t bad = 99, i;

	memset(&cfg, 0, sizeof(cfg));
	ck_assert_int_eq(mt_config_parse(good, sizeof(good) - 1, &cfg, &bad), MT_OK);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(cfg.n_trusted_registries, 3);
	ck_assert_str_eq(cfg.trusted_registries[0], "registry.example.com/");
	ck_assert_str_eq(cfg.trusted_registries[1], "ghcr.io/acme");
	ck_assert_str_eq(cfg.trusted_registries[2], "quay.io/team");
	mt_config_clear(&cfg);
	ck_assert_int_eq(mt_config_parse("trusted-registry x\nregistry y\n", 30, &cfg, &bad),
	                 MT_ERR_PARSE);
	ck_assert_uint_eq(bad, 2);
	mt_config_clear(&cfg);
	ck_assert_int_eq(mt_config_parse("trusted-registry\n", 17, &cfg, &bad), MT_ERR_PARSE);
	ck_assert_int_eq(mt_config_parse("trusted-registryx y\n", 20, &cfg, &bad), MT_ERR_PARSE);
	mt_config_clear(&cfg);
	mti_buf_init(&b);
	for (i = 0; i < 300; i++)
		ck_assert_int_eq(mti_buf_printf(&b, "trusted-registry r%zu.example\n", i), MT_OK);
	ck_assert_int_eq(mt_config_parse(b.data, b.len, &cfg, &bad), MT_ERR_LIMIT);
	ck_assert_uint_eq(bad, 257);
	mt_config_clear(&cfg);
	mti_buf_free(&b);
}
END_TEST

START_TEST(what_happened)
{
	static const char *const internal[] = {"registry.example.com/"};
	struct mt_trace *t = dropper();
	const char *w;

	t->chain[0].exe.path = mti_strdup("/tmp/kdevtmpfsi");
	t->chain[0].exe.deleted = true;
	t->origin.kind = MT_ORIGIN_WRITABLE_LAYER;
	t->postmortem.timeline.exe.known = true;
	t->postmortem.timeline.exe.mtime_ns = INT64_C(1795426879) * NS;
	t->postmortem.timeline.exe.ctime_ns = INT64_C(1795426881) * NS;
	ck_assert_int_eq(mti_postmortem_build(t, internal, 1), MT_OK);
	w = t->postmortem.what_happened;
	ck_assert_ptr_nonnull(w);
	ck_assert(mti_str_starts(w, "PID 4642 (kdevtmpfsi) ran in container d4abb3cb95d0 "
	                            "(metabase) of image metabase/metabase:v0.46.6. How it got "
	                            "in: the application spawned a shell"));
	ck_assert(strstr(w, "The binary /tmp/kdevtmpfsi is dropped into the container's "
	                    "writable layer after the image was built and was deleted after it "
	                    "started; it was last written at 2026-11-23T09:41:19.000Z"));
	ck_assert(strstr(w, "and started at 2026-11-23T09:41:20.000Z."));
	ck_assert(strstr(w, "is not from a trusted registry"));
	ck_assert_uint_gt(t->postmortem.timeline.n_events, 8);
	mt_trace_free(t);
}
END_TEST

/* Writes data at top/rel, creating the directories on the way. */
static void put_file(const char *top, const char *rel, const char *data)
{
	char path[512];
	size_t i, n;
	FILE *f;

	n = (size_t)snprintf(path, sizeof(path), "%s/%s", top, rel);
	ck_assert_uint_lt(n, sizeof(path));
	for (i = strlen(top) + 1; i < n; i++)
		if (path[i] == '/') {
			path[i] = '\0';
			mkdir(path, 0755);
			path[i] = '/';
		}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(data, f);
	fclose(f);
}

static const struct mt_persistence_item *item(const struct mt_trace *t, const char *path,
                                              bool on_host)
{
	size_t i;

	for (i = 0; i < t->postmortem.persistence.n_items; i++)
		if (strcmp(t->postmortem.persistence.items[i].path, path) == 0 &&
		    t->postmortem.persistence.items[i].on_host == on_host)
			return &t->postmortem.persistence.items[i];
	return NULL;
}

START_TEST(persistence_kinds)
{
	ck_assert_int_eq(mti_persistence_kind("/var/spool/cron/crontabs/root"), MT_PERSIST_CRON);
	ck_assert_int_eq(mti_persistence_kind("/etc/cron.d/x"), MT_PERSIST_CRON);
	ck_assert_int_eq(mti_persistence_kind("/etc/ld.so.preload"), MT_PERSIST_PRELOAD);
	ck_assert_int_eq(mti_persistence_kind("/home/bob/.ssh/authorized_keys"),
	                 MT_PERSIST_SSH_KEYS);
	ck_assert_int_eq(mti_persistence_kind("/etc/systemd/system/x.service"),
	                 MT_PERSIST_SYSTEMD_UNIT);
	ck_assert_int_eq(mti_persistence_kind("/root/.bashrc"), MT_PERSIST_SHELL_RC);
	ck_assert_int_eq(mti_persistence_kind("/etc/cron.d"), -1);
	ck_assert_int_eq(mti_persistence_kind("/etc/cron.d/a/b"), -1);
	ck_assert_int_eq(mti_persistence_kind("/etc/crontab.bak"), -1);
	ck_assert_int_eq(mti_persistence_kind("/home//.bashrc"), -1);
	ck_assert_int_eq(mti_persistence_kind("/tmp/kdevtmpfsi"), -1);
	ck_assert_int_eq(mti_persistence_kind(NULL), -1);
}
END_TEST

/* A writable layer with persistence files and traps, a lower layer whose
 * crontab came with the image, and a host whose cron and systemd name the
 * miner or not. */
START_TEST(persistence_layer_and_host)
{
	char top[] = "/tmp/mt-persistence.XXXXXX", upper[64], host[64], path[128], big[6000];
	struct mt_trace *t = dropper(), *t2;
	struct mti_host_files *cache = NULL;
	const struct mt_persistence *ps = &t->postmortem.persistence;
	const struct mt_persistence_item *it;

	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(upper, sizeof(upper), "%s/upper", top);
	snprintf(host, sizeof(host), "%s/host", top);
	ck_assert_int_eq(mkdir(upper, 0755), 0);
	ck_assert_int_eq(mkdir(host, 0755), 0);
	t->chain[0].exe.path = mti_strdup("/tmp/kdevtmpfsi");
	put_file(top, "lower/etc/crontab", "17 * * * * root cd / && run-parts /etc/cron.hourly\n");
	put_file(top, "lower/etc/cron.d/image-job", "* * * * * root /usr/bin/true\n");
	put_file(upper, "var/spool/cron/crontabs/root", "* * * * * /tmp/kdevtmpfsi\n");
	put_file(upper, "etc/ld.so.preload", "/usr/lib/libprocesshider.so\n");
	put_file(upper, "root/.ssh/authorized_keys", "ssh-ed25519 AAAAC3 attacker\n");
	put_file(upper, "home/bob/.ssh/authorized_keys", "ssh-rsa AAAAB3 bob\n");
	put_file(upper, "tmp/kinsing", "not a persistence place\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put_file(upper, "etc/cron.d/big", big);
	snprintf(path, sizeof(path), "%s/etc/rc.local", upper);
	ck_assert_int_eq(mkfifo(path, 0600), 0); /* must not block, nor be read */
	snprintf(path, sizeof(path), "%s/etc/profile", upper);
	ck_assert_int_eq(symlink("/tmp/kinsing", path), 0); /* never followed */
	put_file(host, "etc/cron.d/evil", "*/5 * * * * root /tmp/kdevtmpfsi -o pool\n");
	put_file(host, "etc/cron.d/benign", "0 3 * * * root /usr/sbin/logrotate\n");
	put_file(host, "etc/systemd/system/sysupdate.service",
	         "[Service]\nExecStart=/usr/local/bin/kdevtmpfsi\n");
	/* a merged /usr: /lib/systemd/system is /usr/lib/systemd/system */
	put_file(host, "usr/lib/systemd/system/ssh.service",
	         "[Service]\nExecStart=/usr/sbin/sshd\n");
	put_file(host, "usr/lib/systemd/system/kworker.service",
	         "[Service]\nExecStart=/tmp/kdevtmpfsi\n");
	snprintf(path, sizeof(path), "%s/lib", host);
	ck_assert_int_eq(symlink("usr/lib", path), 0);
	put_file(host, "etc/ld.so.preload", "");
	put_file(host, "root/.bashrc", "/tmp/kdevtmpfsi &\n"); /* not searched on the host */

	ck_assert_int_eq(mti_persistence_read(t, upper, host, &cache), MT_OK);
	ck_assert(ps->checked_container && ps->checked_host);
	it = item(t, "/var/spool/cron/crontabs/root", false);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->kind, MT_PERSIST_CRON);
	ck_assert_str_eq(it->content, "* * * * * /tmp/kdevtmpfsi\n");
	ck_assert(!it->content_truncated);
	ck_assert_uint_eq(it->size, 26);
	ck_assert_int_gt(it->mtime_ns, 0);
	ck_assert(strstr(it->why, "writable layer"));
	ck_assert_int_eq(item(t, "/etc/ld.so.preload", false)->kind, MT_PERSIST_PRELOAD);
	ck_assert_int_eq(item(t, "/root/.ssh/authorized_keys", false)->kind, MT_PERSIST_SSH_KEYS);
	ck_assert_int_eq(item(t, "/home/bob/.ssh/authorized_keys", false)->kind,
	                 MT_PERSIST_SSH_KEYS);
	it = item(t, "/etc/cron.d/big", false);
	ck_assert_ptr_nonnull(it);
	ck_assert_uint_eq(strlen(it->content), MTI_PERSIST_CONTENT);
	ck_assert(it->content_truncated);
	ck_assert_uint_eq(it->size, sizeof(big) - 1);
	/* the FIFO, the symlink, the image's own crontab, a file elsewhere */
	ck_assert_ptr_null(item(t, "/etc/rc.local", false));
	ck_assert_ptr_null(item(t, "/etc/profile", false));
	ck_assert_ptr_null(item(t, "/etc/crontab", false));
	ck_assert_ptr_null(item(t, "/etc/cron.d/image-job", false));
	ck_assert_ptr_null(item(t, "/tmp/kinsing", false));
	/* the host: only what names the miner, and a preload list only when it lists */
	it = item(t, "/etc/cron.d/evil", true);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->why, "a host file that names the miner (/tmp/kdevtmpfsi)");
	it = item(t, "/etc/systemd/system/sysupdate.service", true);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->kind, MT_PERSIST_SYSTEMD_UNIT);
	ck_assert_str_eq(it->why, "a host file that names the miner (kdevtmpfsi)");
	ck_assert_ptr_null(item(t, "/etc/cron.d/benign", true));
	ck_assert_ptr_null(item(t, "/lib/systemd/system/ssh.service", true));
	ck_assert_ptr_null(item(t, "/usr/lib/systemd/system/ssh.service", true));
	ck_assert_ptr_null(item(t, "/etc/ld.so.preload", true));
	ck_assert_ptr_null(item(t, "/root/.bashrc", true));
	/* the unit of the merged /usr, once under its first name */
	ck_assert_ptr_nonnull(item(t, "/lib/systemd/system/kworker.service", true));
	ck_assert_ptr_null(item(t, "/usr/lib/systemd/system/kworker.service", true));
	ck_assert_uint_eq(ps->n_items, 8);
	/* a second trace searches the host files read by the first */
	t2 = dropper();
	t2->chain[0].exe.path = mti_strdup("/tmp/kdevtmpfsi");
	put_file(host, "etc/cron.d/later", "* * * * * root /tmp/kdevtmpfsi\n");
	ck_assert_int_eq(mti_persistence_read(t2, NULL, host, &cache), MT_OK);
	ck_assert(t2->postmortem.persistence.checked_host);
	ck_assert_uint_eq(t2->postmortem.persistence.n_items, 3);
	ck_assert_ptr_nonnull(item(t2, "/etc/cron.d/evil", true));
	ck_assert_ptr_null(item(t2, "/etc/cron.d/later", true)); /* read once per session */
	mt_trace_free(t2);
	mti_host_files_free(cache);
	/* in the timeline and in what happened */
	ck_assert_int_eq(mti_postmortem_build(t, NULL, 0), MT_OK);
	ck_assert_int_eq(
	    t->postmortem.timeline
	        .events[find_event(&t->postmortem.timeline, MT_TIME_PERSISTENCE_MODIFIED)]
	        .untrusted,
	    true);
	ck_assert_msg(
	    strstr(t->postmortem.what_happened,
	           "Left behind to come back: cron /etc/cron.d/big (in the container), cron "
	           "/var/spool/cron/crontabs/root (in the container)"),
	    "%s", t->postmortem.what_happened);
	ck_assert(strstr(t->postmortem.what_happened, "cron /etc/cron.d/evil (on the host)"));
	mt_trace_free(t);
	snprintf(path, sizeof(path), "rm -rf '%s'", top);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* The captured tables: a listener on 127.0.0.1:3333 (31200), a connection
 * to it (31201), one over IPv6 to port 4444 (41000). */
START_TEST(network_from_tables)
{
	static const char other[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
	                            "tm->when retrnsmt   uid  timeout inode\n"
	                            "   0: 0100007F:9C41 0100007F:01BB 01 00000000:00000000 "
	                            "00:00000000 00000000     0        0 31300 1 0 20 4 30 10 -1\n";
	const uint64_t inodes[] = {31201, 31200, 31201, 41000, 31300, 99999};
	struct mti_tcp_table table = {NULL, 0};
	struct mti_signatures sigs;
	struct mt_trace *t = dropper();
	struct mt_target_net *net = &t->postmortem.network;
	size_t len;
	char *text;

	memset(&sigs, 0, sizeof(sigs));
	ck_assert_int_eq(mti_signatures_builtin(&sigs), MT_OK);
	text = slurp(MT_FIXTURES_DIR "/net/tcp", &len);
	ck_assert_int_eq(mti_tcp_parse(text, len, false, &table), MT_OK);
	free(text);
	text = slurp(MT_FIXTURES_DIR "/net/tcp6", &len);
	ck_assert_int_eq(mti_tcp_parse(text, len, true, &table), MT_OK);
	free(text);
	ck_assert_int_eq(mti_tcp_parse(other, sizeof(other) - 1, false, &table), MT_OK);
	ck_assert_int_eq(mti_target_net_match(net, inodes, MTI_ARRAY_LEN(inodes), &table, &sigs),
	                 MT_OK);
	ck_assert_uint_eq(net->n_conns, 4); /* the dup()ed socket once, the unknown inode none */
	ck_assert_str_eq(net->conns[0].state, "established");
	ck_assert_str_eq(net->conns[0].local, "127.0.0.1");
	ck_assert_uint_eq(net->conns[0].local_port, 40000);
	ck_assert_str_eq(net->conns[0].remote, "127.0.0.1");
	ck_assert_uint_eq(net->conns[0].remote_port, 3333);
	ck_assert(net->conns[0].pool_port && !net->conns[0].listening);
	ck_assert_str_eq(net->conns[1].state, "listen");
	ck_assert(net->conns[1].listening && !net->conns[1].pool_port);
	ck_assert_uint_eq(net->conns[1].local_port, 3333);
	ck_assert_str_eq(net->conns[2].remote, "[::1]");
	ck_assert_uint_eq(net->conns[2].remote_port, 4444);
	ck_assert(net->conns[2].pool_port);
	ck_assert_uint_eq(net->conns[3].remote_port, 443); /* not a pool port */
	ck_assert(!net->conns[3].pool_port);
	ck_assert_int_eq(mti_postmortem_build(t, NULL, 0), MT_OK);
	ck_assert_msg(strstr(t->postmortem.what_happened,
	                     " It is connected to 127.0.0.1:3333, [::1]:4444, mining pool ports of "
	                     "the miner signatures"),
	              "%s", t->postmortem.what_happened);
	ck_assert(strstr(t->postmortem.what_happened, " It listens on 127.0.0.1:3333."));
	ck_assert_str_eq(mti_tcp_state_name(10), "listen");
	ck_assert_str_eq(mti_tcp_state_name(99), "unknown");
	mti_tcp_free(&table);
	mti_signatures_free(&sigs);
	mt_trace_free(t);
}
END_TEST

/* Two matches: PID 5000 in container cid, PID 5001 on the host. */
static void spread_two(struct mt_spread *sp, const char *cid)
{
	sp->checked = true;
	sp->procs = calloc(2, sizeof(*sp->procs));
	ck_assert_ptr_nonnull(sp->procs);
	sp->procs[0].pid = 5000;
	sp->procs[0].exe_path = mti_strdup("/tmp/kdevtmpfsi");
	sp->procs[0].match = mti_strdup("sha256");
	sp->procs[0].container_id = mti_strdup(cid);
	sp->procs[1].pid = 5001;
	sp->procs[1].exe_path = mti_strdup("/tmp/kinsing");
	sp->procs[1].match = mti_strdup("sha256");
	sp->n_procs = 2;
	sp->n_other_containers = 1;
}

START_TEST(spread_matches)
{
	struct mt_exe e;
	struct mt_spread *sp;
	struct mt_trace *t;

	memset(&e, 0, sizeof(e));
	e.path = "/tmp/kdevtmpfsi";
	e.have_stat = true;
	e.size = 866000;
	e.inode = 77;
	e.dev_major = 0;
	e.dev_minor = 52;
	strcpy(e.sha256, "71c693d3bb4a170abdebce1bffaacff3a3ab1851610c854703f270edadcb24da");
	ck_assert_str_eq(mti_spread_match(&e, "other", 866000, 0, 52, 77, ""), "same-file");
	ck_assert_str_eq(mti_spread_match(&e, "x", 866000, 0, 53, 9, e.sha256), "sha256");
	ck_assert_ptr_null(mti_spread_match(&e, "kdevtmpfsi", 866000, 0, 53, 9, "00"));
	ck_assert_ptr_null(mti_spread_match(&e, "kdevtmpfsi", 866001, 0, 52, 77, e.sha256));
	e.sha256[0] = '\0'; /* not hashed: name and size */
	ck_assert_str_eq(mti_spread_match(&e, "kdevtmpfsi", 866000, 0, 53, 9, ""), "name-and-size");
	ck_assert_ptr_null(mti_spread_match(&e, "kinsing", 866000, 0, 53, 9, ""));
	e.have_stat = false;
	ck_assert_ptr_null(mti_spread_match(&e, "kdevtmpfsi", 866000, 0, 52, 77, ""));

	t = dropper();
	sp = &t->postmortem.spread;
	spread_two(sp, "ab" CID);
	ck_assert_int_eq(mti_postmortem_build(t, NULL, 0), MT_OK);
	ck_assert_msg(strstr(t->postmortem.what_happened,
	                     " The same miner runs in 1 more container (2 more processes of the "
	                     "host run the same binary)."),
	              "%s", t->postmortem.what_happened);
	mt_trace_free(t);
}
END_TEST

START_TEST(same_image_containers)
{
	static const char other[] =
	    "7f3b9c1e2d4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4";
	struct mt_spread_image *si;
	struct mt_spread *sp;
	struct mt_trace *t = dropper();
	size_t len;
	char *json = slurp(DIR "containers-same-image.json", &len);

	sp = &t->postmortem.spread;
	si = &sp->same_image;
	ck_assert_int_eq(mti_decode_container_list(json, len, IMG, CID, t, si), MT_OK);
	si->checked = true;
	spread_two(sp, other);
	mti_spread_mark_running(sp);
	ck_assert_uint_eq(si->n_containers, 2);
	ck_assert(si->containers[0].runs_miner);  /* metabase-2 */
	ck_assert(!si->containers[1].runs_miner); /* metabase-old: its image, no miner */
	ck_assert_uint_eq(si->n_running_miner, 1);
	si->containers[0].file_in_layer = 1;
	si->containers[1].file_in_layer = 0;
	si->n_file_in_layer = 1;
	si->layers_looked_at = 2;
	ck_assert_int_eq(mti_spread_image_words(si), MT_OK);
	ck_assert_str_eq(si->text,
	                 "2 more containers of the same image; the same miner runs in 1 of "
	                 "them; the same file lies in the writable layer of 1 container "
	                 "(2 searched)");
	ck_assert_int_eq(mti_postmortem_build(t, NULL, 0), MT_OK);
	ck_assert_msg(strstr(t->postmortem.what_happened, si->text), "%s",
	              t->postmortem.what_happened);
	mti_spread_image_clear(si);
	ck_assert_int_eq(mti_spread_image_words(si), MT_OK);
	ck_assert_str_eq(si->text, "No other container of the same image exists");
	mt_trace_free(t);
	free(json);
}
END_TEST

/* Writes n bytes of s to dir/rel. */
static void put(int dir, const char *rel, const char *s)
{
	int fd = openat(dir, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

START_TEST(same_file_in_writable_layer)
{
	char root[] = "/tmp/mt-layer-XXXXXX", host[] = "/tmp/mt-host-XXXXXX", path[64];
	struct mt_exe e;
	int dfd, hfd, fd;

	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_ptr_nonnull(mkdtemp(host));
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	hfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_ge(hfd, 0);
	ck_assert_int_eq(mkdirat(dfd, "tmp", 0755), 0);
	put(hfd, "miner", "miner-bytes");
	memset(&e, 0, sizeof(e));
	e.path = path;
	e.have_stat = true;
	e.size = 11;
	fd = openat(hfd, "miner", O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(mti_sha256_fd(fd, MTI_HASH_MAX_BYTES, e.sha256, NULL), MT_OK);
	close(fd);
	snprintf(path, sizeof(path), "/tmp/kdevtmpfsi");
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 0); /* absent */
	put(dfd, "tmp/kdevtmpfsi", "miner-bytes");
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 1);
	put(dfd, "tmp/kdevtmpfsi", "other-bytes"); /* same size, other content */
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 0);
	e.sha256[0] = '\0'; /* not hashed: the size alone */
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 1);
	/* a link to the host's copy is not followed */
	ck_assert_int_eq(unlinkat(dfd, "tmp/kdevtmpfsi", 0), 0);
	snprintf(path, sizeof(path), "%s/miner", host);
	ck_assert_int_eq(symlinkat(path, dfd, "tmp/kdevtmpfsi"), 0);
	snprintf(path, sizeof(path), "/tmp/kdevtmpfsi");
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 0);
	ck_assert_int_eq(unlinkat(dfd, "tmp/kdevtmpfsi", 0), 0);
	/* nor a link to a copy inside the layer: only the regular file counts */
	put(dfd, "tmp/copy", "miner-bytes");
	ck_assert_int_eq(symlinkat("copy", dfd, "tmp/kdevtmpfsi"), 0);
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 0);
	ck_assert_int_eq(unlinkat(dfd, "tmp/kdevtmpfsi", 0), 0);
	ck_assert_int_eq(unlinkat(dfd, "tmp/copy", 0), 0);
	/* a FIFO is no file and is never waited on */
	ck_assert_int_eq(mkfifoat(dfd, "tmp/kdevtmpfsi", 0600), 0);
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 0);
	ck_assert_int_eq(unlinkat(dfd, "tmp/kdevtmpfsi", 0), 0);
	/* nor is a path that climbs out of the layer */
	snprintf(path, sizeof(path), "/../%s/miner", strrchr(host, '/') + 1);
	ck_assert_int_eq(mti_spread_file_in_layer(dfd, &e), 0);
	ck_assert_int_eq(unlinkat(dfd, "tmp", AT_REMOVEDIR), 0);
	ck_assert_int_eq(unlinkat(hfd, "miner", 0), 0);
	close(dfd);
	close(hfd);
	ck_assert_int_eq(rmdir(root), 0);
	ck_assert_int_eq(rmdir(host), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("postmortem");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, engine_times);
	tcase_add_test(tc, timeline_ordered);
	tcase_add_test(tc, timeline_boot_time);
	tcase_add_test(tc, timeline_capped);
	tcase_add_test(tc, story_application_spawned_shell);
	tcase_add_test(tc, story_label_version_and_one_liner);
	tcase_add_test(tc, story_entrypoint_shell_is_no_exploit);
	tcase_add_test(tc, story_docker_exec);
	tcase_add_test(tc, story_unwanted_image);
	tcase_add_test(tc, shells_and_downloaders);
	tcase_add_test(tc, references);
	tcase_add_test(tc, registry_check);
	tcase_add_test(tc, config_file);
	tcase_add_test(tc, what_happened);
	tcase_add_test(tc, persistence_kinds);
	tcase_add_test(tc, persistence_layer_and_host);
	tcase_add_test(tc, network_from_tables);
	tcase_add_test(tc, spread_matches);
	tcase_add_test(tc, same_image_containers);
	tcase_add_test(tc, same_file_in_writable_layer);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
