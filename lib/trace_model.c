/* Building and releasing the trace model (model.h). */
#include "trace_model.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_path.h"
#include "util.h"

void mti_warnings_vadd(struct mt_warning **list, size_t *n, enum mt_err code, pid_t pid,
                       const char *subject, const char *fmt, va_list ap)
{
	struct mt_warning *w;
	struct mti_buf b;

	if (*n >= MTI_WARNINGS_MAX)
		return;
	w = realloc(*list, (*n + 1) * sizeof(*w));
	if (!w)
		return;
	*list = w;
	mti_buf_init(&b);
	if (mti_buf_vprintf(&b, fmt, ap)) {
		mti_buf_free(&b);
		return;
	}
	w = &(*list)[*n];
	w->code = code;
	w->pid = pid;
	w->subject = mti_strdup(subject);
	w->message = mti_buf_steal(&b);
	if (!w->subject || !w->message) {
		free(w->subject);
		free(w->message);
		return;
	}
	(*n)++;
}

void mti_warnings_free(struct mt_warning *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(list[i].subject);
		free(list[i].message);
	}
	free(list);
}

void mti_warn(struct mt_trace *t, enum mt_err code, pid_t pid, const char *subject, const char *fmt,
              ...)
{
	va_list ap;

	if (!t)
		return;
	va_start(ap, fmt);
	mti_warnings_vadd(&t->warnings, &t->n_warnings, code, pid, subject ? subject : "trace", fmt,
	                  ap);
	va_end(ap);
}

void mti_exe_clear(struct mt_exe *e)
{
	free(e->path);
	free(e->memfd_name);
	free(e->host_path);
	memset(e, 0, sizeof(*e));
}

void mti_process_clear(struct mt_process *p)
{
	free(p->comm);
	mti_strv_free(p->argv, p->argc);
	free(p->user);
	free(p->cwd);
	mti_exe_clear(&p->exe);
	mti_cgroup_info_free(&p->cgroup);
	memset(p, 0, sizeof(*p));
	p->container_index = -1;
}

void mti_member_clear(struct mt_member *m)
{
	free(m->comm);
	free(m->exe_path);
	memset(m, 0, sizeof(*m));
}

void mti_image_clear(struct mt_image *img)
{
	free(img->id);
	mti_strv_free(img->repo_tags, img->n_repo_tags);
	mti_strv_free(img->repo_digests, img->n_repo_digests);
	free(img->created);
	free(img->registry);
	memset(img, 0, sizeof(*img));
}

void mti_exec_session_clear(struct mt_exec_session *x)
{
	free(x->id);
	free(x->user);
	free(x->entrypoint);
	mti_strv_free(x->args, x->n_args);
	memset(x, 0, sizeof(*x));
	x->chain_index = -1;
	x->exit_code = -1;
}

void mti_event_clear(struct mt_event *e)
{
	free(e->type);
	free(e->action);
	free(e->actor_id);
	free(e->exec_id);
	free(e->detail);
	memset(e, 0, sizeof(*e));
}

void mti_engine_container_free(struct mt_engine_container *ec)
{
	mti_engine_container_clear(ec);
	free(ec);
}

void mti_engine_container_clear(struct mt_engine_container *ec)
{
	size_t i;

	if (!ec)
		return;
	free(ec->id);
	free(ec->name);
	free(ec->image_ref);
	free(ec->image_id);
	free(ec->created);
	free(ec->started_at);
	free(ec->status);
	free(ec->path);
	mti_strv_free(ec->args, ec->n_args);
	mti_strv_free(ec->entrypoint, ec->n_entrypoint);
	mti_strv_free(ec->cmd, ec->n_cmd);
	free(ec->user);
	free(ec->working_dir);
	for (i = 0; i < ec->n_labels; i++) {
		free(ec->labels[i].key);
		free(ec->labels[i].value);
	}
	free(ec->labels);
	free(ec->k8s_pod_name);
	free(ec->k8s_namespace);
	free(ec->k8s_container);
	free(ec->k8s_pod_uid);
	free(ec->pid_mode);
	free(ec->network_mode);
	free(ec->cgroup_parent);
	mti_strv_free(ec->cap_add, ec->n_cap_add);
	for (i = 0; i < ec->n_mounts; i++) {
		free(ec->mounts[i].type);
		free(ec->mounts[i].source);
		free(ec->mounts[i].destination);
		free(ec->mounts[i].risk);
	}
	free(ec->mounts);
	free(ec->restart_policy);
	free(ec->graph_driver);
	free(ec->upper_dir);
	mti_image_clear(&ec->image);
	for (i = 0; i < ec->n_execs; i++)
		mti_exec_session_clear(&ec->execs[i]);
	free(ec->execs);
	for (i = 0; i < ec->n_events; i++)
		mti_event_clear(&ec->events[i]);
	free(ec->events);
	for (i = 0; i < ec->n_changes; i++)
		free(ec->changes[i].path);
	free(ec->changes);
	memset(ec, 0, sizeof(*ec));
}

static const struct mt_oci_bundle *bundle_of(const struct mt_container *c)
{
	return c->task ? c->task->bundle : NULL;
}

const char *mti_pod_name(const struct mt_container *c)
{
	if (c->engine && c->engine->k8s_pod_name)
		return c->engine->k8s_pod_name;
	return bundle_of(c) ? bundle_of(c)->pod_name : NULL;
}

const char *mti_pod_namespace(const struct mt_container *c)
{
	if (c->engine && c->engine->k8s_pod_name)
		return c->engine->k8s_namespace;
	return bundle_of(c) ? bundle_of(c)->pod_namespace : NULL;
}

const char *mti_k8s_container_name(const struct mt_container *c)
{
	if (c->engine && c->engine->k8s_container)
		return c->engine->k8s_container;
	return bundle_of(c) ? bundle_of(c)->container_name : NULL;
}

const char *mti_image_name(const struct mt_container *c)
{
	if (c->engine && c->engine->image_ref)
		return c->engine->image_ref;
	return bundle_of(c) ? bundle_of(c)->image_name : NULL;
}

void mti_oci_bundle_clear(struct mt_oci_bundle *b)
{
	size_t i;

	if (!b)
		return;
	free(b->path);
	free(b->container_type);
	free(b->container_name);
	free(b->image_name);
	free(b->sandbox_id);
	free(b->pod_name);
	free(b->pod_namespace);
	free(b->pod_uid);
	for (i = 0; i < b->n_args; i++)
		free(b->args[i]);
	free(b->args);
	free(b->root);
	memset(b, 0, sizeof(*b));
}

void mti_runtime_task_free(struct mt_runtime_task *task)
{
	if (!task)
		return;
	free(task->namespace);
	free(task->address);
	free(task->shim_id);
	if (task->bundle) {
		mti_oci_bundle_clear(task->bundle);
		free(task->bundle);
	}
	free(task);
}

void mti_container_clear(struct mt_container *c)
{
	size_t i;

	free(c->id);
	free(c->pod_uid);
	free(c->cgroup_path);
	for (i = 0; i < c->n_outer; i++)
		free(c->outer[i].id);
	free(c->outer);
	for (i = 0; i < c->n_members; i++)
		mti_member_clear(&c->members[i]);
	free(c->members);
	mti_engine_container_free(c->engine);
	mti_runtime_task_free(c->task);
	memset(c, 0, sizeof(*c));
}

void mti_origin_clear(struct mt_origin *o)
{
	free(o->root_fstype);
	free(o->upperdir);
	free(o->upper_path);
	free(o->lower_path);
	free(o->mount_point);
	free(o->mount_fstype);
	free(o->mount_source);
	free(o->detail);
	memset(o, 0, sizeof(*o));
	o->lower_index = -1;
}

void mti_preload_clear(struct mt_preload_report *r)
{
	size_t i;

	for (i = 0; i < r->n_libraries; i++)
		free(r->libraries[i].path);
	free(r->libraries);
	free(r->preload_file);
	free(r->ld_preload_env);
	mti_strv_free(r->unexpected_libs, r->n_unexpected_libs);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

enum mt_err mti_preload_copy(const struct mt_preload_report *src, struct mt_preload_report *dst)
{
	memset(dst, 0, sizeof(*dst));
	dst->checked = src->checked;
	dst->detected = src->detected;
	dst->reexecuted = src->reexecuted;
	dst->statically_linked = src->statically_linked;
	if (src->n_libraries) {
		dst->libraries = calloc(src->n_libraries, sizeof(*dst->libraries));
		if (!dst->libraries)
			return MT_ERR_NOMEM;
		for (; dst->n_libraries < src->n_libraries; dst->n_libraries++) {
			struct mt_preload_library *l = &dst->libraries[dst->n_libraries];

			*l = src->libraries[dst->n_libraries];
			if (!(l->path = mti_strdup(l->path))) {
				mti_preload_clear(dst);
				return MT_ERR_NOMEM;
			}
		}
	}
	if ((src->preload_file && !(dst->preload_file = mti_strdup(src->preload_file))) ||
	    (src->ld_preload_env && !(dst->ld_preload_env = mti_strdup(src->ld_preload_env))) ||
	    (src->note && !(dst->note = mti_strdup(src->note))) ||
	    mti_strv_dup(src->unexpected_libs, src->n_unexpected_libs, &dst->unexpected_libs)) {
		mti_preload_clear(dst);
		return MT_ERR_NOMEM;
	}
	dst->n_unexpected_libs = src->n_unexpected_libs;
	return MT_OK;
}

const char *mti_shown_user(const struct mt_process *p)
{
	if (!p->user || (p->uid[0] != 0 && (p->container_index >= 0 || p->n_nspid > 1)))
		return NULL;
	return p->user;
}

void mt_trace_free(struct mt_trace *t)
{
	size_t i;

	if (!t)
		return;
	mti_evidence_clear(&t->evidence);
	for (i = 0; i < t->chain_len; i++)
		mti_process_clear(&t->chain[i]);
	free(t->chain);
	for (i = 0; i < t->n_containers; i++)
		mti_container_clear(&t->containers[i]);
	free(t->containers);
	mti_origin_clear(&t->origin);
	free(t->entry.detail);
	free(t->verdict.summary);
	for (i = 0; i < t->verdict.n_signals; i++) {
		free(t->verdict.signals[i].id);
		free(t->verdict.signals[i].detail);
	}
	free(t->verdict.signals);
	free(t->engine.endpoint);
	free(t->engine.api);
	free(t->engine.api_version);
	free(t->engine.engine_version);
	free(t->engine.engine_os);
	mti_warnings_free(t->warnings, t->n_warnings);
	mti_postmortem_clear(&t->postmortem);
	free(t);
}

const char *mti_state_words(char state)
{
	switch (state) {
	case 'Z':
		return "zombie (Z): the process has exited but its parent has not reaped it; "
		       "what is left is its entry in the process table";
	case 'T':
		return "stopped (T): a signal (SIGSTOP, SIGTSTP) suspended it; it runs again on "
		       "SIGCONT";
	case 't':
		return "stopped by a tracer (t): a debugger or strace holds it";
	case 'X':
	case 'x':
		return "dead (X): the process is being removed";
	default:
		return NULL;
	}
}

void mti_timeline_clear(struct mt_timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->n_events; i++)
		free(tl->events[i].what);
	free(tl->events);
	tl->events = NULL;
	tl->n_events = 0;
	tl->truncated = false;
}

void mti_entry_story_clear(struct mt_entry_story *st)
{
	free(st->image_ref);
	free(st->image_version);
	free(st->image_version_from);
	free(st->exec_id);
	free(st->exec_user);
	free(st->exec_command);
	free(st->text);
	memset(st, 0, sizeof(*st));
	st->app_index = st->shell_index = -1;
	st->exec_time_ns = -1;
}

void mti_registry_check_clear(struct mt_registry_check *r)
{
	free(r->image);
	free(r->registry);
	free(r->matched);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

void mti_persistence_clear(struct mt_persistence *ps)
{
	size_t i;

	for (i = 0; i < ps->n_items; i++) {
		free(ps->items[i].path);
		free(ps->items[i].content);
		free(ps->items[i].why);
	}
	free(ps->items);
	memset(ps, 0, sizeof(*ps));
}

void mti_target_net_clear(struct mt_target_net *n)
{
	size_t i;

	for (i = 0; i < n->n_conns; i++) {
		free(n->conns[i].local);
		free(n->conns[i].remote);
		free(n->conns[i].state);
	}
	free(n->conns);
	memset(n, 0, sizeof(*n));
}

void mti_spread_image_clear(struct mt_spread_image *si)
{
	size_t i;

	for (i = 0; i < si->n_containers; i++) {
		free(si->containers[i].id);
		free(si->containers[i].name);
		free(si->containers[i].state);
	}
	free(si->containers);
	free(si->image_id);
	free(si->text);
	memset(si, 0, sizeof(*si));
}

void mti_spread_clear(struct mt_spread *sp)
{
	size_t i;

	mti_spread_image_clear(&sp->same_image);
	for (i = 0; i < sp->n_procs; i++) {
		free(sp->procs[i].comm);
		free(sp->procs[i].exe_path);
		free(sp->procs[i].container_id);
		free(sp->procs[i].match);
	}
	free(sp->procs);
	memset(sp, 0, sizeof(*sp));
}

void mti_miner_config_clear(struct mt_miner_config *mc)
{
	size_t i;

	for (i = 0; i < mc->n_values; i++) {
		free(mc->values[i].value);
		free(mc->values[i].source);
		free(mc->values[i].name);
	}
	free(mc->values);
	free(mc->config_file);
	free(mc->config_error);
	memset(mc, 0, sizeof(*mc));
}

void mti_postmortem_clear(struct mt_postmortem *pm)
{
	mti_miner_config_clear(&pm->miner_config);
	mti_spread_clear(&pm->spread);
	mti_target_net_clear(&pm->network);
	mti_persistence_clear(&pm->persistence);
	mti_timeline_clear(&pm->timeline);
	mti_entry_story_clear(&pm->story);
	mti_registry_check_clear(&pm->registry);
	free(pm->what_happened);
	pm->what_happened = NULL;
}

void mti_evidence_clear(struct mt_evidence *ev)
{
	free(ev->hostname);
	free(ev->kernel);
	free(ev->boot_id);
	free(ev->proc_root);
	mti_preload_clear(&ev->preload);
	memset(ev, 0, sizeof(*ev));
}
