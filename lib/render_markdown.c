/* Markdown rendering of the model: a section ready for a post-mortem.
 * Table cells are escaped (pipes, control bytes) so a hostile process name
 * cannot break the table, and code spans quote exactly what ran (the
 * escaping is in minertrace(1), MARKDOWN); commands to contain the incident
 * are suggestions, never executed. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "containment.h"
#include "escape.h"
#include "trace_model.h"
#include "util.h"

struct mctx {
	struct mti_buf b;
	enum mt_err err;
};

static void m_raw(struct mctx *m, const char *s)
{
	if (!m->err)
		m->err = mti_buf_puts(&m->b, s);
}

static void m_fmt(struct mctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void m_fmt(struct mctx *m, const char *fmt, ...)
{
	va_list ap;

	if (m->err)
		return;
	va_start(ap, fmt);
	m->err = mti_buf_vprintf(&m->b, fmt, ap);
	va_end(ap);
}

/* Untrusted text in running prose or a table cell. */
static void m_esc(struct mctx *m, const char *s)
{
	if (!m->err && s)
		m->err = mti_escape_markdown(&m->b, s, strlen(s));
}

/* Untrusted text as one code span, shown as a terminal shows it (control
 * bytes, backslashes and invalid UTF-8 escaped) and otherwise exact: the
 * fence is one backtick longer than the longest run inside, padded with a
 * space where CommonMark would eat one. In a table cell GitHub-flavoured
 * Markdown ends the cell at any "|", even in code, and shows "\|" as "|". */
static void code_span(struct mctx *m, const char *s, bool in_table)
{
	struct mti_buf e;
	size_t i, run = 0, fence = 1;
	bool pad;

	if (m->err || !s)
		return;
	mti_buf_init(&e);
	m->err = mti_escape_text(&e, s, strlen(s));
	for (i = 0; !m->err && i < e.len; i++) {
		run = e.data[i] == '`' ? run + 1 : 0;
		if (run + 1 > fence)
			fence = run + 1;
	}
	pad = e.len &&
	      (e.data[0] == '`' || e.data[e.len - 1] == '`' ||
	       (e.data[0] == ' ' && e.data[e.len - 1] == ' ' && strspn(e.data, " ") != e.len));
	for (i = 0; i < fence; i++)
		m_raw(m, "`");
	m_raw(m, pad ? " " : "");
	for (i = 0; !m->err && i < e.len; i++)
		m->err = in_table && e.data[i] == '|' ? mti_buf_puts(&m->b, "\\|")
		                                      : mti_buf_putc(&m->b, e.data[i]);
	m_raw(m, pad ? " " : "");
	for (i = 0; i < fence; i++)
		m_raw(m, "`");
	mti_buf_free(&e);
}

/* Untrusted text inside `code` in running prose. */
static void m_code(struct mctx *m, const char *s)
{
	code_span(m, s, false);
}

/* Untrusted text inside `code` in a table cell. */
static void m_cell_code(struct mctx *m, const char *s)
{
	code_span(m, s, true);
}

/* A shell word for a suggested command: only safe characters pass. */
static void m_shell_word(struct mctx *m, const char *s)
{
	size_t i;
	bool safe = s && *s;

	for (i = 0; safe && s[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@",
		            s[i]))
			safe = false;
	m_raw(m, safe ? s : "<unsafe name: see the report>");
}

static void process_row(struct mctx *m, const struct mt_trace *t, size_t i)
{
	const struct mt_process *p = &t->chain[i];
	struct mti_buf args;
	size_t a;
	char when[40];

	m_fmt(m, "| %d | ", (int)p->pid);
	if (p->n_nspid > 1)
		m_fmt(m, "%d", (int)p->nspid[p->n_nspid - 1]);
	m_raw(m, " | ");
	m_esc(m, p->comm ? p->comm : "?");
	m_raw(m, " | ");
	if (mti_shown_user(p))
		m_esc(m, mti_shown_user(p));
	else if (p->have_ids)
		m_fmt(m, "%u", (unsigned)p->uid[0]);
	else
		m_raw(m, "?");
	m_fmt(m, " | %s | ", mt_role_name(p->role));
	if (p->container_index >= 0) {
		char shortid[16];

		m_raw(m,
		      mt_short_id(t->containers[p->container_index].id, shortid, sizeof(shortid)));
	}
	m_raw(m, " | ");
	mti_buf_init(&args);
	for (a = 0; a < p->argc && a < 64 && !m->err; a++)
		if ((a && mti_buf_putc(&args, ' ')) || mti_buf_puts(&args, p->argv[a]))
			m->err = MT_ERR_NOMEM;
	if (args.len > 200) {
		args.len = 200;
		args.data[200] = '\0';
		mti_buf_puts(&args, "...");
	}
	if (args.data)
		m_cell_code(m, args.data);
	mti_buf_free(&args);
	m_raw(m, " | ");
	if (p->start_time_ms >= 0)
		m_raw(m, mti_format_utc_ms(p->start_time_ms, when, sizeof(when)));
	m_raw(m, " |\n");
}

static void render_chain(struct mctx *m, const struct mt_trace *t)
{
	size_t i;

	m_raw(m, "\n### Process chain (target first)\n\n"
	         "| PID | PID in container | Name | User | Role | Container | Command line | "
	         "Started (UTC) |\n"
	         "|---:|---:|---|---|---|---|---|---|\n");
	for (i = 0; i < t->chain_len; i++)
		process_row(m, t, i);
	if (t->chain_end != MT_CHAIN_ROOT)
		m_fmt(m, "\nThe chain ends early: %s.\n", mt_chain_end_name(t->chain_end));
}

static void render_container(struct mctx *m, const struct mt_trace *t, const struct mt_container *c)
{
	const struct mt_engine_container *ec = c->engine;
	size_t i;

	m_raw(m, "\n### Container\n\n");
	m_raw(m, "- ID: ");
	m_code(m, c->id);
	m_fmt(m, " (%s", mt_runtime_name(c->runtime));
	if (c->task) {
		m_raw(m, c->task->cri ? ", CRI, namespace " : ", namespace ");
		m_code(m, c->task->namespace);
	}
	m_raw(m, ")\n");
	if (ec && ec->name) {
		m_raw(m, "- Name: ");
		m_code(m, ec->name);
		m_raw(m, "\n");
	}
	if (c->pod_uid || mti_pod_name(c)) {
		m_raw(m, "- Kubernetes pod: ");
		if (mti_pod_name(c)) {
			m_code(m, mti_pod_namespace(c) ? mti_pod_namespace(c) : "?");
			m_raw(m, " / ");
			m_code(m, mti_pod_name(c));
			m_raw(m, " ");
		}
		if (c->pod_uid) {
			m_raw(m, "UID ");
			m_code(m, c->pod_uid);
			m_fmt(m, ", QoS %s", mt_qos_name(c->qos));
		}
		m_raw(m, "\n");
	}
	for (i = 0; i < c->n_outer; i++) {
		m_raw(m, "- Nested in container ");
		m_code(m, c->outer[i].id);
		m_raw(m, "\n");
	}
	if (ec && t->engine.api) {
		m_raw(m, "- Answered by: ");
		m_esc(m, t->engine.api);
		if (t->engine.engine_version) {
			m_raw(m, " ");
			m_code(m, t->engine.engine_version);
		}
		if (t->engine.endpoint) {
			m_raw(m, " at ");
			m_code(m, t->engine.endpoint);
		}
		m_raw(m, "\n");
	}
	if (ec) {
		m_raw(m, "- Image: ");
		m_code(m, ec->image_ref ? ec->image_ref : "?");
		m_raw(m, " ");
		m_code(m, ec->image_id ? ec->image_id : "?");
		m_raw(m, "\n");
		if (ec->have_image) {
			m_fmt(m, "- Image source: %s",
			      ec->image.source == MT_IMAGE_SOURCE_LOCAL
			          ? "no registry digest, built or loaded on this host"
			      : ec->image.source == MT_IMAGE_SOURCE_DOCKER_HUB
			          ? "pulled from Docker Hub (not an internally built image)"
			          : "pulled from a registry");
			if (ec->image.registry) {
				m_raw(m, " (");
				m_code(m, ec->image.registry);
				m_raw(m, ")");
			}
			m_raw(m, "\n");
			for (i = 0; i < ec->image.n_repo_tags; i++) {
				m_raw(m, "- Tag: ");
				m_code(m, ec->image.repo_tags[i]);
				m_raw(m, "\n");
			}
			for (i = 0; i < ec->image.n_repo_digests; i++) {
				m_raw(m, "- Digest: ");
				m_code(m, ec->image.repo_digests[i]);
				m_raw(m, "\n");
			}
		}
		m_raw(m, "- Created / started: ");
		m_esc(m, ec->created ? ec->created : "?");
		m_raw(m, " / ");
		m_esc(m, ec->started_at ? ec->started_at : "?");
		m_fmt(m, "\n- Privileged: %s; PID mode: ", ec->privileged ? "**yes**" : "no");
		m_esc(m, ec->pid_mode && *ec->pid_mode ? ec->pid_mode : "private");
		m_raw(m, "; restart policy: ");
		m_esc(m, ec->restart_policy && *ec->restart_policy ? ec->restart_policy : "none");
		m_raw(m, "\n");
		for (i = 0; i < ec->n_mounts; i++) {
			if (!ec->mounts[i].risk)
				continue;
			m_raw(m, "- **Escape risk**: ");
			m_esc(m, ec->mounts[i].risk);
			m_raw(m, "\n");
		}
	}
	if (c->acct.cgroup_version) {
		m_raw(m, "- Resource use:");
		if (c->acct.have_cpu)
			m_fmt(m, " CPU %.1f s", (double)c->acct.cpu_usage_ns / 1e9);
		if (c->acct.have_memory)
			m_fmt(m, ", memory %.1f MiB", (double)c->acct.memory_bytes / 1048576.0);
		m_raw(m, "\n");
	}
	if (c->have_members) {
		m_fmt(m, "- Processes in the container: %zu\n", c->n_members);
	}
}

static void render_entry(struct mctx *m, const struct mt_trace *t)
{
	const struct mt_engine_container *ec =
	    t->chain[0].container_index >= 0 ? t->containers[t->chain[0].container_index].engine
	                                     : NULL;
	size_t i;

	m_raw(m, "\n### How it got in\n\n");
	m_fmt(m, "- Entry: **%s**: ", mt_entry_name(t->entry.kind));
	m_esc(m, t->entry.detail);
	m_raw(m, "\n");
	m_fmt(m, "- Binary origin: **%s**: ", mt_origin_name(t->origin.kind));
	m_esc(m, t->origin.detail);
	m_raw(m, "\n");
	if (t->origin.upper_path && t->origin.in_upper) {
		m_raw(m, "- File in the writable layer: ");
		m_code(m, t->origin.upper_path);
		m_raw(m, "\n");
	}
	for (i = 0; ec && i < ec->n_execs; i++) {
		const struct mt_exec_session *x = &ec->execs[i];

		m_raw(m, "- Exec session ");
		m_code(m, x->id);
		m_raw(m, " as user ");
		m_code(m, x->user && *x->user ? x->user : "(default)");
		m_raw(m, ": ");
		m_code(m, x->entrypoint ? x->entrypoint : "");
		m_fmt(m, " (PID %d%s%s)\n", (int)x->pid, x->privileged ? ", privileged" : "",
		      x->chain_index >= 0 ? ", **started this chain**" : "");
	}
	for (i = 0; ec && i < ec->n_events; i++) {
		const struct mt_event *e = &ec->events[i];
		char when[40];

		if (!e->action || !mti_str_starts(e->action, "exec_"))
			continue;
		m_fmt(m, "- Engine event %s ",
		      mti_format_utc_ms(e->time_ns / 1000000, when, sizeof(when)));
		m_code(m, e->action);
		if (e->detail) {
			m_raw(m, " ");
			m_code(m, e->detail);
		}
		m_raw(m, "\n");
	}
	if (ec && ec->have_changes) {
		m_fmt(m,
		      "\n### File system drift\n\n%zu added, %zu modified, %zu deleted since the "
		      "image.\n\n",
		      ec->n_added, ec->n_modified, ec->n_deleted);
		if (ec->n_changes) {
			m_raw(m, "| Change | Path | Executable |\n|---|---|---|\n");
			for (i = 0; i < ec->n_changes; i++) {
				m_fmt(m, "| %s | ", mt_change_kind_name(ec->changes[i].kind));
				m_cell_code(m, ec->changes[i].path);
				m_fmt(m, "%s | %s |\n",
				      ec->changes[i].is_target_exe ? " (target)" : "",
				      ec->changes[i].executable == 1   ? "yes"
				      : ec->changes[i].executable == 0 ? "no"
				                                       : "unknown");
			}
		}
	}
}

/* The target's TCP sockets. */
static void render_network(struct mctx *m, const struct mt_target_net *net)
{
	size_t i;

	if (!net->n_conns)
		return;
	m_raw(m, "\n### Network\n\n| State | Local | Remote | Pool port |\n|---|---|---|---|\n");
	for (i = 0; i < net->n_conns; i++) {
		const struct mt_net_conn *c = &net->conns[i];

		m_fmt(m, "| %s | %s:%u | ", c->state, c->local, c->local_port);
		if (!c->listening)
			m_fmt(m, "%s:%u", c->remote, c->remote_port);
		m_fmt(m, " | %s |\n", c->pool_port ? "**yes**" : "");
	}
	if (net->truncated)
		m_raw(m, "\nMore connections than the report keeps.\n");
}

/* Other processes running the same binary. */
static void render_spread(struct mctx *m, const struct mt_spread *sp)
{
	char shortid[16];
	size_t i;

	if (!sp->n_procs)
		return;
	m_fmt(m,
	      "\n### Spread\n\nThe same binary runs in %zu more process%s, %zu more "
	      "container%s.\n\n| PID | Name | Executable | Container | Match |\n"
	      "|---:|---|---|---|---|\n",
	      sp->n_procs, sp->n_procs == 1 ? "" : "es", sp->n_other_containers,
	      sp->n_other_containers == 1 ? "" : "s");
	for (i = 0; i < sp->n_procs; i++) {
		const struct mt_spread_proc *p = &sp->procs[i];

		m_fmt(m, "| %d | ", (int)p->pid);
		m_esc(m, p->comm ? p->comm : "?");
		m_raw(m, " | ");
		m_cell_code(m, p->exe_path);
		m_fmt(m, " | %s | %s |\n",
		      p->container_id ? mt_short_id(p->container_id, shortid, sizeof(shortid))
		                      : "host",
		      p->match);
	}
	if (sp->truncated)
		m_raw(m, "\nMore than the report keeps, or more processes than were looked at.\n");
}

/* The other containers of the target's image, as a table. */
static void render_same_image(struct mctx *m, const struct mt_spread_image *si)
{
	char shortid[16], when[40];
	size_t i;

	if (!si->text)
		return;
	m_raw(m, "\n### Containers of the same image\n\n");
	m_esc(m, si->text);
	m_raw(m, ".\n");
	if (!si->n_containers)
		return;
	m_raw(m, "\n| Container | Name | State | Created (UTC) | Same miner runs | Same file in "
	         "writable layer |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < si->n_containers; i++) {
		const struct mt_spread_container *c = &si->containers[i];

		m_fmt(m, "| %s | ", mt_short_id(c->id, shortid, sizeof(shortid)));
		m_esc(m, c->name ? c->name : "?");
		m_raw(m, " | ");
		m_esc(m, c->state ? c->state : "?");
		m_fmt(m, " | %s | %s | %s |\n",
		      c->created_ns >= 0
		          ? mti_format_utc_ms(c->created_ns / 1000000, when, sizeof(when))
		          : "?",
		      c->runs_miner ? "**yes**" : "no",
		      c->file_in_layer < 0 ? "not searched"
		      : c->file_in_layer   ? "**yes**"
		                           : "no");
	}
}

/* The miner's own settings: what goes to the pool operator and the firewall. */
static void render_miner_config(struct mctx *m, const struct mt_miner_config *mc)
{
	size_t i;

	if (!mc->n_values && !mc->config_error)
		return;
	m_raw(m, "\n### Miner configuration\n\n");
	if (mc->n_values)
		m_raw(m,
		      "Block the pools at the firewall; report the wallet (user) and the worker "
		      "to the pool operator.\n\n| Setting | Value | Read from |\n|---|---|---|\n");
	for (i = 0; i < mc->n_values; i++) {
		const struct mt_miner_value *v = &mc->values[i];

		m_fmt(m, "| %s | ", mt_miner_setting_name(v->setting));
		m_cell_code(m, v->value);
		m_raw(m, " | ");
		m_esc(m, v->source);
		m_raw(m, " ");
		m_cell_code(m, v->name);
		m_raw(m, " |\n");
	}
	if (mc->truncated)
		m_raw(m, "\nMore settings than the report keeps.\n");
	if (mc->config_error) {
		m_raw(m, "\nThe config file could not be read: ");
		m_esc(m, mc->config_error);
		m_raw(m, ".\n");
	}
}

/* The persistence files, their content quoted exactly. */
static void render_persistence(struct mctx *m, const struct mt_persistence *ps)
{
	size_t i;

	if (!ps->n_items)
		return;
	m_raw(m, "\n### Persistence\n\n");
	for (i = 0; i < ps->n_items; i++) {
		const struct mt_persistence_item *it = &ps->items[i];
		char when[40];

		m_fmt(m, "- **%s** (%s) ", mt_persist_kind_name(it->kind),
		      it->on_host ? "host" : "container");
		m_code(m, it->path);
		m_fmt(m, ", written %s (untrusted), %llu bytes: ",
		      mti_format_utc_ms(it->mtime_ns / 1000000, when, sizeof(when)),
		      (unsigned long long)it->size);
		m_esc(m, it->why);
		if (it->content) {
			m_raw(m, "; content ");
			m_code(m, it->content);
			if (it->content_truncated)
				m_raw(m, " (cut)");
		}
		m_raw(m, "\n");
	}
	if (ps->truncated)
		m_raw(m, "- (more files than the report keeps)\n");
}

/* "What happened" in one paragraph, the persistence files, then the
 * timeline as a table. */
static void render_postmortem(struct mctx *m, const struct mt_trace *t)
{
	const struct mt_timeline *tl = &t->postmortem.timeline;
	size_t i;

	if (t->postmortem.what_happened) {
		m_raw(m, "\n### What happened\n\n");
		m_esc(m, t->postmortem.what_happened);
		m_raw(m, "\n");
	}
	render_persistence(m, &t->postmortem.persistence);
	render_network(m, &t->postmortem.network);
	render_spread(m, &t->postmortem.spread);
	render_same_image(m, &t->postmortem.spread.same_image);
	render_miner_config(m, &t->postmortem.miner_config);
	if (!tl->n_events)
		return;
	m_raw(m, "\n### Timeline\n\n| Time (UTC) | Clock | Fact |\n|---|---|---|\n");
	for (i = 0; i < tl->n_events; i++) {
		const struct mt_time_event *e = &tl->events[i];
		char when[40];

		m_fmt(m, "| %s | %s%s | ",
		      mti_format_utc_ms(e->time_ns / 1000000, when, sizeof(when)),
		      mt_clock_name(e->clock), e->untrusted ? " (untrusted)" : "");
		m_esc(m, e->what);
		m_raw(m, " |\n");
	}
	if (tl->truncated)
		m_raw(m, "\nMore facts than the timeline keeps: the latest are left out.\n");
	m_raw(m, "\nUntrusted times can be set by whoever wrote the file or built the image.\n");
}

static void render_hashes(struct mctx *m, const struct mt_trace *t)
{
	size_t i;

	m_raw(m, "\n### Executables and hashes\n\n| PID | Executable | Deleted | SHA-256 |\n"
	         "|---:|---|---|---|\n");
	for (i = 0; i < t->chain_len; i++) {
		const struct mt_exe *e = &t->chain[i].exe;

		if (!e->readable)
			continue;
		m_fmt(m, "| %d | ", (int)t->chain[i].pid);
		m_cell_code(m, e->path);
		m_fmt(m, " | %s | %s |\n", e->deleted ? "yes" : "no",
		      e->sha256[0] ? e->sha256 : "not computed");
	}
}

/* The runtime's own commands to stop and remove container c. */
/* Writes commands joined with " && ". */
static void m_commands(struct mctx *m, const struct mti_command *cmds, size_t n)
{
	size_t i, w;

	for (i = 0; i < n; i++) {
		m_raw(m, i ? " && " : "");
		for (w = 0; w < cmds[i].n; w++) {
			m_raw(m, w ? " " : "");
			m_shell_word(m, cmds[i].words[w]);
		}
	}
}

static void render_warnings(struct mctx *m, const struct mt_trace *t)
{
	size_t i;

	if (!t->n_warnings)
		return;
	m_raw(m, "\n### What could not be established\n\n");
	for (i = 0; i < t->n_warnings; i++) {
		m_raw(m, "- ");
		m_esc(m, t->warnings[i].subject);
		if (t->warnings[i].pid)
			m_fmt(m, " (PID %d)", (int)t->warnings[i].pid);
		m_raw(m, ": ");
		m_esc(m, t->warnings[i].message);
		m_raw(m, "\n");
	}
}

/* What the start-up preload check found. */
static void render_preload(struct mctx *m, const struct mt_preload_report *p)
{
	size_t i;

	if (!p->detected)
		return;
	m_raw(m, "\n**Userland rootkit**: ");
	if (p->preload_file) {
		m_raw(m, "`/etc/ld.so.preload` lists ");
		m_code(m, p->preload_file);
		m_raw(m, ". ");
	}
	if (p->ld_preload_env) {
		m_raw(m, "`LD_PRELOAD` was ");
		m_code(m, p->ld_preload_env);
		m_raw(m, ". ");
	}
	for (i = 0; i < p->n_unexpected_libs; i++) {
		m_raw(m, i ? ", " : "Loaded into minertrace: ");
		m_code(m, p->unexpected_libs[i]);
	}
	if (p->n_unexpected_libs)
		m_raw(m, ". ");
	m_esc(m, p->note);
	m_raw(m, "\n");
	for (i = 0; i < p->n_libraries; i++) {
		m_raw(m, i ? "- " : "\n- ");
		m_code(m, p->libraries[i].path);
		if (p->libraries[i].err)
			m_fmt(m, ": not read (%s)\n", mt_strerror(p->libraries[i].err));
		else
			m_fmt(m, ": %llu bytes, SHA-256 `%s`\n",
			      (unsigned long long)p->libraries[i].size, p->libraries[i].sha256);
	}
}

static void render_containment(struct mctx *m, const struct mt_trace *t)
{
	const struct mt_container *c =
	    t->chain[0].container_index >= 0 ? &t->containers[t->chain[0].container_index] : NULL;
	const struct mt_engine_container *ec = c ? c->engine : NULL;
	struct mti_command cmds[MTI_CMD_MAX];
	char shortid[16];
	size_t i, n_cmds;

	m_raw(m, "\n### Suggested containment (not executed)\n\n");
	/* A host process moved into a container's cgroup did not come from it. */
	if (!c || t->entry.kind == MT_ENTRY_CGROUP_ONLY) {
		m_fmt(m,
		      "1. Preserve evidence (`minertrace --collect DIR %d`), then stop the "
		      "process: `kill -STOP %d`, and find how it was started on the host.\n",
		      (int)t->target_pid, (int)t->target_pid);
		return;
	}
	m_fmt(m,
	      "1. Preserve evidence before removing anything: `minertrace --collect DIR "
	      "%d`.\n",
	      (int)t->target_pid);
	n_cmds = mti_containment_stop(c, shortid, sizeof(shortid), cmds);
	if (n_cmds) {
		m_raw(m, "2. Stop and remove the container: `");
		m_commands(m, cmds, n_cmds);
		m_raw(m, "`");
	} else {
		m_fmt(m, "2. Stop the process (`kill -STOP %d`) and remove the container with its "
		         "runtime's own tools (the runtime is not known)", (int)t->target_pid);
	}
	if (c->pod_uid || mti_pod_name(c)) {
		m_raw(m, "; it belongs to a Kubernetes pod: `kubectl -n ");
		m_shell_word(m, mti_pod_namespace(c) ? mti_pod_namespace(c) : "NAMESPACE");
		m_raw(m, " delete pod ");
		m_shell_word(m, mti_pod_name(c) ? mti_pod_name(c) : "POD");
		m_raw(m, "`, but a controller (Deployment, DaemonSet, Job...) recreates it: find "
		         "and fix the workload or its image first");
	} else if (ec && ec->restart_policy && *ec->restart_policy &&
	           strcmp(ec->restart_policy, "no") != 0) {
		m_raw(m, " (its restart policy is ");
		m_code(m, ec->restart_policy);
		m_raw(m, ": remove it, do not just stop it)");
	}
	m_raw(m, ".\n");
	if (t->verdict.classification == MT_CLASS_UNWANTED_IMAGE ||
	    t->verdict.classification == MT_CLASS_IMAGE_PROCESS) {
		m_raw(m, "3. The image itself carries the miner: remove it here");
		if (mti_containment_rmi(c, &cmds[0])) {
			m_raw(m, " (`");
			m_commands(m, cmds, 1);
			m_raw(m, "`)");
		}
		m_raw(m, " and remove the affected tags from every registry that holds them");
		for (i = 0; ec && ec->have_image && i < ec->image.n_repo_tags; i++) {
			m_raw(m, i ? ", " : " (");
			m_code(m, ec->image.repo_tags[i]);
		}
		m_raw(m, ec && ec->have_image && ec->image.n_repo_tags ? ").\n" : ".\n");
		m_raw(m, "4. Find who pulled or ran it: engine access logs, CI/CD history, "
		         "registry push history.\n");
	} else {
		m_raw(m, "3. The image is not the culprit by itself: fix the way in (");
		m_esc(m, mt_entry_name(t->entry.kind));
		m_raw(m, "). Patch the application in the image (a known remote code execution "
		         "is the usual way), or revoke the access that allowed `");
		m_raw(m, mti_containment_exec_words(c));
		m_raw(m, "`.\n");
		m_raw(m, "4. Rebuild the container from a patched image; do not reuse this "
		         "container's writable layer.\n");
	}
	m_raw(m, "5. Rotate every credential the container could reach (environment, mounted "
	         "secrets, cloud metadata), and block outbound connections to mining pools.\n");
}

enum mt_err mt_render_markdown(const struct mt_trace *t, const struct mt_render_options *ro,
                               FILE *out)
{
	struct mctx m = {{NULL, 0, 0}, MT_OK};
	char when[40];
	size_t i;

	(void)ro;
	m_fmt(&m, "## minertrace: PID %d", (int)t->target_pid);
	if (t->chain_len) {
		m_raw(&m, " (");
		m_esc(&m, t->chain[0].comm);
		m_raw(&m, ")");
	}
	m_fmt(&m, "\n\nCollected %s on host ",
	      mti_format_utc_ms(t->evidence.collected_at_ms, when, sizeof(when)));
	m_code(&m, t->evidence.hostname ? t->evidence.hostname : "?");
	m_raw(&m, ", kernel ");
	m_code(&m, t->evidence.kernel ? t->evidence.kernel : "?");
	m_raw(&m, ", boot ID ");
	m_code(&m, t->evidence.boot_id ? t->evidence.boot_id : "?");
	m_fmt(&m, ", by minertrace %s as uid %u.\n\n", MT_VERSION, (unsigned)t->evidence.uid);
	if (t->status == MT_TRACE_UNREADABLE) {
		m_fmt(&m, "**PID %d cannot be read.**\n", (int)t->target_pid);
		render_warnings(&m, t);
		goto out;
	}
	if (t->status == MT_TRACE_NOT_FOUND || !t->chain_len) {
		m_fmt(&m, "**No such process: PID %d.**\n", (int)t->target_pid);
		goto out;
	}
	m_fmt(&m, "**Summary** (%s): ", mt_class_name(t->verdict.classification));
	m_esc(&m, t->verdict.summary);
	m_raw(&m, "\n");
	if (t->thread_id)
		m_fmt(
		    &m,
		    "\nPID %d, the PID given, is a thread of process %d: the process is traced.\n",
		    (int)t->thread_id, (int)t->target_pid);
	if (mti_state_words(t->chain[0].state))
		m_fmt(&m, "\nState: %s.\n", mti_state_words(t->chain[0].state));
	if (t->status == MT_TRACE_VANISHED)
		m_raw(&m, "\n**The target exited or its PID was reused during the trace.**\n");
	render_postmortem(&m, t);
	render_chain(&m, t);
	for (i = 0; i < t->n_containers; i++)
		render_container(&m, t, &t->containers[i]);
	render_entry(&m, t);
	render_hashes(&m, t);
	if (t->verdict.n_signals) {
		m_raw(&m, "\n### Signals\n\n");
		for (i = 0; i < t->verdict.n_signals; i++) {
			m_raw(&m, "- ");
			m_code(&m, t->verdict.signals[i].id);
			m_raw(&m, ": ");
			m_esc(&m, t->verdict.signals[i].detail);
			m_raw(&m, "\n");
		}
	}
	render_preload(&m, &t->evidence.preload);
	render_containment(&m, t);
	render_warnings(&m, t);
out:
	if (!m.err && m.b.data && fwrite(m.b.data, 1, m.b.len, out) != m.b.len)
		m.err = MT_ERR_IO;
	mti_buf_free(&m.b);
	if (!m.err && ferror(out))
		m.err = MT_ERR_IO;
	return m.err;
}

enum mt_err mt_render_scan_markdown(const struct mt_scan *scan, const struct mt_render_options *ro,
                                    FILE *out)
{
	struct mctx m = {{NULL, 0, 0}, MT_OK};
	char when[40], shortid[16];
	size_t i, k;

	m_fmt(&m, "## minertrace scan\n\nCollected %s on host ",
	      mti_format_utc_ms(scan->evidence.collected_at_ms, when, sizeof(when)));
	m_code(&m, scan->evidence.hostname ? scan->evidence.hostname : "?");
	m_fmt(&m,
	      " by minertrace %s: CPU sampled over %.1f s, %zu processes, %zu with a signal, "
	      "%zu traced.\n\n",
	      MT_VERSION, scan->interval_s, scan->processes, scan->candidates, scan->traced);
	if (!scan->n_findings) {
		m_fmt(&m, "**Nothing scores %d or more.**\n", scan->min_score);
	} else {
		m_fmt(
		    &m,
		    "**%zu suspicious process%s** (score %d or more):\n\n"
		    "| Rank | Score | PID | Name | CPU %% of a core | Container | Image | Signals "
		    "|\n|---:|---:|---:|---|---:|---|---|---|\n",
		    scan->n_findings, scan->n_findings == 1 ? "" : "es", scan->min_score);
	}
	for (i = 0; i < scan->n_findings; i++) {
		const struct mt_finding *f = &scan->findings[i];
		const struct mt_trace *t = f->trace;
		const struct mt_container *c = t && t->chain_len && t->chain[0].container_index >= 0
		                                   ? &t->containers[t->chain[0].container_index]
		                                   : NULL;

		m_fmt(&m, "| %zu | %d | %d | ", i + 1, f->score, (int)f->pid);
		m_esc(&m, f->comm);
		m_fmt(&m, " | %.1f | %s | ", f->cpu_core_percent,
		      c ? mt_short_id(c->id, shortid, sizeof(shortid)) : "host");
		if (c && c->engine && c->engine->image_ref)
			m_cell_code(&m, c->engine->image_ref);
		m_raw(&m, " | ");
		for (k = 0; k < f->n_signals; k++) {
			m_raw(&m, k ? ", " : "");
			m_esc(&m, f->signals[k].id);
		}
		m_raw(&m, " |\n");
	}
	if (scan->host_preload || scan->n_hidden) {
		m_raw(&m, "\n**Userland rootkit on the host**:");
		if (scan->host_preload) {
			m_raw(&m, " /etc/ld.so.preload lists ");
			m_code(&m, scan->host_preload);
			m_raw(&m, ";");
		}
		if (scan->n_hidden) {
			m_fmt(&m, " %zu process%s hidden from the /proc listing:", scan->n_hidden,
			      scan->n_hidden == 1 ? "" : "es");
			for (k = 0; k < scan->n_hidden && k < 64; k++)
				m_fmt(&m, " %d", (int)scan->hidden[k]);
		}
		m_raw(&m, "\n");
	}
	m_raw(&m, "\n");
	if (!m.err && m.b.data && fwrite(m.b.data, 1, m.b.len, out) != m.b.len)
		m.err = MT_ERR_IO;
	mti_buf_free(&m.b);
	/* then each finding's own section */
	for (i = 0; i < scan->n_findings && !m.err; i++) {
		if (!scan->findings[i].trace)
			continue;
		if (fputs("---\n\n", out) == EOF)
			m.err = MT_ERR_IO;
		else
			m.err = mt_render_markdown(scan->findings[i].trace, ro, out);
	}
	if (!m.err && ferror(out))
		m.err = MT_ERR_IO;
	return m.err;
}
