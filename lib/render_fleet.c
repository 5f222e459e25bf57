/* The fleet report in three media: aligned text tables for a terminal,
 * JSON (schema minertrace-fleet/1) and Markdown. Every string came from a
 * host document and goes through the escaper of its medium; text and
 * Markdown share the same tables, cells escaped once for their medium. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <minertrace/fleet.h>
#include <minertrace/minertrace.h>

#include "escape.h"
#include "render_json.h"
#include "util.h"

#define CELL_MAX_COLS 40 /* a text column wider than this is cut with an ellipsis */
#define MAX_COLUMNS 8

typedef enum mt_err (*escape_fn)(struct mti_buf *out, const char *s, size_t len);

/* A table being built: headers, then rows of escaped cells. */
struct table {
	const char *title;
	size_t n_cols;
	const char *headers[MAX_COLUMNS];
	bool right[MAX_COLUMNS]; /* right-aligned (numbers) */
	char **cells;            /* n_rows * n_cols */
	size_t n_cells, cap_cells;
	escape_fn esc;
	enum mt_err err;
};

static void table_free(struct table *t)
{
	mti_strv_free(t->cells, t->n_cells);
	t->cells = NULL;
	t->n_cells = 0;
}

/* Appends a cell made of fmt (trusted) with each %s argument... replaced by
 * escaped untrusted text: the format takes only "%s" and "%%". */
static void cell(struct table *t, const char *fmt, ...)
{
	struct mti_buf b;
	va_list ap;
	const char *p;

	if (t->err)
		return;
	mti_buf_init(&b);
	va_start(ap, fmt);
	for (p = fmt; *p && !t->err; p++) {
		if (p[0] == '%' && p[1] == 's') {
			const char *s = va_arg(ap, const char *);

			t->err = t->esc(&b, s ? s : "-", s ? strlen(s) : 1);
			p++;
		} else {
			t->err = mti_buf_putc(&b, *p);
		}
	}
	va_end(ap);
	if (!t->err && !b.data)
		t->err = mti_buf_puts(&b, "");
	if (!t->err)
		t->err =
		    mti_grow((void **)&t->cells, &t->cap_cells, t->n_cells + 1, sizeof(char *));
	if (!t->err)
		t->cells[t->n_cells++] = mti_buf_steal(&b);
	mti_buf_free(&b);
}

/* A number or "-" for unknown (negative). */
static void cell_num(struct table *t, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	cell(t, v < 0 ? "-" : buf);
}

static void cell_time(struct table *t, int64_t ms)
{
	char buf[40];

	cell(t, ms < 0 ? "-" : mti_format_utc_ms(ms, buf, sizeof(buf)));
}

/* The name a host goes by: its claimed name, else its source. */
static const char *host_label(const struct mt_fleet *f, size_t host)
{
	return f->hosts[host].name ? f->hosts[host].name : f->hosts[host].source;
}

/* The first 12 hex digits of a SHA-256 reference, for a narrow column. */
static void cell_short_hash(struct table *t, const char *s)
{
	char buf[24];
	const char *p = s ? strstr(s, "sha256:") : NULL;

	if (!s) {
		cell(t, "-");
		return;
	}
	p = p ? p + 7 : s;
	snprintf(buf, sizeof(buf), "%.12s", p);
	cell(t, "%s", buf);
}

/* The cells every group row starts with: hosts, a second count (findings
 * or images), top score, first seen and where. */
static void group_cells(struct table *t, const struct mt_fleet *f, const struct mt_fleet_group *g,
                        size_t second)
{
	cell_num(t, (long long)g->n_hosts);
	cell_num(t, (long long)second);
	cell_num(t, g->top_score);
	cell_time(t, g->first_seen_ms);
	cell(t, "%s", host_label(f, g->first_host));
}

static void images_table(const struct mt_fleet *f, struct table *t)
{
	escape_fn esc = t->esc;
	size_t i;

	*t = (struct table){
	    .title = "Images",
	    .n_cols = 6,
	    .headers = {"HOSTS", "FINDINGS", "TOP", "FIRST SEEN", "FIRST HOST", "IMAGE"},
	    .right = {true, true, true},
	    .esc = esc};
	for (i = 0; i < f->n_images; i++) {
		const struct mt_fleet_group *g = &f->images[i];

		group_cells(t, f, g, g->n_findings);
		if (g->label && strcmp(g->label, g->key) != 0)
			cell(t, "%s %s", g->label, g->key);
		else
			cell(t, "%s", g->key);
	}
}

static void binaries_table(const struct mt_fleet *f, struct table *t)
{
	escape_fn esc = t->esc;
	size_t i;

	*t = (struct table){
	    .title = "Binaries",
	    .n_cols = 7,
	    .headers = {"HOSTS", "IMAGES", "TOP", "FIRST SEEN", "FIRST HOST", "SHA256", "PATH"},
	    .right = {true, true, true},
	    .esc = esc};
	for (i = 0; i < f->n_binaries; i++) {
		const struct mt_fleet_group *g = &f->binaries[i];

		group_cells(t, f, g, g->n_images);
		cell_short_hash(t, g->key);
		cell(t, g->deleted ? "%s (deleted)" : "%s", g->label);
	}
}

static void findings_table(const struct mt_fleet *f, struct table *t)
{
	escape_fn esc = t->esc;
	size_t i, k;

	*t = (struct table){
	    .title = "Findings",
	    .n_cols = 8,
	    .headers = {"SCORE", "HOST", "PID", "NAME", "CONTAINER", "IMAGE", "SHA256", "WHY"},
	    .right = {true, false, true},
	    .esc = esc};
	for (i = 0; i < f->n_findings; i++) {
		const struct mt_fleet_finding *x = &f->findings[i];
		struct mti_buf why;

		cell_num(t, x->score);
		cell(t, "%s", host_label(f, x->host));
		cell_num(t, x->pid);
		cell(t, "%s", x->comm);
		cell(t, "%s", x->container);
		cell(t, "%s", x->image_ref ? x->image_ref : x->image_id);
		cell_short_hash(t, x->sha256);
		mti_buf_init(&why);
		for (k = 0; k < x->n_signals && !t->err; k++)
			t->err = mti_buf_printf(&why, "%s%s", k ? ", " : "", x->signals[k]);
		cell(t, "%s", x->n_signals ? why.data : x->classification);
		mti_buf_free(&why);
	}
}

/* One sentence about a group seen on several hosts or in several images:
 * "image xmrig/xmrig:latest on 14 hosts", "the same deleted /tmp/x in 3
 * images". Untrusted parts go through esc. */
static enum mt_err spread_sentence(const struct mt_fleet *f, const struct mt_fleet_group *g,
                                   bool binary, escape_fn esc, struct mti_buf *b)
{
	char when[40];
	const char *who = host_label(f, g->first_host);
	enum mt_err err;

	if (binary) {
		err = mti_buf_printf(b, "the same %sexecutable ", g->deleted ? "deleted " : "");
		if (!err && g->label)
			err = esc(b, g->label, strlen(g->label));
		if (!err)
			err = mti_buf_printf(b, " (sha256 %.12s) in %zu image%s on %zu host%s",
			                     g->key, g->n_images, g->n_images == 1 ? "" : "s",
			                     g->n_hosts, g->n_hosts == 1 ? "" : "s");
	} else {
		err = mti_buf_puts(b, "image ");
		if (!err)
			err = esc(b, g->label ? g->label : g->key,
			          strlen(g->label ? g->label : g->key));
		if (!err)
			err = mti_buf_printf(b, " on %zu hosts (%zu findings)", g->n_hosts,
			                     g->n_findings);
	}
	if (!err && g->first_seen_ms >= 0)
		err = mti_buf_printf(b, ", first seen %s on ",
		                     mti_format_utc_ms(g->first_seen_ms, when, sizeof(when)));
	if (!err && g->first_seen_ms >= 0)
		err = esc(b, who, strlen(who));
	return err;
}

/* The sentences of the "Across hosts" part, each a line in *lines. */
static enum mt_err spread_lines(const struct mt_fleet *f, escape_fn esc, const char *bullet,
                                struct mti_buf *lines)
{
	size_t i, shared = 0;
	enum mt_err err = MT_OK;

	for (i = 0; i < f->n_images + f->n_binaries && !err; i++) {
		bool binary = i >= f->n_images;
		const struct mt_fleet_group *g =
		    binary ? &f->binaries[i - f->n_images] : &f->images[i];

		if (g->n_hosts < 2 && !(binary && g->n_images > 1))
			continue;
		shared++;
		err = mti_buf_puts(lines, bullet);
		if (!err)
			err = spread_sentence(f, g, binary, esc, lines);
		if (!err)
			err = mti_buf_putc(lines, '\n');
	}
	/* only when something is known to compare: hashes or images */
	if (!err && !shared && f->n_suspicious > 1 && f->n_images + f->n_binaries)
		err =
		    mti_buf_printf(lines,
		                   "%sthe findings on %zu hosts share no image and no executable: "
		                   "separate intrusions, or a miner rebuilt per host\n",
		                   bullet, f->n_suspicious);
	return err;
}

/* Writes b to out and empties it. */
static enum mt_err flush_buf(struct mti_buf *b, FILE *out)
{
	if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
		return MT_ERR_IO;
	mti_buf_reset(b);
	return ferror(out) ? MT_ERR_IO : MT_OK;
}

/* Appends cell s padded or cut to cols display columns. */
static enum mt_err text_cell(struct mti_buf *b, const char *s, size_t cols, bool right, bool last)
{
	size_t w = mti_display_width(s, strlen(s)), len = strlen(s);
	enum mt_err err = MT_OK;

	if (w > cols) {
		len = mti_prefix_for_width(s, len, cols ? cols - 1 : 0);
		err = mti_buf_append(b, s, len);
		if (!err)
			err = mti_buf_puts(b, "…");
		return err;
	}
	if (right)
		err = mti_buf_printf(b, "%*s", (int)(cols - w), "");
	if (!err)
		err = mti_buf_append(b, s, len);
	if (!err && !right && !last)
		err = mti_buf_printf(b, "%*s", (int)(cols - w), "");
	return err;
}

/* A table as aligned columns, two spaces apart; columns wider than
 * CELL_MAX_COLS and a last column past the terminal width are cut. */
static enum mt_err text_table(const struct table *t, unsigned width, struct mti_buf *b)
{
	size_t cols[MAX_COLUMNS] = {0}, rows, r, c, used = 1;
	enum mt_err err;

	if (!t->n_cols || t->n_cols > MAX_COLUMNS)
		return MT_ERR_INVALID_ARG;
	rows = t->n_cells / t->n_cols;

	err = mti_buf_printf(b, "\n%s\n", t->title);
	for (c = 0; c < t->n_cols; c++) {
		cols[c] = mti_display_width(t->headers[c], strlen(t->headers[c]));
		for (r = 0; r < rows; r++) {
			const char *s = t->cells[r * t->n_cols + c];
			size_t w = mti_display_width(s, strlen(s));

			if (w > cols[c])
				cols[c] = w;
		}
		if (c + 1 < t->n_cols && cols[c] > CELL_MAX_COLS)
			cols[c] = CELL_MAX_COLS;
		if (c + 1 < t->n_cols)
			used += cols[c] + 2;
	}
	if (width && width > used + 8 && cols[t->n_cols - 1] > width - used)
		cols[t->n_cols - 1] = width - used;
	for (r = 0; r <= rows && !err; r++) {
		err = mti_buf_putc(b, ' ');
		for (c = 0; c < t->n_cols && !err; c++) {
			const char *s = r == 0 ? t->headers[c] : t->cells[(r - 1) * t->n_cols + c];

			if (c)
				err = mti_buf_puts(b, "  ");
			if (!err)
				err = text_cell(b, s, cols[c], t->right[c], c + 1 == t->n_cols);
		}
		if (!err)
			err = mti_buf_putc(b, '\n');
	}
	return err;
}

/* A table in Markdown; cells were escaped for it. */
static enum mt_err markdown_table(const struct table *t, struct mti_buf *b)
{
	size_t rows = t->n_cells / t->n_cols, r, c;
	enum mt_err err = mti_buf_printf(b, "\n### %s\n\n", t->title);

	for (r = 0; r <= rows + 1 && !err; r++) {
		for (c = 0; c < t->n_cols && !err; c++) {
			const char *s = r == 0   ? t->headers[c]
			                : r == 1 ? (t->right[c] ? "--:" : "---")
			                         : t->cells[(r - 2) * t->n_cols + c];

			err = mti_buf_printf(b, "| %s ", s);
		}
		if (!err)
			err = mti_buf_puts(b, "|\n");
	}
	return err;
}

/* The failed hosts and the warnings, one line each, after bullet. */
static enum mt_err notes(const struct mt_fleet *f, escape_fn esc, const char *bullet, bool failed,
                         struct mti_buf *b)
{
	size_t i, n = failed ? f->n_hosts : f->n_warnings;
	enum mt_err err = MT_OK;

	for (i = 0; i < n && !err; i++) {
		const char *who, *what, *src;

		if (failed) {
			if (f->hosts[i].state != MT_HOST_FAILED)
				continue;
			who = host_label(f, i);
			src = f->hosts[i].source;
			what = f->hosts[i].failure;
		} else {
			who = f->warnings[i].subject;
			src = NULL;
			what = f->warnings[i].message;
		}
		err = mti_buf_puts(b, bullet);
		if (!err)
			err = esc(b, who, strlen(who));
		if (!err && src && strcmp(src, who) != 0) {
			err = mti_buf_puts(b, " (");
			if (!err)
				err = esc(b, src, strlen(src));
			if (!err)
				err = mti_buf_putc(b, ')');
		}
		if (!err)
			err = mti_buf_puts(b, ": ");
		if (!err && what)
			err = esc(b, what, strlen(what));
		if (!err)
			err = mti_buf_putc(b, '\n');
	}
	return err;
}

/* The head line and the counts, the same words in text and Markdown. */
static enum mt_err summary(const struct mt_fleet *f, const char *head, struct mti_buf *b)
{
	char when[40];

	return mti_buf_printf(
	    b,
	    "%sminertrace %s report · %s · %zu document%s\n"
	    "%zu host%s: %zu suspicious, %zu clean, %zu failed · %zu finding%s · "
	    "%zu image%s, %zu executable%s\n",
	    head, MT_VERSION, mti_format_utc_ms(f->generated_ms, when, sizeof(when)),
	    f->n_documents, f->n_documents == 1 ? "" : "s", f->n_hosts, f->n_hosts == 1 ? "" : "s",
	    f->n_suspicious, f->n_clean, f->n_failed, f->n_findings, f->n_findings == 1 ? "" : "s",
	    f->n_images, f->n_images == 1 ? "" : "s", f->n_binaries, f->n_binaries == 1 ? "" : "s");
}

/* Text (markdown false) or Markdown: the summary, the sentences across
 * hosts, the three tables, failed hosts and warnings. */
static enum mt_err render_tables(const struct mt_fleet *f, const struct mt_render_options *ro,
                                 bool markdown, FILE *out)
{
	void (*const builders[])(const struct mt_fleet *,
	                         struct table *) = {images_table, binaries_table, findings_table};
	escape_fn esc = markdown ? mti_escape_markdown : mti_escape_text;
	const char *bullet = markdown ? "- " : "  ";
	struct mti_buf b, part;
	enum mt_err err;
	size_t i;

	mti_buf_init(&b);
	mti_buf_init(&part);
	err = summary(f, markdown ? "## " : "", &b);
	if (!err)
		err = spread_lines(f, esc, bullet, &part);
	if (!err && part.len)
		err = mti_buf_printf(&b, "%s%s", markdown ? "\n### Across hosts\n\n" : "\n",
		                     part.data);
	for (i = 0; i < MTI_ARRAY_LEN(builders) && !err; i++) {
		struct table t = {.esc = esc};

		builders[i](f, &t);
		err = t.err;
		if (!err && t.n_cells)
			err = markdown ? markdown_table(&t, &b)
			               : text_table(&t, ro ? ro->width : 0, &b);
		table_free(&t);
		if (!err)
			err = flush_buf(&b, out);
	}
	for (i = 0; i < 2 && !err; i++) {
		mti_buf_reset(&part);
		err = notes(f, esc, bullet, i == 0, &part);
		if (!err && part.len)
			err = mti_buf_printf(&b, "\n%s%s\n%s", markdown ? "### " : "",
			                     i == 0 ? "Failed hosts" : "Warnings", part.data);
	}
	if (!err)
		err = flush_buf(&b, out);
	mti_buf_free(&b);
	mti_buf_free(&part);
	return err;
}

enum mt_err mt_render_fleet_text(const struct mt_fleet *f, const struct mt_render_options *ro,
                                 FILE *out)
{
	return render_tables(f, ro, false, out);
}

enum mt_err mt_render_fleet_markdown(const struct mt_fleet *f, const struct mt_render_options *ro,
                                     FILE *out)
{
	return render_tables(f, ro, true, out);
}

/* A child of o: an object (array false) or an array under key, or pushed
 * onto the array o when key is NULL. */
static cJSON *json_child(struct mti_json *j, cJSON *o, const char *key, bool array)
{
	cJSON *c;

	if (j->err || !o)
		return NULL;
	c = array ? cJSON_CreateArray() : cJSON_CreateObject();
	if (c && (key ? cJSON_AddItemToObject(o, key, c) : cJSON_AddItemToArray(o, c)))
		return c;
	cJSON_Delete(c);
	j->err = MT_ERR_NOMEM;
	return NULL;
}

/* A number, or null when negative (unknown). */
static void json_count(struct mti_json *j, cJSON *o, const char *key, long long v)
{
	if (v >= 0)
		mti_json_add_number(j, o, key, (double)v);
	else
		mti_json_add_bytes(j, o, key, NULL);
}

static void json_time(struct mti_json *j, cJSON *o, const char *key, int64_t ms)
{
	char buf[40];

	mti_json_add_bytes(j, o, key, ms < 0 ? NULL : mti_format_utc_ms(ms, buf, sizeof(buf)));
}

static void json_hosts(struct mti_json *j, cJSON *root, const struct mt_fleet *f)
{
	cJSON *arr = json_child(j, root, "hosts", true);
	size_t i;

	for (i = 0; i < f->n_hosts; i++) {
		const struct mt_fleet_host *h = &f->hosts[i];
		cJSON *o = json_child(j, arr, NULL, false);

		mti_json_add_bytes(j, o, "name", h->name);
		mti_json_add_bytes(j, o, "source", h->source);
		mti_json_add_bytes(j, o, "kind", h->kind);
		mti_json_add_bytes(j, o, "state", mt_host_state_name(h->state));
		json_time(j, o, "collected_at", h->collected_ms);
		mti_json_add_bytes(j, o, "boot_id", h->boot_id);
		json_count(j, o, "findings", (long long)h->n_findings);
		json_count(j, o, "top_score", h->top_score);
		mti_json_add_bytes(j, o, "failure", h->failure);
	}
}

static void json_findings(struct mti_json *j, cJSON *root, const struct mt_fleet *f)
{
	cJSON *arr = json_child(j, root, "findings", true);
	size_t i, k;

	for (i = 0; i < f->n_findings; i++) {
		const struct mt_fleet_finding *x = &f->findings[i];
		cJSON *o = json_child(j, arr, NULL, false), *img, *sigs;

		json_count(j, o, "rank", (long long)i + 1);
		mti_json_add_bytes(j, o, "host", f->hosts[x->host].name);
		mti_json_add_bytes(j, o, "source", f->hosts[x->host].source);
		json_count(j, o, "score", x->score);
		json_count(j, o, "pid", x->pid);
		mti_json_add_bytes(j, o, "comm", x->comm);
		mti_json_add_bytes(j, o, "exe_path", x->exe_path);
		mti_json_add_bool(j, o, "exe_deleted", x->exe_deleted);
		mti_json_add_bytes(j, o, "sha256", x->sha256);
		mti_json_add_bytes(j, o, "container", x->container);
		img = json_child(j, o, "image", false);
		mti_json_add_bytes(j, img, "reference", x->image_ref);
		mti_json_add_bytes(j, img, "id", x->image_id);
		mti_json_add_bytes(j, img, "digest", x->image_digest);
		mti_json_add_bytes(j, o, "classification", x->classification);
		json_time(j, o, "started_at", x->started_ms);
		sigs = json_child(j, o, "signals", true);
		for (k = 0; k < x->n_signals && !j->err; k++) {
			struct mti_buf disp;
			cJSON *s = NULL;

			/* an id that is not UTF-8 is shown with \xNN escapes */
			mti_buf_init(&disp);
			if (!mti_escape_json_display(&disp, x->signals[k], strlen(x->signals[k])) &&
			    disp.data)
				s = cJSON_CreateString(disp.data);
			mti_buf_free(&disp);
			if (!s || !cJSON_AddItemToArray(sigs, s)) {
				cJSON_Delete(s);
				j->err = MT_ERR_NOMEM;
			}
		}
	}
}

static void json_groups(struct mti_json *j, cJSON *root, const struct mt_fleet *f, bool binary)
{
	cJSON *arr = json_child(j, root, binary ? "binaries" : "images", true);
	size_t i, n = binary ? f->n_binaries : f->n_images;

	for (i = 0; i < n; i++) {
		const struct mt_fleet_group *g = binary ? &f->binaries[i] : &f->images[i];
		cJSON *o = json_child(j, arr, NULL, false);
		bool by_id = mti_str_starts(g->key, "sha256:");

		if (binary) {
			mti_json_add_bytes(j, o, "sha256", g->key);
			mti_json_add_bytes(j, o, "path", g->label);
			json_count(j, o, "paths", (long long)g->n_labels);
			mti_json_add_bool(j, o, "deleted", g->deleted);
			json_count(j, o, "images", (long long)g->n_images);
		} else {
			mti_json_add_bytes(j, o, "reference", g->label);
			mti_json_add_bytes(j, o, "id", by_id ? g->key : NULL);
			mti_json_add_bytes(j, o, "digest", g->detail);
			json_count(j, o, "references", (long long)g->n_labels);
		}
		json_count(j, o, "hosts", (long long)g->n_hosts);
		json_count(j, o, "findings", (long long)g->n_findings);
		json_count(j, o, "top_score", g->top_score);
		json_time(j, o, "first_seen", g->first_seen_ms);
		mti_json_add_bytes(j, o, "first_seen_host", f->hosts[g->first_host].name);
		mti_json_add_bytes(j, o, "first_seen_source", f->hosts[g->first_host].source);
	}
}

/* Fills root with the fleet document (schema minertrace-fleet/1). */
static void json_fleet(struct mti_json *j, cJSON *root, const struct mt_fleet *f)
{
	cJSON *s, *warn;
	char when[40];
	size_t i;

	mti_json_add_bytes(j, root, "schema", MT_FLEET_SCHEMA);
	mti_json_add_bytes(j, root, "generated_at",
	                   mti_format_utc_ms(f->generated_ms, when, sizeof(when)));
	mti_json_add_bytes(j, root, "minertrace_version", MT_VERSION);
	s = json_child(j, root, "summary", false);
	json_count(j, s, "documents", (long long)f->n_documents);
	json_count(j, s, "hosts", (long long)f->n_hosts);
	json_count(j, s, "suspicious", (long long)f->n_suspicious);
	json_count(j, s, "clean", (long long)f->n_clean);
	json_count(j, s, "failed", (long long)f->n_failed);
	json_count(j, s, "findings", (long long)f->n_findings);
	json_count(j, s, "images", (long long)f->n_images);
	json_count(j, s, "binaries", (long long)f->n_binaries);
	json_hosts(j, root, f);
	json_findings(j, root, f);
	json_groups(j, root, f, false);
	json_groups(j, root, f, true);
	warn = json_child(j, root, "warnings", true);
	for (i = 0; i < f->n_warnings; i++) {
		cJSON *w = json_child(j, warn, NULL, false);

		mti_json_add_bytes(j, w, "code", mt_err_name(f->warnings[i].code));
		mti_json_add_bytes(j, w, "subject", f->warnings[i].subject);
		mti_json_add_bytes(j, w, "message", f->warnings[i].message);
	}
}

enum mt_err mt_render_fleet_json(const struct mt_fleet *f, const struct mt_render_options *ro,
                                 FILE *out)
{
	struct mti_json j = {MT_OK};
	cJSON *root = cJSON_CreateObject();
	enum mt_err err = MT_ERR_NOMEM;

	if (root)
		json_fleet(&j, root, f);
	if (root && !j.err)
		err = mti_json_print(root, ro ? ro->pretty : true, out);
	cJSON_Delete(root);
	return err;
}
