/* Terminal rendering of the model: the chain from the target up to the
 * host, container boundaries drawn as lines of their own, then the facts
 * and the verdict in plain words. Every string from a process, a path or
 * the engine goes through mti_escape_text first. */
#include <stdlib.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "escape.h"
#include "trace_model.h"
#include "util.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

#define LABEL_WIDTH 12
#define COMM_WIDTH 16
#define USER_WIDTH 8
#define ROLE_WIDTH 17
/* The scan table: score, PID and CPU take SCAN_FIXED_COLS; the name and
 * image columns grow with their cells between a minimum and a maximum; a
 * gap of SCAN_GAP spaces always stays between two columns. */
#define SCAN_FIXED_COLS 23
#define SCAN_GAP 2
#define SCAN_NAME_MIN 15
#define SCAN_NAME_MAX 24
#define SCAN_ID_COLS 12
#define SCAN_IMAGE_MIN 25
#define SCAN_IMAGE_MAX 48
#define SCAN_WHY_MIN 24

struct tctx {
	FILE *out;
	bool color;
	unsigned width;
	struct mti_buf line;
	size_t cols; /* display columns in line so far */
	enum mt_err err;
};

static struct tctx tctx_start(FILE *out, const struct mt_render_options *ro)
{
	struct tctx c = {
	    out, ro && ro->color == MT_COLOR_ALWAYS, ro ? ro->width : 0, {NULL, 0, 0}, 0, MT_OK};

	return c;
}

static void t_raw(struct tctx *c, const char *s)
{
	if (!c->err)
		c->err = mti_buf_puts(&c->line, s);
	c->cols += mti_display_width(s, strlen(s));
}

/* Appends untrusted text s[0..len), escaped. */
static void t_esc_n(struct tctx *c, const char *s, size_t len)
{
	size_t before = c->line.len;

	if (c->err || !s)
		return;
	c->err = mti_escape_text(&c->line, s, len);
	if (!c->err)
		c->cols += mti_display_width(c->line.data + before, c->line.len - before);
}

static void t_esc(struct tctx *c, const char *s)
{
	t_esc_n(c, s, s ? strlen(s) : 0);
}

/* A file's content on one line: the lines joined by spaces, the final
 * newline dropped. */
static void t_esc_lines(struct tctx *c, const char *s)
{
	if (!s)
		return;
	while (*s) {
		size_t len = strcspn(s, "\n");

		t_esc_n(c, s, len);
		s += len;
		while (*s == '\n')
			s++;
		if (*s)
			t_raw(c, " ");
	}
}

static void t_fmt(struct tctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends trusted formatted text (numbers, our own words). */
static void t_fmt(struct tctx *c, const char *fmt, ...)
{
	size_t before = c->line.len;
	va_list ap;

	if (c->err)
		return;
	va_start(ap, fmt);
	c->err = mti_buf_vprintf(&c->line, fmt, ap);
	va_end(ap);
	if (!c->err)
		c->cols += mti_display_width(c->line.data + before, c->line.len - before);
}

static void t_color(struct tctx *c, const char *code)
{
	if (c->color && !c->err)
		c->err = mti_buf_puts(&c->line, code);
}

static void t_pad(struct tctx *c, size_t to)
{
	while (c->cols < to && !c->err)
		t_raw(c, " ");
}

static void t_endl(struct tctx *c)
{
	if (!c->err)
		c->err = mti_buf_putc(&c->line, '\n');
	if (!c->err && fwrite(c->line.data, 1, c->line.len, c->out) != c->line.len)
		c->err = MT_ERR_IO;
	mti_buf_reset(&c->line);
	c->cols = 0;
}

/* Ends a chain line, cut to the terminal width with an ellipsis. The line
 * holds escaped text and our own SGR sequences (ESC [ ... m) only; those
 * take no columns. */
static void t_endl_fit(struct tctx *c)
{
	size_t i = 0, cols = 0;

	if (c->err || !c->width || c->cols <= c->width || !c->line.data) {
		t_endl(c);
		return;
	}
	while (i < c->line.len) {
		size_t n, w;

		if (c->line.data[i] == '\033') {
			while (i < c->line.len && c->line.data[i] != 'm')
				i++;
			i++;
			continue;
		}
		w = mti_char_width(c->line.data + i, c->line.len - i, &n);
		if (cols + w >= c->width)
			break;
		cols += w;
		i += n;
	}
	c->line.len = i;
	c->line.data[i] = '\0';
	c->cols = cols;
	t_raw(c, "\xe2\x80\xa6");
	t_color(c, C_RESET);
	t_endl(c);
}

/* Appends escaped untrusted text in at most max columns: when longer, cut
 * with an ellipsis (a wide character that would straddle the end goes). */
static void t_cut(struct tctx *c, const char *s, size_t max)
{
	struct mti_buf e;

	if (c->err || !s)
		return;
	mti_buf_init(&e);
	c->err = mti_escape_text(&e, s, strlen(s));
	if (!c->err && e.data && mti_display_width(e.data, e.len) > max) {
		e.len = mti_prefix_for_width(e.data, e.len, max ? max - 1 : 0);
		e.data[e.len] = '\0';
		t_raw(c, e.data);
		if (max)
			t_raw(c, "\xe2\x80\xa6");
	} else if (!c->err && e.data) {
		t_raw(c, e.data);
	}
	mti_buf_free(&e);
}

/* Appends escaped untrusted text, cut with an ellipsis to fit the width. */
static void t_tail(struct tctx *c, const char *s)
{
	t_cut(c, s, !c->width ? SIZE_MAX : c->width > c->cols ? c->width - c->cols : 0);
}

static void t_label(struct tctx *c, const char *label)
{
	t_color(c, C_BOLD);
	t_raw(c, label);
	t_color(c, C_RESET);
	t_pad(c, LABEL_WIDTH);
}

/* argv joined by spaces, as one string (caller frees). */
static char *join_argv(char *const *argv, size_t argc, bool truncated)
{
	struct mti_buf b;
	size_t i;

	mti_buf_init(&b);
	for (i = 0; i < argc; i++)
		if ((i && mti_buf_putc(&b, ' ')) || mti_buf_puts(&b, argv[i]))
			goto fail;
	if (truncated && mti_buf_puts(&b, " [...]"))
		goto fail;
	return mti_buf_steal(&b);
fail:
	mti_buf_free(&b);
	return NULL;
}

static const char *role_words(enum mt_role r)
{
	switch (r) {
	case MT_ROLE_TARGET:
		return "target";
	case MT_ROLE_CONTAINER_PROCESS:
		return "in container";
	case MT_ROLE_CONTAINER_INIT:
		return "container init";
	case MT_ROLE_RUNTIME_SHIM:
		return "runtime shim";
	default:
		return "host";
	}
}

static void container_line(struct tctx *c, const struct mt_trace *t, int index)
{
	const struct mt_container *ct = &t->containers[index];
	const struct mt_engine_container *ec = ct->engine;
	char shortid[16];

	t_color(c, C_CYAN);
	t_raw(c, "  \xe2\x94\x80\xe2\x94\x80 container ");
	t_color(c, C_BOLD);
	t_raw(c, mt_short_id(ct->id, shortid, sizeof(shortid)));
	t_color(c, C_RESET);
	t_color(c, C_CYAN);
	if (ec && ec->name) {
		t_raw(c, " \"");
		t_esc(c, ec->name);
		t_raw(c, "\"");
	}
	if (mti_image_name(ct)) {
		t_raw(c, " \xc2\xb7 image ");
		t_esc(c, mti_image_name(ct));
	}
	t_fmt(c, " \xc2\xb7 %s", mt_runtime_name(ct->runtime));
	if (ct->pod_uid || mti_pod_name(ct)) {
		t_raw(c, " \xc2\xb7 pod ");
		if (mti_pod_name(ct)) {
			if (mti_pod_namespace(ct)) {
				t_esc(c, mti_pod_namespace(ct));
				t_raw(c, "/");
			}
			t_esc(c, mti_pod_name(ct));
			t_raw(c, " ");
		}
		if (ct->pod_uid)
			t_esc(c, ct->pod_uid);
	}
	t_raw(c, " \xe2\x94\x80\xe2\x94\x80");
	t_color(c, C_RESET);
	t_endl_fit(c);
}

/* Columns of a chain line. */
#define COL_NSPID 12
#define COL_COMM (COL_NSPID + 8)
#define COL_USER (COL_COMM + COMM_WIDTH + 1)
#define COL_ROLE (COL_USER + USER_WIDTH + 1)
#define COL_ARGS (COL_ROLE + ROLE_WIDTH)

static void process_line(struct tctx *c, const struct mt_trace *t, size_t i)
{
	const struct mt_process *p = &t->chain[i];
	char *args;

	t_raw(c, i == 0 ? "  \xe2\x97\x8f " : "  \xe2\x86\x91 ");
	t_fmt(c, "%7d ", (int)p->pid);
	if (p->n_nspid > 1) {
		t_color(c, C_DIM);
		t_fmt(c, "(%d)", (int)p->nspid[p->n_nspid - 1]);
		t_color(c, C_RESET);
	}
	t_pad(c, COL_COMM);
	t_color(c, i == 0 ? C_BOLD C_RED : C_BOLD);
	t_esc(c, p->comm ? p->comm : "?");
	t_color(c, C_RESET);
	t_pad(c, COL_USER - 1);
	t_raw(c, " ");
	if (mti_shown_user(p))
		t_esc(c, mti_shown_user(p));
	else if (p->have_ids)
		t_fmt(c, "%u", (unsigned)p->uid[0]);
	else
		t_raw(c, "?");
	t_pad(c, COL_ROLE - 1);
	t_raw(c, " ");
	t_color(c, p->role == MT_ROLE_HOST ? C_DIM : p->role == MT_ROLE_TARGET ? C_RED : C_YELLOW);
	t_raw(c, role_words(p->role));
	t_color(c, C_RESET);
	t_pad(c, COL_ARGS);
	if (p->vanished || p->state == 'Z') {
		t_color(c, C_YELLOW);
		t_raw(c, p->vanished ? "[exited] " : "[zombie] ");
		t_color(c, C_RESET);
	}
	if (p->kernel_thread) {
		t_raw(c, "[kernel thread]");
	} else if (p->argc) {
		args = join_argv(p->argv, p->argc, p->argv_truncated);
		if (!args)
			c->err = MT_ERR_NOMEM;
		t_tail(c, args);
		free(args);
	} else if (p->exe.path) {
		t_tail(c, p->exe.path);
	}
	t_endl_fit(c);
}

static void render_chain(struct tctx *c, const struct mt_trace *t)
{
	size_t i;

	for (i = 0; i < t->chain_len && !c->err; i++) {
		const struct mt_process *p = &t->chain[i];

		process_line(c, t, i);
		/* A boundary is crossed when the next process is in another container. */
		if (p->container_index >= 0 &&
		    (i + 1 == t->chain_len ||
		     t->chain[i + 1].container_index != p->container_index))
			container_line(c, t, p->container_index);
	}
	if (t->chain_end != MT_CHAIN_ROOT && t->chain_len) {
		t_color(c, C_YELLOW);
		t_fmt(c, "  \xe2\x86\x91 (chain ends: %s)", mt_chain_end_name(t->chain_end));
		t_color(c, C_RESET);
		t_endl(c);
	}
}

static void fmt_bytes(struct tctx *c, uint64_t v)
{
	if (v >= 1024ull * 1024 * 1024)
		t_fmt(c, "%.1f GiB", (double)v / (1024.0 * 1024 * 1024));
	else if (v >= 1024ull * 1024)
		t_fmt(c, "%.1f MiB", (double)v / (1024.0 * 1024));
	else if (v >= 1024)
		t_fmt(c, "%.1f KiB", (double)v / 1024.0);
	else
		t_fmt(c, "%llu B", (unsigned long long)v);
}

static const char *image_source_words(const struct mt_engine_container *ec)
{
	if (!ec->have_image)
		return "image details unavailable";
	switch (ec->image.source) {
	case MT_IMAGE_SOURCE_LOCAL:
		return "no registry digest: built or loaded on this host";
	case MT_IMAGE_SOURCE_DOCKER_HUB:
		return "pulled from Docker Hub";
	case MT_IMAGE_SOURCE_REGISTRY:
		return "pulled from a registry";
	default:
		return "source unknown";
	}
}

static void render_engine(struct tctx *c, const struct mt_trace *t,
                          const struct mt_engine_container *ec)
{
	size_t i, shown;

	t_label(c, "  image");
	t_esc(c, ec->image_ref ? ec->image_ref : "?");
	if (ec->image_id) {
		t_raw(c, " \xc2\xb7 ");
		t_esc(c, ec->image_id);
	}
	t_endl(c);
	t_pad(c, LABEL_WIDTH);
	t_raw(c, image_source_words(ec));
	if (ec->have_image && ec->image.registry) {
		t_raw(c, " (");
		t_esc(c, ec->image.registry);
		t_raw(c, ")");
	}
	for (i = 0; ec->have_image && i < ec->image.n_repo_digests && i < 2; i++) {
		t_raw(c, " \xc2\xb7 ");
		t_esc(c, ec->image.repo_digests[i]);
	}
	t_endl(c);
	t_label(c, "  started");
	t_esc(c, ec->started_at ? ec->started_at : "?");
	t_fmt(c, " \xc2\xb7 init PID %d", (int)ec->init_pid);
	if (ec->user && *ec->user) {
		t_raw(c, " \xc2\xb7 user ");
		t_esc(c, ec->user);
	}
	t_fmt(c, " \xc2\xb7 %s", ec->privileged ? "PRIVILEGED" : "not privileged");
	if (ec->pid_mode && *ec->pid_mode) {
		t_raw(c, " \xc2\xb7 pid mode ");
		t_esc(c, ec->pid_mode);
	}
	t_endl(c);
	for (i = 0; i < ec->n_mounts; i++) {
		if (!ec->mounts[i].risk)
			continue;
		t_label(c, "  danger");
		t_color(c, C_RED);
		t_esc(c, ec->mounts[i].risk);
		t_color(c, C_RESET);
		t_endl(c);
	}
	for (i = 0; i < ec->n_execs; i++) {
		const struct mt_exec_session *x = &ec->execs[i];
		char *args = join_argv(x->args, x->n_args, false);

		t_label(c, "  exec");
		t_fmt(c, "%.12s user ", x->id ? x->id : "?");
		t_esc(c, x->user && *x->user ? x->user : "(default)");
		t_raw(c, " \xc2\xb7 ");
		t_esc(c, x->entrypoint ? x->entrypoint : "");
		t_raw(c, " ");
		t_tail(c, args);
		free(args);
		t_fmt(c, " \xc2\xb7 PID %d%s", (int)x->pid, x->running ? "" : " (ended)");
		if (x->chain_index >= 0)
			t_raw(c, " \xe2\x86\x90 in this chain");
		t_endl(c);
	}
	for (i = 0, shown = 0; i < ec->n_events && shown < 8; i++) {
		const struct mt_event *e = &ec->events[i];
		char when[40];

		if (!e->action ||
		    (!mti_str_starts(e->action, "exec_") && strcmp(e->action, "create") != 0 &&
		     strcmp(e->action, "start") != 0))
			continue;
		shown++;
		t_label(c, "  event");
		t_raw(c, mti_format_utc_ms(e->time_ns / 1000000, when, sizeof(when)));
		t_raw(c, " ");
		t_esc(c, e->action);
		if (e->detail) {
			t_raw(c, ": ");
			t_tail(c, e->detail);
		}
		t_endl(c);
	}
	if (ec->have_changes) {
		t_label(c, "  drift");
		t_fmt(c, "%zu added, %zu modified, %zu deleted since the image", ec->n_added,
		      ec->n_modified, ec->n_deleted);
		t_endl(c);
		for (i = 0; i < ec->n_changes && i < 16; i++) {
			t_pad(c, LABEL_WIDTH);
			t_fmt(c, "%s ", mt_change_kind_name(ec->changes[i].kind));
			t_esc(c, ec->changes[i].path);
			if (ec->changes[i].executable == 1)
				t_raw(c, " (executable)");
			if (ec->changes[i].is_target_exe)
				t_raw(c, " \xe2\x86\x90 the target's binary");
			t_endl(c);
		}
	}
	(void)t;
}

static void render_container(struct tctx *c, const struct mt_trace *t,
                             const struct mt_container *ct)
{
	const struct mt_engine_container *ec = ct->engine;
	size_t i;

	t_label(c, "Container");
	t_esc(c, ct->id);
	t_fmt(c, " (%s", mt_runtime_name(ct->runtime));
	if (ct->task) {
		t_raw(c, ct->task->cri ? ", CRI, namespace " : ", namespace ");
		t_esc(c, ct->task->namespace);
	}
	t_raw(c, ")");
	if (ec && ec->name) {
		t_raw(c, " \"");
		t_esc(c, ec->name);
		t_raw(c, "\"");
	}
	t_endl(c);
	if (ct->n_outer) {
		t_label(c, "  nested in");
		for (i = 0; i < ct->n_outer; i++) {
			char shortid[16];

			t_fmt(c, "%s%s (%s)", i ? ", " : "",
			      mt_short_id(ct->outer[i].id, shortid, sizeof(shortid)),
			      mt_runtime_name(ct->outer[i].runtime));
		}
		t_endl(c);
	}
	if (ct->pod_uid || mti_pod_name(ct)) {
		t_label(c, "  pod");
		if (mti_pod_name(ct)) {
			t_esc(c, mti_pod_namespace(ct) ? mti_pod_namespace(ct) : "?");
			t_raw(c, "/");
			t_esc(c, mti_pod_name(ct));
			t_raw(c, " ");
		}
		if (ct->pod_uid) {
			t_raw(c, "uid ");
			t_esc(c, ct->pod_uid);
			t_fmt(c, " \xc2\xb7 QoS %s", mt_qos_name(ct->qos));
		}
		t_endl(c);
	}
	if (ct->via_pid_namespace) {
		t_label(c, "  note");
		t_raw(c, "found through the PID namespace: the target never joined the "
		         "container's cgroup");
		t_endl(c);
	}
	if (ec && t->engine.api) {
		t_label(c, "  API");
		t_esc(c, t->engine.api);
		if (t->engine.engine_version) {
			t_raw(c, " ");
			t_esc(c, t->engine.engine_version);
		}
		if (t->engine.endpoint) {
			t_raw(c, " \xc2\xb7 ");
			t_esc(c, t->engine.endpoint);
		}
		t_endl(c);
	}
	if (ec)
		render_engine(c, t, ec);
	if (ct->have_members) {
		t_label(c, "  processes");
		t_fmt(c, "%zu%s:", ct->n_members, ct->members_truncated ? "+" : "");
		for (i = 0; i < ct->n_members && i < 12; i++) {
			t_raw(c, " ");
			t_esc(c, ct->members[i].comm);
			t_fmt(c, " (%d)", (int)ct->members[i].pid);
		}
		if (ct->n_members > 12)
			t_raw(c, " ...");
		t_endl(c);
	}
	if (ct->acct.cgroup_version) {
		t_label(c, "  usage");
		if (ct->acct.have_cpu)
			t_fmt(c, "CPU %.1f s", (double)ct->acct.cpu_usage_ns / 1e9);
		if (ct->acct.have_memory) {
			t_raw(c, " \xc2\xb7 memory ");
			fmt_bytes(c, ct->acct.memory_bytes);
			if (ct->acct.have_memory_limit) {
				t_raw(c, " of ");
				fmt_bytes(c, ct->acct.memory_limit);
			} else {
				t_raw(c, " (no limit)");
			}
		}
		if (ct->acct.have_pids)
			t_fmt(c, " \xc2\xb7 %llu tasks", (unsigned long long)ct->acct.pids);
		t_fmt(c, " \xc2\xb7 cgroup v%u", ct->acct.cgroup_version);
		t_endl(c);
	}
}

static void render_target(struct tctx *c, const struct mt_trace *t)
{
	const struct mt_process *p = &t->chain[0];
	const struct mt_exe *e = &p->exe;
	const char *state = mti_state_words(p->state);

	if (t->thread_id) {
		t_label(c, "Thread");
		t_fmt(c, "PID %d, the PID given, is a thread of process %d: the process is traced",
		      (int)t->thread_id, (int)t->target_pid);
		t_endl(c);
	}
	if (state) {
		t_label(c, "State");
		t_color(c, C_YELLOW);
		t_raw(c, state);
		t_color(c, C_RESET);
		t_endl(c);
	}
	t_label(c, "Executable");
	if (!e->readable) {
		t_raw(c, p->kernel_thread ? "none (kernel thread)" : "unreadable");
		t_endl(c);
		return;
	}
	t_esc(c, e->path);
	if (e->deleted && !e->memfd) {
		t_color(c, C_RED);
		t_raw(c, " (deleted)");
		t_color(c, C_RESET);
	}
	if (e->have_stat) {
		t_raw(c, " \xc2\xb7 ");
		fmt_bytes(c, e->size);
	}
	t_endl(c);
	if (e->sha256[0]) {
		t_label(c, "  sha256");
		t_raw(c, e->sha256);
		t_endl(c);
	}
	if (e->host_path) {
		t_label(c, "  host path");
		t_esc(c, e->host_path);
		t_endl(c);
	}
	t_label(c, "  origin");
	t_color(c, t->origin.kind == MT_ORIGIN_WRITABLE_LAYER || t->origin.kind == MT_ORIGIN_MEMFD
	               ? C_RED
	               : "");
	t_raw(c, mt_origin_name(t->origin.kind));
	t_color(c, C_RESET);
	if (t->origin.detail) {
		t_raw(c, ": ");
		t_esc(c, t->origin.detail);
	}
	t_endl(c);
	if (t->origin.upper_path && t->origin.in_upper) {
		t_label(c, "  in layer");
		t_esc(c, t->origin.upper_path);
		t_endl(c);
	}
}

/* What the start-up preload check found: the libraries, then the note. */
static void render_preload(struct tctx *c, const struct mt_preload_report *p)
{
	const char *sep = "";
	size_t i;

	if (!p->detected)
		return;
	t_label(c, "Rootkit");
	t_color(c, C_RED);
	if (p->preload_file) {
		t_raw(c, "/etc/ld.so.preload lists ");
		t_esc_lines(c, p->preload_file);
		sep = "; ";
	}
	if (p->ld_preload_env) {
		t_raw(c, sep);
		t_raw(c, "LD_PRELOAD=");
		t_esc(c, p->ld_preload_env);
		sep = "; ";
	}
	for (i = 0; i < p->n_unexpected_libs; i++) {
		t_raw(c, i ? ", " : sep);
		t_raw(c, i ? "" : "loaded into minertrace: ");
		t_esc(c, p->unexpected_libs[i]);
	}
	t_color(c, C_RESET);
	t_endl(c);
	for (i = 0; i < p->n_libraries; i++) {
		const struct mt_preload_library *l = &p->libraries[i];

		t_label(c, "  library");
		t_esc(c, l->path);
		if (l->err) {
			t_fmt(c, " \xc2\xb7 not read: %s", mt_strerror(l->err));
		} else {
			t_raw(c, " \xc2\xb7 ");
			fmt_bytes(c, l->size);
			t_raw(c, " \xc2\xb7 sha256 ");
			t_raw(c, l->sha256);
		}
		t_endl(c);
	}
	if (p->note) {
		t_label(c, "");
		t_esc(c, p->note);
		t_endl(c);
	}
}

static void render_verdict(struct tctx *c, const struct mt_trace *t)
{
	size_t i;

	t_label(c, "Entry");
	t_raw(c, mt_entry_name(t->entry.kind));
	if (t->entry.detail) {
		t_raw(c, ": ");
		t_esc(c, t->entry.detail);
	}
	t_endl(c);
	t_label(c, "Verdict");
	t_color(c, t->verdict.classification == MT_CLASS_HOST_PROCESS ? C_GREEN : C_BOLD C_RED);
	t_raw(c, mt_class_name(t->verdict.classification));
	t_color(c, C_RESET);
	t_endl(c);
	if (t->verdict.summary) {
		t_pad(c, LABEL_WIDTH);
		t_esc(c, t->verdict.summary);
		t_endl(c);
	}
	for (i = 0; i < t->verdict.n_signals; i++) {
		t_label(c, i == 0 ? "Signals" : "");
		t_color(c, C_YELLOW);
		t_raw(c, t->verdict.signals[i].id);
		t_color(c, C_RESET);
		t_raw(c, ": ");
		t_esc(c, t->verdict.signals[i].detail);
		t_endl(c);
	}
}

/* The miner's own settings, each with where it was read. */
static void render_miner_config(struct tctx *c, const struct mt_miner_config *mc)
{
	size_t i;

	for (i = 0; i < mc->n_values; i++) {
		const struct mt_miner_value *v = &mc->values[i];

		t_label(c, i == 0 ? "Config" : "");
		t_color(c, C_YELLOW);
		t_raw(c, mt_miner_setting_name(v->setting));
		t_color(c, C_RESET);
		t_raw(c, " ");
		t_esc(c, v->value);
		t_raw(c, " (");
		t_esc(c, v->source);
		t_raw(c, " ");
		t_esc(c, v->name);
		t_raw(c, ")");
		t_endl_fit(c);
	}
	if (mc->config_error) {
		t_label(c, mc->n_values ? "" : "Config");
		t_raw(c, "config file unread: ");
		t_esc(c, mc->config_error);
		t_endl(c);
	}
}

/* How it got in, the registry check and the timeline, oldest first (one
 * line per fact, cut to the terminal width); a '*' marks a time its writer
 * could set. */
/* The other containers of the target's image: the finding, then one line
 * each. */
static void render_same_image(struct tctx *c, const struct mt_spread_image *si)
{
	char shortid[16], when[40];
	size_t i;

	if (!si->text)
		return;
	t_label(c, "Same image");
	t_esc(c, si->text);
	t_endl_fit(c);
	for (i = 0; i < si->n_containers; i++) {
		const struct mt_spread_container *sc = &si->containers[i];

		t_label(c, "");
		t_raw(c, mt_short_id(sc->id, shortid, sizeof(shortid)));
		t_raw(c, " ");
		t_esc(c, sc->name ? sc->name : "?");
		t_raw(c, " ");
		t_esc(c, sc->state ? sc->state : "?");
		if (sc->created_ns >= 0)
			t_fmt(c, ", created %s",
			      mti_format_utc_ms(sc->created_ns / 1000000, when, sizeof(when)));
		if (sc->runs_miner) {
			t_color(c, C_BOLD C_RED);
			t_raw(c, ", runs the same miner");
			t_color(c, C_RESET);
		}
		if (sc->file_in_layer == 1)
			t_raw(c, ", the same file in its writable layer");
		else if (sc->file_in_layer == 0)
			t_raw(c, ", not in its writable layer");
		t_endl_fit(c);
	}
}

static void render_postmortem(struct tctx *c, const struct mt_trace *t)
{
	const struct mt_postmortem *pm = &t->postmortem;
	bool untrusted = false;
	size_t i;

	if (pm->story.text) {
		t_label(c, "Story");
		t_raw(c, mt_story_name(pm->story.kind));
		t_raw(c, ": ");
		t_esc(c, pm->story.text);
		t_endl(c);
	}
	if (pm->registry.checked) {
		t_label(c, "Registry");
		t_color(c, pm->registry.trusted ? C_GREEN : C_BOLD C_RED);
		t_raw(c, pm->registry.trusted ? "trusted" : "not trusted");
		t_color(c, C_RESET);
		t_raw(c, ": ");
		t_esc(c, pm->registry.text);
		t_endl(c);
	}
	for (i = 0; i < pm->network.n_conns; i++) {
		const struct mt_net_conn *n = &pm->network.conns[i];

		t_label(c, i == 0 ? "Network" : "");
		t_fmt(c, "%s %s:%u", n->state, n->local, n->local_port);
		if (!n->listening)
			t_fmt(c, " -> %s:%u", n->remote, n->remote_port);
		if (n->pool_port) {
			t_color(c, C_BOLD C_RED);
			t_raw(c, " (a mining pool port)");
			t_color(c, C_RESET);
		}
		t_endl(c);
	}
	render_miner_config(c, &pm->miner_config);
	for (i = 0; i < pm->spread.n_procs; i++) {
		const struct mt_spread_proc *p = &pm->spread.procs[i];
		char shortid[16];

		t_label(c, i == 0 ? "Spread" : "");
		t_fmt(c, "PID %d ", (int)p->pid);
		t_esc(c, p->comm ? p->comm : "?");
		t_raw(c, " ");
		t_esc(c, p->exe_path);
		t_fmt(c, " (%s) %s%s", p->match, p->container_id ? "container " : "on the host",
		      p->container_id ? mt_short_id(p->container_id, shortid, sizeof(shortid))
		                      : "");
		t_endl_fit(c);
	}
	render_same_image(c, &pm->spread.same_image);
	for (i = 0; i < pm->persistence.n_items; i++) {
		const struct mt_persistence_item *it = &pm->persistence.items[i];
		char when[40];

		t_label(c, i == 0 ? "Persistence" : "");
		t_color(c, C_YELLOW);
		t_raw(c, mt_persist_kind_name(it->kind));
		t_color(c, C_RESET);
		t_fmt(c, " %s ", it->on_host ? "host" : "container");
		t_esc(c, it->path);
		t_fmt(c, " \xc2\xb7 written %s* \xc2\xb7 %llu B",
		      mti_format_utc_ms(it->mtime_ns / 1000000, when, sizeof(when)),
		      (unsigned long long)it->size);
		t_endl(c);
		if (it->content) {
			t_label(c, "  content");
			t_esc(c, it->content);
			if (it->content_truncated)
				t_raw(c, "\xe2\x80\xa6");
			t_endl_fit(c);
		}
	}
	if (pm->persistence.truncated) {
		t_pad(c, LABEL_WIDTH);
		t_raw(c, "(more persistence files than the report keeps)");
		t_endl(c);
	}
	for (i = 0; i < pm->timeline.n_events; i++) {
		const struct mt_time_event *e = &pm->timeline.events[i];
		char when[40];

		t_label(c, i == 0 ? "Timeline" : "");
		t_fmt(c, "%s %-6s%s ", mti_format_utc_ms(e->time_ns / 1000000, when, sizeof(when)),
		      mt_clock_name(e->clock), e->untrusted ? "*" : " ");
		t_esc(c, e->what);
		t_endl_fit(c);
		untrusted |= e->untrusted;
	}
	if (pm->timeline.truncated) {
		t_pad(c, LABEL_WIDTH);
		t_raw(c, "(more facts than the timeline keeps)");
		t_endl(c);
	}
	if (untrusted) {
		t_pad(c, LABEL_WIDTH);
		t_raw(c, "* set by whoever wrote the file or built the image: not to be trusted");
		t_endl(c);
	}
}

/* Warnings, then notes (code MT_OK): facts worth knowing, nothing failed. */
static void render_warnings(struct tctx *c, const struct mt_trace *t)
{
	int pass;
	size_t i;

	for (pass = 0; pass < 2; pass++) {
		bool first = true;

		for (i = 0; i < t->n_warnings; i++) {
			const struct mt_warning *w = &t->warnings[i];

			if ((w->code == MT_OK) != (pass == 1))
				continue;
			t_label(c, first ? (pass ? "Notes" : "Warnings") : "");
			first = false;
			t_color(c, pass ? C_DIM : C_YELLOW);
			t_esc(c, w->subject);
			t_color(c, C_RESET);
			if (w->pid)
				t_fmt(c, " [%d]", (int)w->pid);
			t_raw(c, ": ");
			t_esc(c, w->message);
			t_endl(c);
		}
	}
}

enum mt_err mt_render_text(const struct mt_trace *t, const struct mt_render_options *ro, FILE *out)
{
	struct tctx c = tctx_start(out, ro);
	char when[40];
	size_t i;

	t_color(&c, C_BOLD);
	t_fmt(&c, "minertrace %s", MT_VERSION);
	t_color(&c, C_RESET);
	t_fmt(&c, " \xc2\xb7 PID %d", (int)t->target_pid);
	if (t->thread_id)
		t_fmt(&c, " (thread %d given)", (int)t->thread_id);
	t_fmt(&c, " \xc2\xb7 %s \xc2\xb7 ",
	      mti_format_utc_ms(t->evidence.collected_at_ms, when, sizeof(when)));
	t_raw(&c, "host ");
	t_esc(&c, t->evidence.hostname ? t->evidence.hostname : "?");
	t_endl(&c);
	if (t->status == MT_TRACE_NOT_FOUND || t->status == MT_TRACE_UNREADABLE) {
		t_fmt(&c, "PID %d: %s", (int)t->target_pid,
		      t->status == MT_TRACE_NOT_FOUND ? "no such process" : "cannot be read");
		t_endl(&c);
		render_warnings(&c, t);
		goto out;
	}
	t_endl(&c);
	render_chain(&c, t);
	t_endl(&c);
	for (i = 0; i < t->n_containers && !c.err; i++)
		render_container(&c, t, &t->containers[i]);
	render_target(&c, t);
	render_verdict(&c, t);
	render_postmortem(&c, t);
	render_preload(&c, &t->evidence.preload);
	if (t->status == MT_TRACE_VANISHED) {
		t_label(&c, "Status");
		t_color(&c, C_YELLOW);
		t_raw(&c, "the target exited or its PID was reused during the trace");
		t_color(&c, C_RESET);
		t_endl(&c);
	}
	render_warnings(&c, t);
out:
	mti_buf_free(&c.line);
	if (!c.err && ferror(out))
		c.err = MT_ERR_IO;
	return c.err;
}

/* The container and image of a finding, for the scan table. */
static void finding_place(const struct mt_finding *f, const char **cid, const char **image)
{
	const struct mt_trace *t = f->trace;
	const struct mt_container *c;

	*cid = NULL;
	*image = NULL;
	if (!t || !t->chain_len || t->chain[0].container_index < 0)
		return;
	c = &t->containers[t->chain[0].container_index];
	*cid = c->id;
	if (c->engine)
		*image = c->engine->image_ref;
}

/* Columns of the escaped s, at most cap. */
static size_t cell_width(const char *s, size_t cap)
{
	struct mti_buf e;
	size_t cols;

	mti_buf_init(&e);
	if (mti_escape_text(&e, s, strlen(s)) || !e.data) {
		mti_buf_free(&e);
		return cap;
	}
	cols = mti_display_width(e.data, e.len);
	mti_buf_free(&e);
	return cols < cap ? cols : cap;
}

/* One cell of the scan table: s escaped and cut to width columns, padded,
 * then the gap that keeps it apart from the next. */
static void t_cell(struct tctx *c, const char *s, size_t width)
{
	size_t to = c->cols + width + SCAN_GAP;

	t_cut(c, s, width);
	t_pad(c, to);
}

static void scan_table(struct tctx *c, const struct mt_scan *scan)
{
	size_t i, k, name_w = SCAN_NAME_MIN, image_w = SCAN_IMAGE_MIN, image_max = SCAN_IMAGE_MAX;
	size_t before_image;
	char shortid[16];

	/* The name and image columns are as wide as their widest cell, within
	 * bounds; on a terminal the image column leaves room for the reasons. */
	for (i = 0; i < scan->n_findings; i++) {
		size_t w =
		    scan->findings[i].comm ? cell_width(scan->findings[i].comm, SCAN_NAME_MAX) : 0;

		if (w > name_w)
			name_w = w;
	}
	before_image = SCAN_FIXED_COLS + name_w + SCAN_GAP + SCAN_ID_COLS + SCAN_GAP;
	if (c->width && c->width < before_image + image_max + SCAN_GAP + SCAN_WHY_MIN)
		image_max = c->width > before_image + SCAN_IMAGE_MIN + SCAN_GAP + SCAN_WHY_MIN
		                ? c->width - before_image - SCAN_GAP - SCAN_WHY_MIN
		                : SCAN_IMAGE_MIN;
	for (i = 0; i < scan->n_findings; i++) {
		const char *cid, *image;
		size_t w;

		finding_place(&scan->findings[i], &cid, &image);
		w = image ? cell_width(image, image_max) : 0;
		if (w > image_w)
			image_w = w;
	}
	t_color(c, C_BOLD);
	t_raw(c, " SCORE     PID   CPU%  ");
	t_cell(c, "NAME", name_w);
	t_cell(c, "CONTAINER", SCAN_ID_COLS);
	t_cell(c, "IMAGE", image_w);
	t_raw(c, "WHY");
	t_color(c, C_RESET);
	t_endl(c);
	for (i = 0; i < scan->n_findings; i++) {
		const struct mt_finding *f = &scan->findings[i];
		const char *cid, *image;
		struct mti_buf why;

		finding_place(f, &cid, &image);
		t_color(c, f->score >= 70 ? C_BOLD C_RED : C_YELLOW);
		t_fmt(c, "%6d", f->score);
		t_color(c, C_RESET);
		t_fmt(c, "  %6d %6.1f  ", (int)f->pid, f->cpu_core_percent);
		t_cell(c, f->comm ? f->comm : "?", name_w);
		t_cell(c, cid ? mt_short_id(cid, shortid, sizeof(shortid)) : "host", SCAN_ID_COLS);
		t_cell(c, image ? image : "-", image_w);
		mti_buf_init(&why);
		for (k = 0; k < f->n_signals; k++)
			mti_buf_printf(&why, "%s%s", k ? ", " : "", f->signals[k].id);
		t_tail(c, why.data ? why.data : "");
		mti_buf_free(&why);
		t_endl_fit(c);
	}
}

static void scan_details(struct tctx *c, const struct mt_scan *scan)
{
	size_t i, k;

	for (i = 0; i < scan->n_findings; i++) {
		const struct mt_finding *f = &scan->findings[i];
		const struct mt_trace *t = f->trace;

		t_endl(c);
		t_color(c, C_BOLD);
		t_fmt(c, "#%zu  PID %d ", i + 1, (int)f->pid);
		t_esc(c, f->comm);
		t_fmt(c, "  score %d", f->score);
		t_color(c, C_RESET);
		t_endl(c);
		for (k = 0; k < f->n_signals; k++) {
			t_fmt(c, "    +%-3d ", f->signals[k].points);
			t_color(c, C_YELLOW);
			t_raw(c, f->signals[k].id);
			t_color(c, C_RESET);
			t_raw(c, ": ");
			t_esc(c, f->signals[k].detail);
			t_endl(c);
		}
		if (t && t->verdict.summary) {
			t_raw(c, "    ");
			t_color(c, C_BOLD);
			t_raw(c, mt_class_name(t->verdict.classification));
			t_color(c, C_RESET);
			t_raw(c, ": ");
			t_esc(c, t->verdict.summary);
			t_endl(c);
		}
		if (t && t->n_containers && t->containers[0].engine &&
		    t->chain[0].container_index == 0) {
			const struct mt_engine_container *ec = t->containers[0].engine;

			t_raw(c, "    container ");
			t_esc(c, t->containers[0].id);
			if (ec->name) {
				t_raw(c, " \"");
				t_esc(c, ec->name);
				t_raw(c, "\"");
			}
			t_raw(c, ", image ");
			t_esc(c, ec->image_ref ? ec->image_ref : "?");
			t_endl(c);
		}
		t_fmt(c, "    details: minertrace %d", (int)f->pid);
		t_endl(c);
	}
}

enum mt_err mt_render_scan_text(const struct mt_scan *scan, const struct mt_render_options *ro,
                                FILE *out)
{
	struct tctx c = tctx_start(out, ro);
	char when[40];
	size_t i;

	t_color(&c, C_BOLD);
	t_fmt(&c, "minertrace %s scan", MT_VERSION);
	t_color(&c, C_RESET);
	t_fmt(&c, " \xc2\xb7 %s \xc2\xb7 host ",
	      mti_format_utc_ms(scan->evidence.collected_at_ms, when, sizeof(when)));
	t_esc(&c, scan->evidence.hostname ? scan->evidence.hostname : "?");
	t_fmt(&c, " \xc2\xb7 CPU sampled over %.1f s", scan->interval_s);
	t_endl(&c);
	t_fmt(&c, "%zu processes, %zu with a signal, %zu traced: ", scan->processes,
	      scan->candidates, scan->traced);
	t_color(&c, scan->n_findings ? C_BOLD C_RED : C_GREEN);
	if (scan->n_findings)
		t_fmt(&c, "%zu suspicious (score %d or more)", scan->n_findings, scan->min_score);
	else
		t_fmt(&c, "nothing scores %d or more", scan->min_score);
	t_color(&c, C_RESET);
	t_endl(&c);
	if (scan->n_findings) {
		t_endl(&c);
		scan_table(&c, scan);
		scan_details(&c, scan);
	}
	if (scan->host_preload || scan->n_hidden) {
		t_endl(&c);
		t_label(&c, "Rootkit");
		t_color(&c, C_RED);
		if (scan->host_preload) {
			t_raw(&c, "/etc/ld.so.preload lists ");
			t_esc_lines(&c, scan->host_preload);
		}
		if (scan->n_hidden) {
			t_fmt(&c, "%s%zu process%s hidden from the /proc listing:",
			      scan->host_preload ? "; " : "", scan->n_hidden,
			      scan->n_hidden == 1 ? "" : "es");
			for (i = 0; i < scan->n_hidden && i < 32; i++)
				t_fmt(&c, " %d", (int)scan->hidden[i]);
		}
		t_color(&c, C_RESET);
		t_endl(&c);
	}
	render_preload(&c, &scan->evidence.preload);
	t_endl(&c);
	t_color(&c, C_DIM);
	t_fmt(&c,
	      "Scanned in %.0f ms (the sampling interval excluded); %u engine request%s for %zu "
	      "container%s.",
	      scan->scan_ms, scan->engine_requests, scan->engine_requests == 1 ? "" : "s",
	      scan->containers, scan->containers == 1 ? "" : "s");
	t_color(&c, C_RESET);
	t_endl(&c);
	for (i = 0; i < scan->n_warnings; i++) {
		const struct mt_warning *w = &scan->warnings[i];

		if (w->code == MT_OK && mti_str_starts(w->subject, "hidden"))
			continue;
		t_label(&c, "Note");
		t_esc(&c, w->subject);
		t_raw(&c, ": ");
		t_esc(&c, w->message);
		t_endl(&c);
	}
	mti_buf_free(&c.line);
	if (!c.err && ferror(out))
		c.err = MT_ERR_IO;
	return c.err;
}
