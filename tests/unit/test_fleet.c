/* Unit tests: lib/fleet.c and lib/render_fleet.c (minertrace report) on
 * generated scan and trace documents, hostile and malformed ones among them. */
#include <check.h>
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "util.h"

#define NOW_MS 1795000000000LL        /* 2026-11-17T...: the reader's clock in these tests */
#define AT "2026-11-17T10:00:00.000Z" /* before NOW_MS */
#define FUTURE "2027-01-01T00:00:00.000Z"
#define SHA_A "71c693d3bb4a170abdebce1bffaacff3a3ab1851610c854703f270edadcb24da"
#define SHA_B "0000000000000000000000000000000000000000000000000000000000000abc"
#define IMG_X "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define IMG_M "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define IMG_W "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define IMG_R "sha256:4444444444444444444444444444444444444444444444444444444444444444"
#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"

/* One finding of a generated scan document. */
struct spec {
	int pid;
	int score;
	const char *comm;
	const char *path;
	bool deleted;
	const char *sha;
	const char *ref;
	const char *image_id;
	const char *start;
	const char *trace_host; /* the nested trace's evidence.hostname; NULL: the document's */
};

static cJSON *evidence(const char *host, const char *boot, const char *at)
{
	cJSON *ev = cJSON_CreateObject();

	cJSON_AddStringToObject(ev, "collected_at", at);
	if (host)
		cJSON_AddStringToObject(ev, "hostname", host);
	else
		cJSON_AddNullToObject(ev, "hostname");
	cJSON_AddStringToObject(ev, "boot_id", boot);
	return ev;
}

/* A trace document of the finding s, as minertrace --json writes it. */
static cJSON *make_trace(const char *host, const char *boot, const char *at, const struct spec *s)
{
	cJSON *t = cJSON_CreateObject(), *chain, *p0, *exe, *cs, *c, *eng, *img, *dig, *target;

	cJSON_AddStringToObject(t, "schema", "minertrace/1");
	cJSON_AddItemToObject(t, "evidence",
	                      evidence(s->trace_host ? s->trace_host : host, boot, at));
	target = cJSON_AddObjectToObject(t, "target");
	cJSON_AddNumberToObject(target, "pid", s->pid);
	cJSON_AddStringToObject(target, "status", "traced");
	chain = cJSON_AddArrayToObject(t, "chain");
	p0 = cJSON_CreateObject();
	cJSON_AddItemToArray(chain, p0);
	cJSON_AddNumberToObject(p0, "pid", s->pid);
	cJSON_AddStringToObject(p0, "comm", s->comm);
	if (s->start)
		cJSON_AddStringToObject(p0, "start_time", s->start);
	exe = cJSON_AddObjectToObject(p0, "exe");
	cJSON_AddStringToObject(exe, "path", s->path);
	cJSON_AddBoolToObject(exe, "deleted", s->deleted);
	if (s->sha)
		cJSON_AddStringToObject(exe, "sha256", s->sha);
	else
		cJSON_AddNullToObject(exe, "sha256");
	cs = cJSON_AddArrayToObject(t, "containers");
	if (s->ref) {
		cJSON_AddStringToObject(p0, "container_id", CID);
		c = cJSON_CreateObject();
		cJSON_AddItemToArray(cs, c);
		cJSON_AddStringToObject(c, "id", CID);
		cJSON_AddStringToObject(c, "short_id", "d4abb3cb95d0");
		eng = cJSON_AddObjectToObject(c, "engine");
		img = cJSON_AddObjectToObject(eng, "image");
		cJSON_AddStringToObject(img, "reference", s->ref);
		cJSON_AddStringToObject(img, "id", s->image_id);
		dig = cJSON_AddArrayToObject(img, "repo_digests");
		cJSON_AddItemToArray(dig, cJSON_CreateString("xmrig/xmrig@" IMG_R));
	} else {
		cJSON_AddNullToObject(p0, "container_id");
	}
	cJSON_AddStringToObject(cJSON_AddObjectToObject(t, "verdict"), "classification",
	                        "introduced-process");
	return t;
}

/* A scan document of host with findings s[0..n). */
static char *make_scan(const char *host, const char *boot, const char *at, const struct spec *s,
                       size_t n)
{
	cJSON *doc = cJSON_CreateObject(), *arr;
	char *out;
	size_t i;

	cJSON_AddStringToObject(doc, "schema", "minertrace-scan/1");
	cJSON_AddItemToObject(doc, "evidence", evidence(host, boot, at));
	arr = cJSON_AddArrayToObject(doc, "findings");
	for (i = 0; i < n; i++) {
		cJSON *f = cJSON_CreateObject(), *sigs = cJSON_CreateArray(),
		      *sig = cJSON_CreateObject();

		cJSON_AddItemToArray(arr, f);
		cJSON_AddNumberToObject(f, "pid", s[i].pid);
		cJSON_AddNumberToObject(f, "score", s[i].score);
		cJSON_AddStringToObject(f, "comm", s[i].comm);
		cJSON_AddStringToObject(sig, "id", "miner-name");
		cJSON_AddItemToArray(sigs, sig);
		cJSON_AddItemToObject(f, "signals", sigs);
		cJSON_AddItemToObject(f, "trace", make_trace(host, boot, at, &s[i]));
	}
	out = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	ck_assert_ptr_nonnull(out);
	return out;
}

static struct mt_fleet_reader *reader(void)
{
	struct mt_fleet_options o;
	struct mt_fleet_reader *r;

	mt_fleet_options_init(&o);
	o.now_ms = NOW_MS;
	r = mt_fleet_reader_new(&o);
	ck_assert_ptr_nonnull(r);
	return r;
}

static void add(struct mt_fleet_reader *r, const char *source, char *doc)
{
	ck_assert_int_eq(mt_fleet_add_buffer(r, source, doc, strlen(doc)), MT_OK);
	free(doc);
}

static void add_text(struct mt_fleet_reader *r, const char *source, const char *doc)
{
	ck_assert_int_eq(mt_fleet_add_buffer(r, source, doc, strlen(doc)), MT_OK);
}

static struct mt_fleet *finish(struct mt_fleet_reader *r)
{
	struct mt_fleet *f = NULL;

	ck_assert_int_eq(mt_fleet_finish(r, &f), MT_OK);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* Renders f in one of the three media into a new string. */
static char *render(const struct mt_fleet *f, int medium)
{
	struct mt_render_options ro = {MT_COLOR_NEVER, 0, true};
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(m);
	if (medium == 0)
		ck_assert_int_eq(mt_render_fleet_text(f, &ro, m), MT_OK);
	else if (medium == 1)
		ck_assert_int_eq(mt_render_fleet_json(f, &ro, m), MT_OK);
	else
		ck_assert_int_eq(mt_render_fleet_markdown(f, &ro, m), MT_OK);
	fclose(m);
	return out;
}

static bool has_warning(const struct mt_fleet *f, const char *subject, const char *words)
{
	size_t i;

	for (i = 0; i < f->n_warnings; i++)
		if ((!subject || strcmp(f->warnings[i].subject, subject) == 0) &&
		    strstr(f->warnings[i].message, words))
			return true;
	return false;
}

/* The fleet of the issue: xmrig on two hosts, one dropped binary in three
 * images, a clean host. */
static struct mt_fleet *sample_fleet(void)
{
	struct mt_fleet_reader *r = reader();
	const struct spec web1[] = {{101, 100, "xmrig", "/xmrig", false, SHA_B,
	                             "xmrig/xmrig:latest", IMG_X, "2026-11-17T08:00:00.000Z", NULL},
	                            {102, 90, "kdevtmpfsi", "/tmp/kdevtmpfsi", true, SHA_A,
	                             "metabase/metabase:v0.46.6", IMG_M, "2026-11-17T09:00:00.000Z",
	                             NULL}};
	const struct spec web2[] = {{201, 100, "xmrig", "/xmrig", false, SHA_B,
	                             "xmrig/xmrig:latest", IMG_X, "2026-11-17T07:30:00.000Z",
	                             NULL}};
	const struct spec web3[] = {{301, 80, "kdevtmpfsi", "/tmp/kdevtmpfsi", true, SHA_A,
	                             "acme/web:1.4", IMG_W, "2026-11-17T06:00:00.000Z", NULL}};
	const struct spec db1[] = {{401, 70, "kdevtmpfsi", "/tmp/kdevtmpfsi", true, SHA_A,
	                            "redis:7", IMG_R, "2026-11-17T09:30:00.000Z", NULL}};

	add(r, "fleet/web-1.json", make_scan("web-1", "b1", AT, web1, 2));
	add(r, "fleet/web-2.json", make_scan("web-2", "b2", AT, web2, 1));
	add(r, "fleet/web-3.json", make_scan("web-3", "b3", AT, web3, 1));
	add(r, "fleet/db-1.json", make_scan("db-1", "b4", AT, db1, 1));
	add(r, "fleet/cache-1.json", make_scan("cache-1", "b5", AT, NULL, 0));
	return finish(r);
}

START_TEST(t_groups)
{
	struct mt_fleet *f = sample_fleet();
	char *text;

	ck_assert_uint_eq(f->n_hosts, 5);
	ck_assert_uint_eq(f->n_suspicious, 4);
	ck_assert_uint_eq(f->n_clean, 1);
	ck_assert_uint_eq(f->n_failed, 0);
	ck_assert_uint_eq(f->n_findings, 5);
	/* ranked by score, then host name */
	ck_assert_int_eq(f->findings[0].score, 100);
	ck_assert_str_eq(f->hosts[f->findings[0].host].name, "web-1");
	ck_assert_str_eq(f->hosts[f->findings[1].host].name, "web-2");
	ck_assert_int_eq(f->findings[4].score, 70);
	/* the xmrig image on two hosts comes first among images (most hosts) */
	ck_assert_uint_eq(f->n_images, 4);
	ck_assert_str_eq(f->images[0].key, IMG_X);
	ck_assert_str_eq(f->images[0].label, "xmrig/xmrig:latest");
	ck_assert_str_eq(f->images[0].detail, "xmrig/xmrig@" IMG_R);
	ck_assert_uint_eq(f->images[0].n_hosts, 2);
	ck_assert_uint_eq(f->images[0].n_findings, 2);
	ck_assert_str_eq(f->hosts[f->images[0].first_host].name, "web-2");
	/* the same deleted binary in three images on three hosts */
	ck_assert_uint_eq(f->n_binaries, 2);
	ck_assert_str_eq(f->binaries[0].key, SHA_A);
	ck_assert_uint_eq(f->binaries[0].n_hosts, 3);
	ck_assert_uint_eq(f->binaries[0].n_images, 3);
	ck_assert(f->binaries[0].deleted);
	ck_assert_str_eq(f->hosts[f->binaries[0].first_host].name, "web-3");
	text = render(f, 0);
	ck_assert_ptr_nonnull(
	    strstr(text, "5 hosts: 4 suspicious, 1 clean, 0 failed · 5 findings"));
	ck_assert_ptr_nonnull(strstr(text,
	                             "image xmrig/xmrig:latest on 2 hosts (2 findings), first "
	                             "seen 2026-11-17T07:30:00.000Z on web-2"));
	ck_assert_ptr_nonnull(strstr(text, "the same deleted executable /tmp/kdevtmpfsi (sha256 "
	                                   "71c693d3bb4a) in 3 images on 3 hosts, first seen "
	                                   "2026-11-17T06:00:00.000Z on web-3"));
	free(text);
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_json)
{
	struct mt_fleet *f = sample_fleet();
	char *json = render(f, 1);
	cJSON *root = cJSON_Parse(json), *x;

	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "schema")->valuestring, "minertrace-fleet/1");
	x = cJSON_GetObjectItem(root, "summary");
	ck_assert_int_eq(cJSON_GetObjectItem(x, "hosts")->valueint, 5);
	ck_assert_int_eq(cJSON_GetObjectItem(x, "suspicious")->valueint, 4);
	x = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "images"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(x, "id")->valuestring, IMG_X);
	ck_assert_str_eq(cJSON_GetObjectItem(x, "reference")->valuestring, "xmrig/xmrig:latest");
	ck_assert_int_eq(cJSON_GetObjectItem(x, "hosts")->valueint, 2);
	ck_assert_str_eq(cJSON_GetObjectItem(x, "first_seen")->valuestring,
	                 "2026-11-17T07:30:00.000Z");
	x = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "binaries"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(x, "sha256")->valuestring, SHA_A);
	ck_assert_int_eq(cJSON_GetObjectItem(x, "images")->valueint, 3);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(x, "deleted")));
	x = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "findings"), 0);
	ck_assert_int_eq(cJSON_GetObjectItem(x, "rank")->valueint, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(x, "host")->valuestring, "web-1");
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(x, "signals"), 0)->valuestring,
	                 "miner-name");
	cJSON_Delete(root);
	free(json);
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_hostile_strings)
{
	struct mt_fleet_reader *r = reader();
	const struct spec s[] = {{7, 95, "x|`*\033[2J\a", "/tmp/\xff\xfe\r\n", true, SHA_A,
	                          "evil/\033]0;pwned\a:1 | `rm`", IMG_X, NULL, NULL}};
	struct mt_fleet *f;
	char *text, *md, *json;
	cJSON *root, *h;

	add(r, "in/evil.json", make_scan("web\033[31m\nFAKE\xe2\x80\xae", "b", AT, s, 1));
	f = finish(r);
	text = render(f, 0);
	md = render(f, 2);
	json = render(f, 1);
	/* no escape, bell, carriage return or bidi override reaches the terminal */
	ck_assert_ptr_null(strchr(text, '\033'));
	ck_assert_ptr_null(strchr(text, '\a'));
	ck_assert_ptr_null(strchr(text, '\r'));
	ck_assert_ptr_null(strstr(text, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(text, "web\\e[31m\\nFAKE"));
	ck_assert_ptr_null(strstr(text, "\nFAKE"));
	/* a pipe in a cell cannot break the Markdown table */
	ck_assert_ptr_null(strchr(md, '\033'));
	ck_assert_ptr_nonnull(strstr(md, "x\\|\\`\\*"));
	ck_assert_ptr_null(strstr(md, "x|`"));
	/* JSON stays valid, the exact bytes of a bad path are kept */
	root = cJSON_Parse(json);
	ck_assert_ptr_nonnull(root);
	h = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "findings"), 0);
	ck_assert_ptr_nonnull(cJSON_GetObjectItem(h, "exe_path_base64"));
	ck_assert_str_eq(cJSON_GetObjectItem(h, "comm")->valuestring, "x|`*\033[2J\a");
	cJSON_Delete(root);
	free(text);
	free(md);
	free(json);
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_malformed)
{
	struct mt_fleet_reader *r = reader();
	struct mt_fleet *f;
	size_t i, failed = 0;

	add_text(r, "a.json", "{\"schema\": \"minertrace-scan/1\", \"evidence\": {");
	add_text(r, "b.json", "[1, 2, 3]");
	add_text(r, "c.json", "{\"schema\": \"something-else/9\"}");
	add_text(r, "d.json", "{\"schema\": \"minertrace-fleet/1\", \"summary\": {}}");
	add_text(r, "e.json", "{\"schema\": \"minertrace-scan/1\", \"findings\": []}");
	add_text(r, "f.json",
	         "{\"schema\": \"minertrace-scan/1\", \"evidence\": {\"hostname\": "
	         "\"h\", \"collected_at\": \"" AT "\"}, \"findings\": 5}");
	add_text(r, "g.json", "   \n");
	/* wrong types and out-of-range values inside an otherwise good document */
	add_text(
	    r, "h.json",
	    "{\"schema\": \"minertrace-scan/1\", \"evidence\": {\"hostname\": 42, "
	    "\"collected_at\": \"yesterday\"}, \"findings\": ["
	    "{\"pid\": 1, \"score\": \"100\"}, {\"pid\": -4, \"score\": 50}, "
	    "{\"pid\": 9, \"score\": 101}, {\"pid\": 5, \"score\": 50.5}, 7, "
	    "{\"pid\": 10, \"score\": 60, \"comm\": [\"x\"], \"trace\": {\"target\": {\"pid\": "
	    "10}, \"chain\": [{\"exe\": {\"path\": \"/x\", \"sha256\": \"../../etc\"}}]}}]}");
	f = finish(r);
	ck_assert_uint_eq(f->n_hosts, 8);
	for (i = 0; i < f->n_hosts; i++)
		if (f->hosts[i].state == MT_HOST_FAILED) {
			failed++;
			ck_assert_ptr_nonnull(f->hosts[i].failure);
		}
	ck_assert_uint_eq(failed, 7);
	ck_assert_uint_eq(f->n_failed, 7);
	ck_assert_ptr_nonnull(strstr(f->hosts[0].failure, "not JSON"));
	ck_assert_ptr_nonnull(strstr(f->hosts[1].failure, "no \"schema\""));
	ck_assert_ptr_nonnull(strstr(f->hosts[2].failure, "unknown schema"));
	ck_assert_ptr_nonnull(strstr(f->hosts[3].failure, "unknown schema"));
	ck_assert_ptr_nonnull(strstr(f->hosts[4].failure, "no evidence"));
	ck_assert_ptr_nonnull(strstr(f->hosts[5].failure, "no findings array"));
	ck_assert_ptr_nonnull(strstr(f->hosts[6].failure, "empty file"));
	/* h.json: only the one valid finding is kept; its bad hash is dropped */
	ck_assert_int_eq(f->hosts[7].state, MT_HOST_SUSPICIOUS);
	ck_assert_ptr_null(f->hosts[7].name);
	ck_assert_int_eq(f->hosts[7].collected_ms, -1);
	ck_assert_uint_eq(f->n_findings, 1);
	ck_assert_int_eq(f->findings[0].pid, 10);
	ck_assert_ptr_null(f->findings[0].comm);
	ck_assert_ptr_null(f->findings[0].sha256);
	ck_assert_str_eq(f->findings[0].exe_path, "/x");
	ck_assert(has_warning(f, "h.json", "not a SHA-256"));
	ck_assert(has_warning(f, "h.json", "finding 1 has no valid score"));
	ck_assert(has_warning(f, "h.json", "finding 4 has no valid score"));
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_other_host)
{
	struct mt_fleet_reader *r = reader();
	const struct spec s[] = {
	    {11, 100, "xmrig", "/xmrig", false, SHA_B, "xmrig/xmrig:latest", IMG_X, NULL, "db-7"},
	    {12, 50, "sh", "/bin/sh", false, NULL, NULL, NULL, NULL, NULL}};
	struct mt_fleet *f;
	size_t i;

	add(r, "web-1.json", make_scan("web-1", "b1", AT, s, 2));
	f = finish(r);
	/* the trace that claims to be from db-7 neither creates db-7 nor moves */
	ck_assert_uint_eq(f->n_hosts, 1);
	ck_assert_str_eq(f->hosts[0].name, "web-1");
	ck_assert_uint_eq(f->n_findings, 2);
	for (i = 0; i < f->n_findings; i++)
		ck_assert_uint_eq(f->findings[i].host, 0);
	ck_assert_uint_eq(f->images[0].n_hosts, 1);
	ck_assert(has_warning(f, "web-1.json",
	                      "finding 1 (PID 11) carries a trace from another "
	                      "host: counted for this document's host only"));
	ck_assert(!has_warning(f, NULL, "finding 2 (PID 12) carries"));
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_trace_about_other_pid)
{
	struct mt_fleet_reader *r = reader();
	const struct spec s[] = {
	    {11, 100, "xmrig", "/xmrig", false, SHA_B, "xmrig/xmrig:latest", IMG_X, NULL, NULL}};
	char *doc = make_scan("web-1", "b1", AT, s, 1);
	char *p = strstr(doc, "\"target\":{\"pid\":11");
	struct mt_fleet *f;

	ck_assert_ptr_nonnull(p);
	memcpy(p + strlen("\"target\":{\"pid\":"), "99", 2);
	add(r, "w.json", doc);
	f = finish(r);
	ck_assert_uint_eq(f->n_findings, 1);
	ck_assert_ptr_null(f->findings[0].sha256);
	ck_assert_ptr_null(f->findings[0].image_id);
	ck_assert(has_warning(f, "w.json", "its trace is about another PID"));
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_duplicate_names)
{
	struct mt_fleet_reader *r = reader();
	const struct spec s[] = {
	    {11, 100, "xmrig", "/xmrig", false, SHA_B, "xmrig/xmrig:latest", IMG_X, NULL, NULL}};
	struct mt_fleet *f;

	add(r, "web-1.json", make_scan("web-1", "b1", AT, s, 1));
	/* another document claims web-1, clean, written later: it hides nothing */
	add(r, "web-1-again.json", make_scan("web-1", "b1", "2026-11-17T11:00:00.000Z", NULL, 0));
	/* a third host replays web-1's boot ID under its own name */
	add(r, "db-1.json", make_scan("db-1", "b1", AT, NULL, 0));
	/* a fourth passes itself off as a failure record of db-1 */
	add_text(r, "cache-1.json", "{\"schema\": \"minertrace-host-failure/1\", \"host\": "
	                            "\"db-1\", \"message\": \"unreachable\"}");
	f = finish(r);
	ck_assert_uint_eq(f->n_hosts, 4);
	ck_assert_uint_eq(f->n_suspicious, 1);
	ck_assert_uint_eq(f->n_clean, 2);
	ck_assert_uint_eq(f->n_failed, 1);
	ck_assert_uint_eq(f->n_findings, 1);
	ck_assert(has_warning(f, NULL, "host name web-1 is claimed by 2 documents"));
	ck_assert(has_warning(f, NULL, "host name db-1 is claimed by 2 documents"));
	ck_assert(
	    has_warning(f, NULL, "boot ID b1 appears in 3 documents with different host names"));
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_future_times)
{
	struct mt_fleet_reader *r = reader();
	const struct spec early[] = {{5, 90, "xmrig", "/xmrig", false, SHA_B, "xmrig/xmrig:latest",
	                              IMG_X, "2026-11-17T05:00:00.000Z", NULL}};
	/* claims its miner started long before everyone else's, but after its
	 * own scan: not believed */
	const struct spec liar[] = {{6, 90, "xmrig", "/xmrig", false, SHA_B, "xmrig/xmrig:latest",
	                             IMG_X, "2026-11-17T11:00:00.000Z", NULL}};
	const struct spec ahead[] = {{7, 90, "xmrig", "/xmrig", false, SHA_B, "xmrig/xmrig:latest",
	                              IMG_X, "2026-11-17T01:00:00.000Z", NULL}};
	struct mt_fleet *f;
	size_t i;

	add(r, "a.json", make_scan("a", "ba", AT, early, 1));
	add(r, "b.json", make_scan("b", "bb", AT, liar, 1));
	add(r, "c.json", make_scan("c", "bc", FUTURE, ahead, 1));
	f = finish(r);
	ck_assert_int_eq(f->hosts[2].collected_ms, -1);
	ck_assert(has_warning(f, "c.json",
	                      "collected_at 2027-01-01T00:00:00.000Z is ahead of this "
	                      "clock: not used"));
	ck_assert(
	    has_warning(f, "b.json", "PID 6: start time is malformed or later than the scan"));
	for (i = 0; i < f->n_findings; i++)
		if (f->findings[i].pid == 6)
			ck_assert_int_eq(f->findings[i].started_ms, -1);
	/* c's own start time is before the reader's clock and its scan time is
	 * unknown, so it is credible and the earliest */
	ck_assert_uint_eq(f->n_images, 1);
	ck_assert_str_eq(f->hosts[f->images[0].first_host].name, "c");
	mt_fleet_free(f);
}
END_TEST

START_TEST(t_stream)
{
	struct mt_fleet_reader *r = reader();
	struct mti_buf b;
	struct mt_fleet *f;
	char *d;

	mti_buf_init(&b);
	d = make_scan("n1", "b1", AT, NULL, 0);
	mti_buf_printf(&b, "%s\n", d);
	free(d);
	d = make_scan("n2", "b2", AT, NULL, 0);
	mti_buf_printf(&b, "%s\n", d);
	free(d);
	mti_buf_puts(
	    &b, "{\"schema\":\"minertrace-host-failure/1\",\"host\":\"n3\",\"message\":"
	        "\"unreachable: ssh: connect to host 127.0.0.9 port 1: Connection refused\"}\n");
	mti_buf_puts(&b, "garbage after the documents");
	ck_assert_int_eq(mt_fleet_add_buffer(r, "pods.log", b.data, b.len), MT_OK);
	mti_buf_free(&b);
	f = finish(r);
	ck_assert_uint_eq(f->n_hosts, 4);
	ck_assert_str_eq(f->hosts[0].source, "pods.log");
	ck_assert_str_eq(f->hosts[1].source, "pods.log#2");
	ck_assert_str_eq(f->hosts[2].name, "n3");
	ck_assert_str_eq(f->hosts[2].kind, "failure");
	ck_assert_int_eq(f->hosts[2].state, MT_HOST_FAILED);
	ck_assert_ptr_nonnull(strstr(f->hosts[2].failure, "Connection refused"));
	ck_assert_str_eq(f->hosts[3].source, "pods.log#4");
	ck_assert_ptr_nonnull(strstr(f->hosts[3].failure, "not JSON"));
	ck_assert_uint_eq(f->n_clean, 2);
	ck_assert_uint_eq(f->n_failed, 2);
	mt_fleet_free(f);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

START_TEST(t_files)
{
	char dir[] = "/tmp/mt-fleet-XXXXXX", path[512], *doc;
	struct mt_fleet_options o;
	struct mt_fleet_reader *r;
	struct mt_fleet *f;
	char big[5000];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	doc = make_scan("a", "ba", AT, NULL, 0);
	write_file(dir, "a.json", doc, strlen(doc));
	free(doc);
	doc = make_scan("b", "bb", AT, NULL, 0);
	write_file(dir, "b.json", doc, strlen(doc));
	write_file(dir, "notes.txt", doc, strlen(doc)); /* not *.json: not read */
	free(doc);
	memset(big, ' ', sizeof(big));
	write_file(dir, "e.json", big, sizeof(big));
	snprintf(path, sizeof(path), "%s/c.json", dir);
	ck_assert_int_eq(symlink("/etc/hostname", path), 0);
	snprintf(path, sizeof(path), "%s/d.json", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0); /* nobody writes: a blocking open would hang */
	mt_fleet_options_init(&o);
	o.now_ms = NOW_MS;
	o.max_file_bytes = 4096;
	r = mt_fleet_reader_new(&o);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(mt_fleet_add_path(r, dir), MT_OK);
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	ck_assert_int_eq(mt_fleet_add_path(r, path), MT_ERR_NOT_FOUND);
	snprintf(path, sizeof(path), "%s/d.json", dir);
	ck_assert_int_eq(mt_fleet_add_path(r, path),
	                 MT_OK); /* named itself: still not opened blocking */
	f = finish(r);
	ck_assert_uint_eq(f->n_hosts, 3);
	ck_assert_str_eq(f->hosts[0].name, "a");
	ck_assert_str_eq(f->hosts[1].name, "b");
	ck_assert_ptr_nonnull(strstr(f->hosts[2].source, "/e.json"));
	ck_assert_ptr_nonnull(strstr(f->hosts[2].failure, "larger than the cap"));
	snprintf(path, sizeof(path), "%s/c.json", dir);
	ck_assert(has_warning(f, path, "symbolic link: not followed"));
	snprintf(path, sizeof(path), "%s/d.json", dir);
	ck_assert(has_warning(f, path, "not a regular file"));
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	ck_assert(has_warning(f, path, "cannot open"));
	mt_fleet_free(f);
	for (const char *const *n = (const char *const[]){"a.json", "b.json", "c.json", "d.json",
	                                                  "e.json", "notes.txt", NULL};
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
}
END_TEST

START_TEST(t_limits)
{
	struct mt_fleet_options o;
	struct mt_fleet_reader *r;
	struct mt_fleet *f;
	struct spec *many = calloc(MT_FLEET_MAX_FINDINGS + 5, sizeof(*many));
	char *deep = malloc(200001);
	size_t i;

	ck_assert_ptr_nonnull(many);
	ck_assert_ptr_nonnull(deep);
	mt_fleet_options_init(&o);
	o.now_ms = NOW_MS;
	o.max_documents = 3;
	r = mt_fleet_reader_new(&o);
	for (i = 0; i < MT_FLEET_MAX_FINDINGS + 5; i++)
		many[i] =
		    (struct spec){(int)i + 1, 50, "m", "/m", false, NULL, NULL, NULL, NULL, NULL};
	add(r, "many.json", make_scan("m", "bm", AT, many, MT_FLEET_MAX_FINDINGS + 5));
	/* nesting far deeper than any document: refused, no stack exhausted */
	memset(deep, '[', 200000);
	deep[200000] = '\0';
	add_text(r, "deep.json", deep);
	add_text(r, "x.json", "{}");
	add_text(r, "y.json", "{}");
	f = finish(r);
	ck_assert_uint_eq(f->n_hosts, 3);
	ck_assert_uint_eq(f->hosts[0].n_findings, MT_FLEET_MAX_FINDINGS);
	ck_assert(has_warning(f, "many.json", "more than 1000 findings"));
	ck_assert_ptr_nonnull(strstr(f->hosts[1].failure, "not JSON"));
	ck_assert(has_warning(f, "y.json", "more than 3 documents"));
	mt_fleet_free(f);
	free(many);
	free(deep);
}
END_TEST

static Suite *fleet_suite(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, t_groups);
	tcase_add_test(tc, t_json);
	tcase_add_test(tc, t_hostile_strings);
	tcase_add_test(tc, t_malformed);
	tcase_add_test(tc, t_other_host);
	tcase_add_test(tc, t_trace_about_other_pid);
	tcase_add_test(tc, t_duplicate_names);
	tcase_add_test(tc, t_future_times);
	tcase_add_test(tc, t_stream);
	tcase_add_test(tc, t_files);
	tcase_add_test(tc, t_limits);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(fleet_suite)
