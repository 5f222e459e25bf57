/* Unit tests: lib/engine_decode.c, on replies captured from a real dockerd
 * (tests/fixtures/engine) and on hostile ones. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "engine_fixture.h"
#include "engine_decode.h"
#include "trace_model.h"
#include "util.h"

static struct mt_trace *new_trace(void)
{
	struct mt_trace *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	return t;
}

static bool has_warning(const struct mt_trace *t, const char *needle)
{
	size_t i;

	for (i = 0; i < t->n_warnings; i++)
		if (strstr(t->warnings[i].message, needle))
			return true;
	return false;
}

START_TEST(version_real)
{
	size_t len;
	char *json = slurp(DIR "version.json", &len), *api, *ver, *os;

	ck_assert_int_eq(mti_decode_version(json, len, NULL, &api, &ver, &os), MT_OK);
	ck_assert_str_eq(api, "1.41");
	ck_assert(mti_str_starts(ver, "20.10"));
	ck_assert_str_eq(os, "linux");
	free(api);
	free(ver);
	free(os);
	free(json);
}
END_TEST

START_TEST(api_versions_parsed_as_given)
{
	static const struct {
		const char *s;
		unsigned major, minor;
	} good[] = {{"1.41", 1, 41},
	            {"0.1", 0, 1},
	            {"99", 99, 0},
	            {"2.0", 2, 0},
	            {"1.12", 1, 12},
	            {"1.99", 1, 99},
	            {"9999.9999", 9999, 9999},
	            {"1.024", 1, 24}};
	static const char *const bad[] = {"",      "1.",      ".1",    "1..2", "1.2.3",  "-1.2",
	                                  "+1.2",  " 1.2",    "1.2 ",  "1.2x", "v1.41",  "1,41",
	                                  "12345", "1.99999", "0x1.2", "1.-2", "1.4\n1", "garbage"};
	struct mti_api_version v;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v.major = v.minor = 7777;
		ck_assert_msg(mti_parse_api_version(good[i].s, &v), "rejected \"%s\"", good[i].s);
		ck_assert_uint_eq(v.major, good[i].major);
		ck_assert_uint_eq(v.minor, good[i].minor);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v.major = v.minor = 7777;
		ck_assert_msg(!mti_parse_api_version(bad[i], &v), "accepted \"%s\"", bad[i]);
		ck_assert_uint_eq(v.major, 7777);
	}
	ck_assert(!mti_parse_api_version(NULL, &v));
}
END_TEST

START_TEST(container_real)
{
	size_t len, n_ids;
	char *json = slurp(DIR "container.json", &len), **ids;
	struct mt_engine_container ec;
	struct mt_trace *t = new_trace();

	ck_assert_int_eq(mti_decode_container(json, len, CID, t, &ec, &ids, &n_ids), MT_OK);
	ck_assert_str_eq(ec.name, "metabase");
	ck_assert_str_eq(ec.image_ref, "metabase/metabase:v0.46.6");
	ck_assert_str_eq(ec.image_id, IMG);
	ck_assert_str_eq(ec.status, "running");
	ck_assert_int_gt(ec.init_pid, 1);
	ck_assert_str_eq(ec.path, "/init");
	ck_assert_uint_ge(ec.n_args, 5);
	ck_assert_str_eq(ec.args[0], "app");
	ck_assert_str_eq(ec.entrypoint[0], "/init");
	ck_assert(!ec.privileged);
	ck_assert_str_eq(ec.network_mode, "none");
	ck_assert_str_eq(ec.graph_driver, "overlay2");
	ck_assert(mti_str_ends(ec.upper_dir, "/diff"));
	ck_assert_uint_eq(n_ids, 1);
	ck_assert_str_eq(ids[0], XID);
	ck_assert_uint_eq(t->n_warnings, 0);
	mti_strv_free(ids, n_ids);
	mti_engine_container_clear(&ec);
	mt_trace_free(t);
	free(json);
}
END_TEST

START_TEST(container_for_another_id_is_rejected)
{
	size_t len, n_ids;
	char *json = slurp(DIR "container.json", &len), **ids;
	struct mt_engine_container ec;
	struct mt_trace *t = new_trace();

	ck_assert_int_eq(
	    mti_decode_container(json, len,
	                         "0000000000000000000000000000000000000000000000000000000000000000",
	                         t, &ec, &ids, &n_ids),
	    MT_ERR_ENGINE_REPLY);
	ck_assert_ptr_null(ec.name);
	ck_assert(has_warning(t, "not the 0000"));
	mt_trace_free(t);
	free(json);
}
END_TEST

START_TEST(container_wrong_types_are_ignored)
{
	static const char json[] =
	    "{\"Id\":\"" CID "\",\"Name\":5,\"Image\":[\"x\"],\"Config\":\"nope\","
	    "\"State\":{\"Pid\":-7,\"Status\":true},\"HostConfig\":{\"Privileged\":\"yes\","
	    "\"CapAdd\":[\"SYS_ADMIN\",7],\"PidMode\":\"host\"},"
	    "\"ExecIDs\":[1,\"../../etc\",\"" XID "\"],"
	    "\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/var/run/docker.sock\","
	    "\"Destination\":\"/var/run/docker.sock\",\"RW\":true},"
	    "{\"Type\":\"bind\",\"Source\":\"/\",\"Destination\":\"/host\",\"RW\":false},"
	    "{\"Type\":\"volume\",\"Source\":\"/var/lib/docker/volumes/x\",\"Destination\":\"/d\"},"
	    "\"junk\"]}";
	size_t n_ids;
	char **ids;
	struct mt_engine_container ec;
	struct mt_trace *t = new_trace();

	ck_assert_int_eq(mti_decode_container(json, sizeof(json) - 1, CID, t, &ec, &ids, &n_ids),
	                 MT_OK);
	ck_assert_ptr_null(ec.name);
	ck_assert_ptr_null(ec.image_id);
	ck_assert_ptr_null(ec.image_ref);
	ck_assert_int_eq(ec.init_pid, 0);
	ck_assert(!ec.privileged);
	ck_assert_str_eq(ec.pid_mode, "host");
	ck_assert_uint_eq(ec.n_cap_add, 1);
	ck_assert_uint_eq(n_ids, 1);
	ck_assert_str_eq(ids[0], XID);
	ck_assert_uint_eq(ec.n_mounts, 3);
	ck_assert_ptr_nonnull(ec.mounts[0].risk);
	ck_assert(strstr(ec.mounts[0].risk, "engine socket"));
	ck_assert_ptr_nonnull(ec.mounts[1].risk);
	ck_assert(strstr(ec.mounts[1].risk, "read-only"));
	ck_assert_ptr_null(ec.mounts[2].risk);
	ck_assert(has_warning(t, "\"Name\""));
	ck_assert(has_warning(t, "\"Config\""));
	mti_strv_free(ids, n_ids);
	mti_engine_container_clear(&ec);
	mt_trace_free(t);
}
END_TEST

START_TEST(malformed_replies)
{
	static const char *const bad[] = {
	    "", "{", "[1,2", "null", "\"x\"", "{\"Id\":", "{\"Id\":\"" CID "\"", "\xff\xfe"};
	struct mt_engine_container ec;
	size_t i, n_ids;
	char **ids;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mt_trace *t = new_trace();

		ck_assert_int_eq(
		    mti_decode_container(bad[i], strlen(bad[i]), CID, t, &ec, &ids, &n_ids),
		    MT_ERR_ENGINE_REPLY);
		ck_assert_uint_ge(t->n_warnings, 1);
		mt_trace_free(t);
	}
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
	struct mti_buf b;
	struct mt_engine_container ec;
	char **ids;
	size_t n_ids, i;
	struct mt_trace *t = new_trace();

	mti_buf_init(&b);
	mti_buf_puts(&b, "{\"Id\":\"" CID "\",\"Config\":");
	for (i = 0; i < 100000; i++)
		mti_buf_putc(&b, '[');
	for (i = 0; i < 100000; i++)
		mti_buf_putc(&b, ']');
	mti_buf_putc(&b, '}');
	ck_assert_int_eq(mti_decode_container(b.data, b.len, CID, t, &ec, &ids, &n_ids),
	                 MT_ERR_ENGINE_REPLY);
	mti_buf_free(&b);
	mt_trace_free(t);
}
END_TEST

START_TEST(image_real_is_local)
{
	size_t len;
	char *json = slurp(DIR "image.json", &len);
	struct mt_image img;

	ck_assert_int_eq(mti_decode_image(json, len, IMG, NULL, &img), MT_OK);
	ck_assert_uint_eq(img.n_repo_tags, 1);
	ck_assert_str_eq(img.repo_tags[0], "metabase/metabase:v0.46.6");
	ck_assert_uint_eq(img.n_repo_digests, 0);
	ck_assert_int_eq(img.source, MT_IMAGE_SOURCE_LOCAL);
	ck_assert_ptr_null(img.registry);
	mti_image_clear(&img);
	ck_assert_int_eq(mti_decode_image(json, len, "sha256:00", NULL, &img), MT_ERR_ENGINE_REPLY);
	free(json);
}
END_TEST

START_TEST(image_sources)
{
	static const char hub[] = "{\"Id\":\"sha256:ab\",\"RepoTags\":[\"xmrig/xmrig:latest\"],"
	                          "\"RepoDigests\":[\"xmrig/xmrig@sha256:1234\"]}";
	static const char ghcr[] =
	    "{\"Id\":\"sha256:ab\",\"RepoDigests\":[\"ghcr.io/o/i@sha256:1\"]}";
	struct mt_image img;

	ck_assert_int_eq(mti_decode_image(hub, sizeof(hub) - 1, "sha256:ab", NULL, &img), MT_OK);
	ck_assert_int_eq(img.source, MT_IMAGE_SOURCE_DOCKER_HUB);
	ck_assert_str_eq(img.registry, "docker.io");
	mti_image_clear(&img);
	ck_assert_int_eq(mti_decode_image(ghcr, sizeof(ghcr) - 1, "sha256:ab", NULL, &img), MT_OK);
	ck_assert_int_eq(img.source, MT_IMAGE_SOURCE_REGISTRY);
	ck_assert_str_eq(img.registry, "ghcr.io");
	mti_image_clear(&img);
}
END_TEST

START_TEST(reference_registries)
{
	static const struct {
		const char *ref, *registry;
	} cases[] = {
	    {"ubuntu", "docker.io"},
	    {"metabase/metabase@sha256:aa", "docker.io"},
	    {"docker.io/library/alpine", "docker.io"},
	    {"index.docker.io/x/y", "docker.io"},
	    {"registry-1.docker.io/x/y", "docker.io"},
	    {"ghcr.io/org/img:1", "ghcr.io"},
	    {"localhost:5000/img", "localhost:5000"},
	    {"localhost/img", "localhost"},
	    {"registry.internal.corp/team/app", "registry.internal.corp"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = mti_reference_registry(cases[i].ref);

		ck_assert_str_eq(r, cases[i].registry);
		free(r);
	}
}
END_TEST

START_TEST(exec_real)
{
	size_t len;
	char *json = slurp(DIR "exec-" XID ".json", &len);
	struct mt_exec_session x;

	ck_assert_int_eq(mti_decode_exec(json, len, XID, CID, NULL, &x), MT_OK);
	ck_assert_str_eq(x.user, "1000");
	ck_assert_str_eq(x.entrypoint, "/usr/share/payload/miner");
	ck_assert_uint_eq(x.n_args, 4);
	ck_assert_str_eq(x.args[3], "randomx");
	ck_assert(x.running);
	ck_assert_int_eq(x.exit_code, -1);
	ck_assert_int_gt(x.pid, 1);
	ck_assert(!x.privileged);
	ck_assert_int_eq(x.chain_index, -1);
	mti_exec_session_clear(&x);
	/* an exec of another container is not ours */
	ck_assert_int_eq(mti_decode_exec(json, len, XID, "ffff", NULL, &x), MT_ERR_ENGINE_REPLY);
	free(json);
}
END_TEST

START_TEST(events_real)
{
	size_t len, n, i;
	char *body = slurp(DIR "events.json", &len);
	struct mt_event *ev;
	bool saw_exec = false;

	ck_assert_int_eq(mti_decode_events(body, len, CID, NULL, &ev, &n), MT_OK);
	ck_assert_uint_ge(n, 4);
	ck_assert_str_eq(ev[0].action, "create");
	ck_assert_str_eq(ev[0].detail, "metabase/metabase:v0.46.6");
	ck_assert_int_gt(ev[0].time_ns, 1700000000000000000LL);
	for (i = 0; i < n; i++) {
		if (strcmp(ev[i].action, "exec_start") == 0) {
			saw_exec = true;
			ck_assert_str_eq(ev[i].exec_id, XID);
			ck_assert_str_eq(ev[i].detail,
			                 "/usr/share/payload/miner --donate-level 1 -a randomx");
		}
	}
	ck_assert(saw_exec);
	for (i = 0; i < n; i++)
		mti_event_clear(&ev[i]);
	free(ev);
	free(body);
}
END_TEST

START_TEST(events_hostile)
{
	static const char body[] =
	    "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" CID "\"},"
	    "\"time\":1}\n"
	    "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"other\"},\"time\":2}"
	    "\n"
	    "[1,2]\n"
	    "{\"Action\":7,\"Actor\":{\"ID\":\"" CID "\"},\"timeNano\":\"x\"}\n"
	    "{broken\n"
	    "{\"Type\":\"container\",\"Action\":\"kill\",\"Actor\":{\"ID\":\"" CID "\"}}\n";
	struct mt_event *ev;
	struct mt_trace *t = new_trace();
	size_t n, i;

	ck_assert_int_eq(mti_decode_events(body, sizeof(body) - 1, CID, t, &ev, &n), MT_OK);
	/* ours only, and nothing after the broken object */
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ev[0].action, "start");
	ck_assert_ptr_null(ev[1].action);
	ck_assert(has_warning(t, "not a JSON event"));
	for (i = 0; i < n; i++)
		mti_event_clear(&ev[i]);
	free(ev);
	mt_trace_free(t);
}
END_TEST

START_TEST(changes_real_and_hostile)
{
	size_t len;
	char *json = slurp(DIR "changes.json", &len);
	struct mt_engine_container ec;
	static const char odd[] =
	    "[{\"Path\":\"/tmp/x\",\"Kind\":9},{\"Path\":7,\"Kind\":1},"
	    "{\"Path\":\"/dev/shm/m\",\"Kind\":1},{\"Path\":\"/etc/p\",\"Kind\":2},"
	    "{\"Path\":\"/var/tmp/z\",\"Kind\":2}]";

	memset(&ec, 0, sizeof(ec));
	ck_assert_int_eq(mti_decode_changes(json, len, "/tmp/kinsing", NULL, &ec), MT_OK);
	ck_assert(ec.have_changes);
	ck_assert_uint_eq(ec.n_added, 1);
	ck_assert_uint_eq(ec.n_modified, 1);
	ck_assert_int_eq(ec.target_change, MT_CHANGE_ADDED);
	ck_assert_uint_eq(ec.n_changes, 1);
	ck_assert_str_eq(ec.changes[0].path, "/tmp/kinsing");
	ck_assert(ec.changes[0].is_target_exe);
	mti_engine_container_clear(&ec);

	ck_assert_int_eq(mti_decode_changes("null", 4, "/x", NULL, &ec), MT_OK);
	ck_assert(ec.have_changes);
	ck_assert_uint_eq(ec.n_added + ec.n_modified + ec.n_deleted, 0);
	mti_engine_container_clear(&ec);

	ck_assert_int_eq(mti_decode_changes(odd, sizeof(odd) - 1, NULL, NULL, &ec), MT_OK);
	ck_assert_uint_eq(ec.n_added, 1);
	ck_assert_uint_eq(ec.n_deleted, 2);
	ck_assert_uint_eq(ec.n_changes, 1);
	ck_assert_str_eq(ec.changes[0].path, "/dev/shm/m");
	mti_engine_container_clear(&ec);

	ck_assert_int_eq(mti_decode_changes("{}", 2, NULL, NULL, &ec), MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_decode_changes("[", 1, NULL, NULL, &ec), MT_ERR_ENGINE_REPLY);
	free(json);
}
END_TEST

START_TEST(same_image_list_real)
{
	struct mt_spread_image si;
	size_t len;
	char *json = slurp(DIR "containers-same-image.json", &len);

	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(mti_decode_container_list(json, len, IMG, CID, NULL, &si), MT_OK);
	/* the target's own container is not one of the others */
	ck_assert_uint_eq(si.n_containers, 2);
	ck_assert_str_eq(si.containers[0].id,
	                 "7f3b9c1e2d4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4");
	ck_assert_str_eq(si.containers[0].name, "metabase-2");
	ck_assert_str_eq(si.containers[0].state, "running");
	ck_assert_int_eq(si.containers[0].created_ns, 1795945400LL * 1000000000LL);
	ck_assert_int_eq(si.containers[0].file_in_layer, -1);
	ck_assert(!si.containers[0].runs_miner);
	ck_assert_str_eq(si.containers[1].name, "metabase-old");
	ck_assert_str_eq(si.containers[1].state, "exited");
	ck_assert(!si.truncated);
	mti_spread_image_clear(&si);
	free(json);
}
END_TEST

START_TEST(same_image_list_hostile)
{
	static const char other_image[] =
	    "[{\"Id\":\"" CID "\",\"ImageID\":\"sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000\"}]";
	static const char bad_fields[] =
	    "[{\"Id\":\"../../etc\",\"ImageID\":\"" IMG "\"},"
	    "{\"Id\":\"" XID "\",\"ImageID\":\"" IMG "\",\"Names\":\"/x\",\"State\":7,"
	    "\"Created\":-5},42]";
	struct mt_trace *t = calloc(1, sizeof(*t));
	struct mt_spread_image si;
	struct mti_buf b;
	size_t i;

	ck_assert_ptr_nonnull(t);
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(mti_decode_container_list("{}", 2, IMG, NULL, t, &si),
	                 MT_ERR_ENGINE_REPLY);
	ck_assert_int_eq(mti_decode_container_list("[", 1, IMG, NULL, t, &si), MT_ERR_ENGINE_REPLY);
	ck_assert_uint_eq(si.n_containers, 0);
	/* a container of another image is no spread, even if the engine says so */
	ck_assert_int_eq(
	    mti_decode_container_list(other_image, sizeof(other_image) - 1, IMG, NULL, t, &si),
	    MT_OK);
	ck_assert_uint_eq(si.n_containers, 0);
	ck_assert_ptr_nonnull(strstr(t->warnings[t->n_warnings - 1].message, "not of image"));
	/* an ID that is no container ID is dropped; wrong types are left empty */
	ck_assert_int_eq(
	    mti_decode_container_list(bad_fields, sizeof(bad_fields) - 1, IMG, NULL, t, &si),
	    MT_OK);
	ck_assert_uint_eq(si.n_containers, 1);
	ck_assert_str_eq(si.containers[0].id, XID);
	ck_assert_ptr_null(si.containers[0].name);
	ck_assert_ptr_null(si.containers[0].state);
	ck_assert_int_eq(si.containers[0].created_ns, -1);
	mti_spread_image_clear(&si);
	/* capped */
	mti_buf_init(&b);
	ck_assert_int_eq(mti_buf_putc(&b, '['), MT_OK);
	for (i = 0; i < MTI_ENGINE_MAX_SAME_IMAGE + 6; i++)
		ck_assert_int_eq(mti_buf_printf(&b, "%s{\"Id\":\"%064zx\",\"ImageID\":\"%s\"}",
		                                i ? "," : "", i, IMG),
		                 MT_OK);
	ck_assert_int_eq(mti_buf_putc(&b, ']'), MT_OK);
	ck_assert_int_eq(mti_decode_container_list(b.data, b.len, IMG, NULL, t, &si), MT_OK);
	ck_assert_uint_eq(si.n_containers, MTI_ENGINE_MAX_SAME_IMAGE);
	ck_assert(si.truncated);
	mti_spread_image_clear(&si);
	mti_buf_free(&b);
	mt_trace_free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("engine_decode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, version_real);
	tcase_add_test(tc, api_versions_parsed_as_given);
	tcase_add_test(tc, container_real);
	tcase_add_test(tc, container_for_another_id_is_rejected);
	tcase_add_test(tc, container_wrong_types_are_ignored);
	tcase_add_test(tc, malformed_replies);
	tcase_add_test(tc, deep_nesting_is_refused);
	tcase_add_test(tc, image_real_is_local);
	tcase_add_test(tc, image_sources);
	tcase_add_test(tc, reference_registries);
	tcase_add_test(tc, exec_real);
	tcase_add_test(tc, events_real);
	tcase_add_test(tc, events_hostile);
	tcase_add_test(tc, changes_real_and_hostile);
	tcase_add_test(tc, same_image_list_real);
	tcase_add_test(tc, same_image_list_hostile);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
