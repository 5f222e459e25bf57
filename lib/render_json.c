/* JSON rendering of the model (schema minertrace/1, docs/minertrace.schema.json).
 *
 * Every string that came from a process, a path or the engine is checked:
 * valid UTF-8 goes out as is (cJSON escapes control characters), anything
 * else as a readable form with \xNN plus a "<key>_base64" sibling holding
 * the exact bytes. The document is therefore always valid UTF-8 JSON.
 */
#include "render_json.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "escape.h"
#include "trace_model.h"
#include "util.h"

void mti_json_add_bytes(struct mti_json *j, cJSON *o, const char *key, const char *s)
{
	struct mti_buf disp;
	char *b64, *b64key;
	size_t len;

	if (j->err || !o)
		return;
	if (!s) {
		if (!cJSON_AddNullToObject(o, key))
			j->err = MT_ERR_NOMEM;
		return;
	}
	len = strlen(s);
	if (mti_utf8_valid(s, len)) {
		if (!cJSON_AddStringToObject(o, key, s))
			j->err = MT_ERR_NOMEM;
		return;
	}
	mti_buf_init(&disp);
	b64 = mti_base64(s, len);
	b64key = mti_asprintf("%s_base64", key);
	if (!b64 || !b64key || mti_escape_json_display(&disp, s, len) || !disp.data ||
	    !cJSON_AddStringToObject(o, key, disp.data) || !cJSON_AddStringToObject(o, b64key, b64))
		j->err = MT_ERR_NOMEM;
	free(b64);
	free(b64key);
	mti_buf_free(&disp);
}

/* An array of strings; when any is not UTF-8, "<key>_base64" holds all. */
static void add_strv(struct mti_json *j, cJSON *o, const char *key, char *const *v, size_t n)
{
	cJSON *arr, *b64arr = NULL;
	bool all_valid = true;
	size_t i;

	if (j->err)
		return;
	arr = cJSON_AddArrayToObject(o, key);
	if (!arr) {
		j->err = MT_ERR_NOMEM;
		return;
	}
	for (i = 0; i < n; i++)
		if (!mti_utf8_valid(v[i], strlen(v[i])))
			all_valid = false;
	if (!all_valid) {
		char *k = mti_asprintf("%s_base64", key);

		b64arr = k ? cJSON_AddArrayToObject(o, k) : NULL;
		free(k);
		if (!b64arr) {
			j->err = MT_ERR_NOMEM;
			return;
		}
	}
	for (i = 0; i < n && !j->err; i++) {
		size_t len = strlen(v[i]);
		cJSON *item;

		if (mti_utf8_valid(v[i], len)) {
			item = cJSON_CreateString(v[i]);
		} else {
			struct mti_buf disp;

			mti_buf_init(&disp);
			item = NULL;
			if (!mti_escape_json_display(&disp, v[i], len) && disp.data)
				item = cJSON_CreateString(disp.data);
			mti_buf_free(&disp);
		}
		if (!item || !cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(item);
			j->err = MT_ERR_NOMEM;
			break;
		}
		if (b64arr) {
			char *b = mti_base64(v[i], len);
			cJSON *bi = b ? cJSON_CreateString(b) : NULL;

			free(b);
			if (!bi || !cJSON_AddItemToArray(b64arr, bi)) {
				cJSON_Delete(bi);
				j->err = MT_ERR_NOMEM;
			}
		}
	}
}

void mti_json_add_number(struct mti_json *j, cJSON *o, const char *key, double v)
{
	if (!j->err && o && !cJSON_AddNumberToObject(o, key, v))
		j->err = MT_ERR_NOMEM;
}

void mti_json_add_bool(struct mti_json *j, cJSON *o, const char *key, bool v)
{
	if (!j->err && o && !cJSON_AddBoolToObject(o, key, v))
		j->err = MT_ERR_NOMEM;
}

static void add_null(struct mti_json *j, cJSON *o, const char *key)
{
	if (!j->err && o && !cJSON_AddNullToObject(o, key))
		j->err = MT_ERR_NOMEM;
}

static cJSON *add_object(struct mti_json *j, cJSON *o, const char *key)
{
	cJSON *c;

	if (j->err || !o)
		return NULL;
	c = cJSON_AddObjectToObject(o, key);
	if (!c)
		j->err = MT_ERR_NOMEM;
	return c;
}

static cJSON *add_array(struct mti_json *j, cJSON *o, const char *key)
{
	cJSON *c;

	if (j->err || !o)
		return NULL;
	c = cJSON_AddArrayToObject(o, key);
	if (!c)
		j->err = MT_ERR_NOMEM;
	return c;
}

static cJSON *push_object(struct mti_json *j, cJSON *arr)
{
	cJSON *c;

	if (j->err || !arr)
		return NULL;
	c = cJSON_CreateObject();
	if (!c || !cJSON_AddItemToArray(arr, c)) {
		cJSON_Delete(c);
		j->err = MT_ERR_NOMEM;
		return NULL;
	}
	return c;
}

static void add_time_ms(struct mti_json *j, cJSON *o, const char *key, int64_t ms)
{
	char buf[40];

	if (ms < 0)
		add_null(j, o, key);
	else
		mti_json_add_bytes(j, o, key, mti_format_utc_ms(ms, buf, sizeof(buf)));
}

/* Adds a PID, or null for 0 (not about one process). */
static void add_opt_pid(struct mti_json *j, cJSON *o, const char *key, pid_t pid)
{
	if (pid)
		mti_json_add_number(j, o, key, pid);
	else
		add_null(j, o, key);
}

/* Adds a number when known (non-zero), null otherwise. */
static void add_opt_u64(struct mti_json *j, cJSON *o, const char *key, uint64_t v)
{
	if (v)
		mti_json_add_number(j, o, key, (double)v);
	else
		add_null(j, o, key);
}

static void add_ids(struct mti_json *j, cJSON *o, const char *key, const uid_t *ids, bool known)
{
	cJSON *x;

	if (!known) {
		add_null(j, o, key);
		return;
	}
	x = add_object(j, o, key);

	mti_json_add_number(j, x, "real", ids[0]);
	mti_json_add_number(j, x, "effective", ids[1]);
	mti_json_add_number(j, x, "saved", ids[2]);
	mti_json_add_number(j, x, "fs", ids[3]);
}

static void add_exe(struct mti_json *j, cJSON *o, const struct mt_exe *e)
{
	cJSON *x;
	char buf[32];

	if (!e->readable) {
		add_null(j, o, "exe");
		return;
	}
	x = add_object(j, o, "exe");
	mti_json_add_bytes(j, x, "path", e->path);
	mti_json_add_bool(j, x, "deleted", e->deleted);
	mti_json_add_bool(j, x, "memfd", e->memfd);
	mti_json_add_bytes(j, x, "memfd_name", e->memfd_name);
	mti_json_add_bool(j, x, "runtime_memfd", e->runtime_memfd);
	mti_json_add_bytes(j, x, "host_path", e->host_path);
	if (e->have_stat) {
		mti_json_add_number(j, x, "size", (double)e->size);
		mti_json_add_number(j, x, "inode", (double)e->inode);
		snprintf(buf, sizeof(buf), "%u:%u", e->dev_major, e->dev_minor);
		mti_json_add_bytes(j, x, "device", buf);
		mti_json_add_number(j, x, "links", (double)e->nlink);
		snprintf(buf, sizeof(buf), "%04o", (unsigned)(e->mode & 07777));
		mti_json_add_bytes(j, x, "mode", buf);
	} else {
		add_null(j, x, "size");
		add_null(j, x, "inode");
		add_null(j, x, "device");
		add_null(j, x, "links");
		add_null(j, x, "mode");
	}
	mti_json_add_bytes(j, x, "sha256", e->sha256[0] ? e->sha256 : NULL);
}

static void add_refs(struct mti_json *j, cJSON *o, const char *key,
                     const struct mt_container_ref *refs, size_t n)
{
	cJSON *arr = add_array(j, o, key);
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *x = push_object(j, arr);

		mti_json_add_bytes(j, x, "id", refs[i].id);
		mti_json_add_bytes(j, x, "runtime", mt_runtime_name(refs[i].runtime));
	}
}

static void add_cgroup(struct mti_json *j, cJSON *o, const struct mt_cgroup_info *cg)
{
	cJSON *x = add_object(j, o, "cgroup"), *lines;
	size_t i;

	mti_json_add_bytes(j, x, "scope", mt_scope_name(cg->scope));
	mti_json_add_bytes(j, x, "path", cg->path);
	mti_json_add_number(j, x, "hierarchy", cg->hierarchy);
	mti_json_add_bytes(j, x, "container_id", cg->container.id);
	mti_json_add_bytes(j, x, "runtime",
	                   cg->container.id ? mt_runtime_name(cg->container.runtime) : NULL);
	add_refs(j, x, "outer", cg->outer, cg->n_outer);
	mti_json_add_bytes(j, x, "pod_uid", cg->pod_uid);
	mti_json_add_bytes(j, x, "qos", cg->pod_uid ? mt_qos_name(cg->qos) : NULL);
	lines = add_array(j, x, "lines");
	for (i = 0; i < cg->n_lines; i++) {
		cJSON *l = push_object(j, lines);

		mti_json_add_number(j, l, "hierarchy", cg->lines[i].hierarchy);
		mti_json_add_bytes(j, l, "controllers", cg->lines[i].controllers);
		mti_json_add_bytes(j, l, "path", cg->lines[i].path);
	}
}

static void add_process(struct mti_json *j, cJSON *arr, const struct mt_trace *t,
                        const struct mt_process *p)
{
	cJSON *x = push_object(j, arr), *nspid, *ns;
	char state[2] = {p->state, '\0'};
	size_t i;

	mti_json_add_number(j, x, "pid", p->pid);
	mti_json_add_number(j, x, "ppid", p->ppid);
	nspid = add_array(j, x, "nspid");
	for (i = 0; i < p->n_nspid && !j->err; i++) {
		cJSON *n = cJSON_CreateNumber(p->nspid[i]);

		if (!n || !cJSON_AddItemToArray(nspid, n)) {
			cJSON_Delete(n);
			j->err = MT_ERR_NOMEM;
		}
	}
	mti_json_add_bytes(j, x, "role", mt_role_name(p->role));
	mti_json_add_bytes(j, x, "comm", p->comm);
	add_strv(j, x, "argv", p->argv, p->argc);
	mti_json_add_bool(j, x, "argv_truncated", p->argv_truncated);
	mti_json_add_bool(j, x, "kernel_thread", p->kernel_thread);
	add_ids(j, x, "uid", p->uid, p->have_ids);
	add_ids(j, x, "gid", (const uid_t *)p->gid, p->have_ids);
	mti_json_add_bytes(j, x, "user", p->user);
	mti_json_add_bytes(j, x, "state", state[0] ? state : NULL);
	add_time_ms(j, x, "start_time", p->start_time_ms);
	mti_json_add_number(j, x, "start_ticks", (double)p->start_ticks);
	mti_json_add_number(j, x, "cpu_seconds", (double)p->cpu_ms / 1000.0);
	mti_json_add_number(j, x, "rss_kb", (double)p->rss_kb);
	mti_json_add_number(j, x, "threads", p->threads);
	mti_json_add_bytes(j, x, "cwd", p->cwd);
	ns = add_object(j, x, "namespaces");
	add_opt_u64(j, ns, "pid", p->ns_pid);
	add_opt_u64(j, ns, "mnt", p->ns_mnt);
	add_opt_u64(j, ns, "cgroup", p->ns_cgroup);
	add_opt_u64(j, ns, "net", p->ns_net);
	add_opt_u64(j, ns, "user", p->ns_user);
	mti_json_add_bytes(j, x, "container_id",
	                   p->container_index >= 0 ? t->containers[p->container_index].id : NULL);
	add_cgroup(j, x, &p->cgroup);
	add_exe(j, x, &p->exe);
	mti_json_add_bool(j, x, "vanished", p->vanished);
}

static void add_image(struct mti_json *j, cJSON *o, const struct mt_engine_container *ec)
{
	cJSON *x = add_object(j, o, "image");

	mti_json_add_bytes(j, x, "reference", ec->image_ref);
	mti_json_add_bytes(j, x, "id", ec->image_id);
	if (ec->have_image) {
		add_strv(j, x, "repo_tags", ec->image.repo_tags, ec->image.n_repo_tags);
		add_strv(j, x, "repo_digests", ec->image.repo_digests, ec->image.n_repo_digests);
		mti_json_add_bytes(j, x, "created", ec->image.created);
		mti_json_add_bytes(j, x, "registry", ec->image.registry);
		mti_json_add_bytes(j, x, "source", mt_image_source_name(ec->image.source));
	} else {
		add_null(j, x, "repo_tags");
		add_null(j, x, "repo_digests");
		add_null(j, x, "created");
		add_null(j, x, "registry");
		mti_json_add_bytes(j, x, "source", mt_image_source_name(MT_IMAGE_SOURCE_UNKNOWN));
	}
}

static void add_engine_container(struct mti_json *j, cJSON *o, const struct mt_trace *t,
                                 const struct mt_engine_container *ec)
{
	cJSON *x, *arr, *rp, *ch;
	size_t i;

	if (!ec) {
		add_null(j, o, "engine");
		return;
	}
	x = add_object(j, o, "engine");
	mti_json_add_bytes(j, x, "name", ec->name);
	add_image(j, x, ec);
	mti_json_add_bytes(j, x, "created", ec->created);
	mti_json_add_bytes(j, x, "started_at", ec->started_at);
	mti_json_add_bytes(j, x, "status", ec->status);
	mti_json_add_number(j, x, "init_pid", ec->init_pid);
	mti_json_add_bytes(j, x, "path", ec->path);
	add_strv(j, x, "args", ec->args, ec->n_args);
	add_strv(j, x, "entrypoint", ec->entrypoint, ec->n_entrypoint);
	add_strv(j, x, "cmd", ec->cmd, ec->n_cmd);
	mti_json_add_bytes(j, x, "user", ec->user);
	mti_json_add_bytes(j, x, "working_dir", ec->working_dir);
	arr = add_array(j, x, "labels");
	for (i = 0; i < ec->n_labels; i++) {
		cJSON *l = push_object(j, arr);

		mti_json_add_bytes(j, l, "key", ec->labels[i].key);
		mti_json_add_bytes(j, l, "value", ec->labels[i].value);
	}
	mti_json_add_bool(j, x, "privileged", ec->privileged);
	mti_json_add_bytes(j, x, "pid_mode", ec->pid_mode);
	mti_json_add_bytes(j, x, "network_mode", ec->network_mode);
	mti_json_add_bytes(j, x, "cgroup_parent", ec->cgroup_parent);
	add_strv(j, x, "cap_add", ec->cap_add, ec->n_cap_add);
	arr = add_array(j, x, "mounts");
	for (i = 0; i < ec->n_mounts; i++) {
		cJSON *m = push_object(j, arr);

		mti_json_add_bytes(j, m, "type", ec->mounts[i].type);
		mti_json_add_bytes(j, m, "source", ec->mounts[i].source);
		mti_json_add_bytes(j, m, "destination", ec->mounts[i].destination);
		mti_json_add_bool(j, m, "rw", ec->mounts[i].rw);
		mti_json_add_bytes(j, m, "risk", ec->mounts[i].risk);
	}
	rp = add_object(j, x, "restart_policy");
	mti_json_add_bytes(j, rp, "name", ec->restart_policy);
	mti_json_add_number(j, rp, "maximum_retry_count", (double)ec->restart_max);
	mti_json_add_number(j, x, "restart_count", (double)ec->restart_count);
	mti_json_add_bytes(j, x, "graph_driver", ec->graph_driver);
	mti_json_add_bytes(j, x, "upper_dir", ec->upper_dir);
	arr = add_array(j, x, "exec_sessions");
	for (i = 0; i < ec->n_execs; i++) {
		const struct mt_exec_session *s = &ec->execs[i];
		cJSON *e = push_object(j, arr);

		mti_json_add_bytes(j, e, "id", s->id);
		mti_json_add_number(j, e, "pid", s->pid);
		mti_json_add_bool(j, e, "running", s->running);
		if (s->exit_code >= 0)
			mti_json_add_number(j, e, "exit_code", (double)s->exit_code);
		else
			add_null(j, e, "exit_code");
		mti_json_add_bytes(j, e, "user", s->user);
		mti_json_add_bytes(j, e, "entrypoint", s->entrypoint);
		add_strv(j, e, "args", s->args, s->n_args);
		mti_json_add_bool(j, e, "privileged", s->privileged);
		mti_json_add_bool(j, e, "tty", s->tty);
		if (s->chain_index >= 0 && (size_t)s->chain_index < t->chain_len)
			mti_json_add_number(j, e, "started_pid", t->chain[s->chain_index].pid);
		else
			add_null(j, e, "started_pid");
	}
	if (ec->have_events) {
		arr = add_array(j, x, "events");
		for (i = 0; i < ec->n_events; i++) {
			const struct mt_event *ev = &ec->events[i];
			cJSON *e = push_object(j, arr);

			add_time_ms(j, e, "time", ev->time_ns / 1000000);
			mti_json_add_bytes(j, e, "type", ev->type);
			mti_json_add_bytes(j, e, "action", ev->action);
			mti_json_add_bytes(j, e, "detail", ev->detail);
			mti_json_add_bytes(j, e, "exec_id", ev->exec_id);
		}
	} else {
		add_null(j, x, "events");
	}
	if (!ec->have_changes) {
		add_null(j, x, "changes");
		return;
	}
	ch = add_object(j, x, "changes");
	mti_json_add_number(j, ch, "added", (double)ec->n_added);
	mti_json_add_number(j, ch, "modified", (double)ec->n_modified);
	mti_json_add_number(j, ch, "deleted", (double)ec->n_deleted);
	mti_json_add_bytes(j, ch, "target_exe",
	                   ec->target_change >= 0
	                       ? mt_change_kind_name((enum mt_change_kind)ec->target_change)
	                       : NULL);
	arr = add_array(j, ch, "files");
	for (i = 0; i < ec->n_changes; i++) {
		cJSON *f = push_object(j, arr);

		mti_json_add_bytes(j, f, "path", ec->changes[i].path);
		mti_json_add_bytes(j, f, "kind", mt_change_kind_name(ec->changes[i].kind));
		if (ec->changes[i].executable < 0)
			add_null(j, f, "executable");
		else
			mti_json_add_bool(j, f, "executable", ec->changes[i].executable == 1);
		mti_json_add_bool(j, f, "target_exe", ec->changes[i].is_target_exe);
	}
}

/* The task's OCI bundle (config.json), or null. */
static void add_bundle(struct mti_json *j, cJSON *o, const struct mt_oci_bundle *b)
{
	cJSON *x;

	if (!b) {
		add_null(j, o, "bundle");
		return;
	}
	x = add_object(j, o, "bundle");
	mti_json_add_bytes(j, x, "path", b->path);
	mti_json_add_bytes(j, x, "container_type", b->container_type);
	mti_json_add_bytes(j, x, "container_name", b->container_name);
	mti_json_add_bytes(j, x, "image", b->image_name);
	mti_json_add_bytes(j, x, "sandbox_id", b->sandbox_id);
	mti_json_add_bytes(j, x, "pod_name", b->pod_name);
	mti_json_add_bytes(j, x, "pod_namespace", b->pod_namespace);
	mti_json_add_bytes(j, x, "pod_uid", b->pod_uid);
	add_strv(j, x, "args", b->args, b->n_args);
	mti_json_add_bool(j, x, "args_truncated", b->args_truncated);
	mti_json_add_bytes(j, x, "root", b->root);
}

/* What the shim (and the bundle) said without the runtime's API. */
static void add_runtime_task(struct mti_json *j, cJSON *x, const struct mt_runtime_task *task)
{
	cJSON *o;

	if (!task) {
		add_null(j, x, "runtime_task");
		return;
	}
	o = add_object(j, x, "runtime_task");
	mti_json_add_bytes(j, o, "namespace", task->namespace);
	mti_json_add_bytes(j, o, "address", task->address);
	mti_json_add_number(j, o, "shim_pid", task->shim_pid);
	mti_json_add_bytes(j, o, "shim_id", task->shim_id);
	mti_json_add_bool(j, o, "cri", task->cri);
	add_bundle(j, o, task->bundle);
}

static void add_container(struct mti_json *j, cJSON *arr, const struct mt_trace *t,
                          const struct mt_container *c)
{
	cJSON *x = push_object(j, arr), *k, *procs, *acct;
	const struct mt_engine_container *ec = c->engine;
	char shortid[16];
	size_t i;

	mti_json_add_bytes(j, x, "id", c->id);
	mti_json_add_bytes(j, x, "short_id", mt_short_id(c->id, shortid, sizeof(shortid)));
	mti_json_add_bytes(j, x, "runtime", mt_runtime_name(c->runtime));
	mti_json_add_bytes(j, x, "cgroup_path", c->cgroup_path);
	mti_json_add_bool(j, x, "via_pid_namespace", c->via_pid_namespace);
	add_refs(j, x, "nested_in", c->outer, c->n_outer);
	if (c->pod_uid || mti_pod_name(c) || (ec && ec->k8s_pod_uid)) {
		k = add_object(j, x, "kubernetes");
		mti_json_add_bytes(j, k, "pod_uid",
		                   c->pod_uid ? c->pod_uid : ec ? ec->k8s_pod_uid : NULL);
		mti_json_add_bytes(j, k, "qos", c->pod_uid ? mt_qos_name(c->qos) : NULL);
		mti_json_add_bytes(j, k, "pod_name", mti_pod_name(c));
		mti_json_add_bytes(j, k, "namespace", mti_pod_namespace(c));
		mti_json_add_bytes(j, k, "container_name", mti_k8s_container_name(c));
	} else {
		add_null(j, x, "kubernetes");
	}
	if (c->have_members) {
		procs = add_array(j, x, "processes");
		for (i = 0; i < c->n_members; i++) {
			const struct mt_member *m = &c->members[i];
			cJSON *p = push_object(j, procs);
			char st[2] = {m->state, '\0'};

			mti_json_add_number(j, p, "pid", m->pid);
			mti_json_add_number(j, p, "ppid", m->ppid);
			mti_json_add_bytes(j, p, "comm", m->comm);
			mti_json_add_bytes(j, p, "state", st);
			mti_json_add_number(j, p, "cpu_seconds", (double)m->cpu_ms / 1000.0);
			mti_json_add_bytes(j, p, "exe", m->exe_path);
			mti_json_add_bool(j, p, "exe_deleted", m->exe_deleted);
			mti_json_add_bool(j, p, "in_chain", m->in_chain);
		}
	} else {
		add_null(j, x, "processes");
	}
	mti_json_add_bool(j, x, "processes_truncated", c->members_truncated);
	if (c->acct.cgroup_version) {
		acct = add_object(j, x, "accounting");
		mti_json_add_number(j, acct, "cgroup_version", c->acct.cgroup_version);
		if (c->acct.have_cpu)
			mti_json_add_number(j, acct, "cpu_seconds",
			                    (double)c->acct.cpu_usage_ns / 1e9);
		else
			add_null(j, acct, "cpu_seconds");
		if (c->acct.have_memory)
			mti_json_add_number(j, acct, "memory_bytes", (double)c->acct.memory_bytes);
		else
			add_null(j, acct, "memory_bytes");
		if (c->acct.have_memory_limit)
			mti_json_add_number(j, acct, "memory_limit_bytes",
			                    (double)c->acct.memory_limit);
		else
			add_null(j, acct, "memory_limit_bytes");
		if (c->acct.have_pids)
			mti_json_add_number(j, acct, "pids", (double)c->acct.pids);
		else
			add_null(j, acct, "pids");
	} else {
		add_null(j, x, "accounting");
	}
	add_engine_container(j, x, t, ec);
	add_runtime_task(j, x, c->task);
}

/* The libraries the preload check names, each with its digest or why it
 * has none. */
static void add_preload_libraries(struct mti_json *j, cJSON *pl, const struct mt_preload_report *p)
{
	cJSON *arr = add_array(j, pl, "libraries");
	size_t i;

	for (i = 0; i < p->n_libraries; i++) {
		const struct mt_preload_library *l = &p->libraries[i];
		cJSON *o = push_object(j, arr);

		mti_json_add_bytes(j, o, "path", l->path);
		if (l->err) {
			add_null(j, o, "size");
			add_null(j, o, "sha256");
			mti_json_add_bytes(j, o, "error", mt_err_name(l->err));
		} else {
			mti_json_add_number(j, o, "size", (double)l->size);
			mti_json_add_bytes(j, o, "sha256", l->sha256);
			add_null(j, o, "error");
		}
	}
}

static void add_evidence(struct mti_json *j, cJSON *root, const struct mt_evidence *ev,
                         const struct mt_warning *warnings, size_t n_warnings)
{
	cJSON *x = add_object(j, root, "evidence"), *pl, *un;
	size_t i;

	add_time_ms(j, x, "collected_at", ev->collected_at_ms);
	mti_json_add_bytes(j, x, "hostname", ev->hostname);
	mti_json_add_bytes(j, x, "kernel", ev->kernel);
	mti_json_add_bytes(j, x, "boot_id", ev->boot_id);
	mti_json_add_bytes(j, x, "minertrace_version", MT_VERSION);
	mti_json_add_bytes(j, x, "minertrace_build", mt_build_info());
	mti_json_add_number(j, x, "uid", ev->uid);
	mti_json_add_number(j, x, "euid", ev->euid);
	mti_json_add_bytes(j, x, "proc_root", ev->proc_root);
	mti_json_add_bool(j, x, "live", ev->live);
	pl = add_object(j, x, "preload");
	mti_json_add_bool(j, pl, "checked", ev->preload.checked);
	mti_json_add_bool(j, pl, "detected", ev->preload.detected);
	mti_json_add_bool(j, pl, "reexecuted", ev->preload.reexecuted);
	mti_json_add_bool(j, pl, "statically_linked", ev->preload.statically_linked);
	mti_json_add_bytes(j, pl, "preload_file", ev->preload.preload_file);
	mti_json_add_bytes(j, pl, "ld_preload", ev->preload.ld_preload_env);
	add_strv(j, pl, "unexpected_libraries", ev->preload.unexpected_libs,
	         ev->preload.n_unexpected_libs);
	add_preload_libraries(j, pl, &ev->preload);
	mti_json_add_bytes(j, pl, "note", ev->preload.note);
	un = add_array(j, x, "unreadable");
	for (i = 0; i < n_warnings; i++) {
		const struct mt_warning *w = &warnings[i];
		cJSON *u;

		if (w->code != MT_ERR_PERMISSION && w->code != MT_ERR_IO &&
		    w->code != MT_ERR_UNSUPPORTED && w->code != MT_ERR_TOO_LARGE)
			continue;
		u = push_object(j, un);
		add_opt_pid(j, u, "pid", w->pid);
		mti_json_add_bytes(j, u, "what", w->subject);
		mti_json_add_bytes(j, u, "why", w->message);
	}
}

static void add_warnings(struct mti_json *j, cJSON *root, const struct mt_warning *warnings,
                         size_t n)
{
	cJSON *arr = add_array(j, root, "warnings");
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON *w = push_object(j, arr);

		mti_json_add_bytes(j, w, "code", mt_err_name(warnings[i].code));
		add_opt_pid(j, w, "pid", warnings[i].pid);
		mti_json_add_bytes(j, w, "subject", warnings[i].subject);
		mti_json_add_bytes(j, w, "message", warnings[i].message);
	}
}

static void add_origin(struct mti_json *j, cJSON *root, const struct mt_trace *t)
{
	const struct mt_origin *o = &t->origin;
	cJSON *x = add_object(j, root, "origin"), *m;

	mti_json_add_bytes(j, x, "kind", mt_origin_name(o->kind));
	mti_json_add_bool(j, x, "analysed", o->analysed);
	mti_json_add_bytes(j, x, "root_fstype", o->root_fstype);
	mti_json_add_bytes(j, x, "upperdir", o->upperdir);
	mti_json_add_bytes(j, x, "upper_path", o->upper_path);
	mti_json_add_bool(j, x, "in_writable_layer", o->in_upper);
	mti_json_add_bool(j, x, "inode_match", o->inode_match);
	mti_json_add_bool(j, x, "unlinked", o->unlinked);
	mti_json_add_bool(j, x, "whiteout_hidden", o->whiteout_hidden);
	if (o->lower_index >= 0)
		mti_json_add_number(j, x, "image_layer", o->lower_index);
	else
		add_null(j, x, "image_layer");
	mti_json_add_bytes(j, x, "image_layer_path", o->lower_path);
	if (o->mount_point) {
		m = add_object(j, x, "mount");
		mti_json_add_bytes(j, m, "point", o->mount_point);
		mti_json_add_bytes(j, m, "fstype", o->mount_fstype);
		mti_json_add_bytes(j, m, "source", o->mount_source);
	} else {
		add_null(j, x, "mount");
	}
	mti_json_add_bytes(j, x, "detail", o->detail);
}

/* entry.namespaces: {init_pid, shared, different}, or null when not compared. */
static void add_ns_compare(struct mti_json *j, cJSON *o, const struct mt_ns_compare *ns)
{
	static const unsigned bits[] = {MT_NS_PID, MT_NS_MNT, MT_NS_NET, MT_NS_CGROUP, MT_NS_USER};
	cJSON *x, *shared, *differ;
	size_t i;

	if (!ns->init_pid) {
		add_null(j, o, "namespaces");
		return;
	}
	x = add_object(j, o, "namespaces");
	mti_json_add_number(j, x, "init_pid", ns->init_pid);
	shared = add_array(j, x, "shared");
	differ = add_array(j, x, "different");
	for (i = 0; i < MTI_ARRAY_LEN(bits) && !j->err; i++) {
		char name[16];
		cJSON *arr = ns->shared & bits[i] ? shared : ns->differ & bits[i] ? differ : NULL;
		cJSON *n;

		if (!arr)
			continue;
		n = cJSON_CreateString(mti_ns_names(bits[i], name, sizeof(name)));
		if (!n || !cJSON_AddItemToArray(arr, n)) {
			cJSON_Delete(n);
			j->err = MT_ERR_NOMEM;
		}
	}
}

static void add_entry_verdict(struct mti_json *j, cJSON *root, const struct mt_trace *t)
{
	const struct mt_entry *en = &t->entry;
	const struct mt_engine_container *ec =
	    t->chain_len && t->chain[0].container_index >= 0
	        ? t->containers[t->chain[0].container_index].engine
	        : NULL;
	cJSON *x = add_object(j, root, "entry"), *v, *sigs;
	size_t i;

	mti_json_add_bytes(j, x, "kind", mt_entry_name(en->kind));
	if (en->init_index >= 0)
		mti_json_add_number(j, x, "init_pid", t->chain[en->init_index].pid);
	else
		add_null(j, x, "init_pid");
	if (en->boundary_index >= 0)
		mti_json_add_number(j, x, "outside_pid", t->chain[en->boundary_index].pid);
	else
		add_null(j, x, "outside_pid");
	mti_json_add_bytes(j, x, "exec_id",
	                   ec && en->exec_index >= 0 ? ec->execs[en->exec_index].id : NULL);
	add_ns_compare(j, x, &en->ns);
	mti_json_add_bytes(j, x, "detail", en->detail);

	v = add_object(j, root, "verdict");
	mti_json_add_bytes(j, v, "classification", mt_class_name(t->verdict.classification));
	mti_json_add_bytes(j, v, "summary", t->verdict.summary);
	sigs = add_array(j, v, "signals");
	for (i = 0; i < t->verdict.n_signals; i++) {
		cJSON *s = push_object(j, sigs);

		mti_json_add_bytes(j, s, "id", t->verdict.signals[i].id);
		mti_json_add_bytes(j, s, "detail", t->verdict.signals[i].detail);
	}
}

/* A chain process by index: its PID and name, or nulls. */
static void add_chain_ref(struct mti_json *j, cJSON *o, const char *pid_key, const char *name_key,
                          const struct mt_trace *t, int index)
{
	if (index >= 0 && (size_t)index < t->chain_len) {
		mti_json_add_number(j, o, pid_key, t->chain[index].pid);
		mti_json_add_bytes(j, o, name_key, t->chain[index].comm);
	} else {
		add_null(j, o, pid_key);
		add_null(j, o, name_key);
	}
}

static void add_timeline(struct mti_json *j, cJSON *pm, const struct mt_timeline *tl)
{
	cJSON *x = add_object(j, pm, "timeline"), *arr = add_array(j, x, "events");
	size_t i;

	for (i = 0; i < tl->n_events; i++) {
		const struct mt_time_event *e = &tl->events[i];
		cJSON *o = push_object(j, arr);

		add_time_ms(j, o, "time", e->time_ns / 1000000);
		mti_json_add_bytes(j, o, "source", mt_time_source_name(e->source));
		mti_json_add_bytes(j, o, "clock", mt_clock_name(e->clock));
		mti_json_add_bool(j, o, "untrusted", e->untrusted);
		add_opt_pid(j, o, "pid", e->pid);
		mti_json_add_bytes(j, o, "what", e->what);
	}
	mti_json_add_bool(j, x, "truncated", tl->truncated);
	add_time_ms(j, x, "boot_time", tl->boot_time_ns > 0 ? tl->boot_time_ns / 1000000 : -1);
}

static void add_story(struct mti_json *j, cJSON *pm, const struct mt_trace *t)
{
	const struct mt_entry_story *st = &t->postmortem.story;
	cJSON *x = add_object(j, pm, "entry_story"), *e;

	mti_json_add_bytes(j, x, "kind", mt_story_name(st->kind));
	add_chain_ref(j, x, "application_pid", "application", t, st->app_index);
	add_chain_ref(j, x, "spawned_pid", "spawned", t, st->shell_index);
	mti_json_add_bytes(j, x, "image", st->image_ref);
	mti_json_add_bytes(j, x, "image_version", st->image_version);
	mti_json_add_bytes(j, x, "image_version_from", st->image_version_from);
	if (st->kind == MT_STORY_EXEC && st->exec_id) {
		e = add_object(j, x, "exec");
		mti_json_add_bytes(j, e, "id", st->exec_id);
		mti_json_add_bytes(j, e, "user", st->exec_user);
		mti_json_add_bytes(j, e, "command", st->exec_command);
		add_time_ms(j, e, "time", st->exec_time_ns > 0 ? st->exec_time_ns / 1000000 : -1);
	} else {
		add_null(j, x, "exec");
	}
	mti_json_add_bytes(j, x, "text", st->text);
}

static void add_network(struct mti_json *j, cJSON *pm, const struct mt_target_net *net)
{
	cJSON *x = add_object(j, pm, "network"), *arr;
	size_t i;

	mti_json_add_bool(j, x, "checked", net->checked);
	add_opt_u64(j, x, "netns", net->netns);
	mti_json_add_number(j, x, "sockets", (double)net->n_sockets);
	arr = add_array(j, x, "connections");
	for (i = 0; i < net->n_conns; i++) {
		const struct mt_net_conn *c = &net->conns[i];
		cJSON *o = push_object(j, arr);

		mti_json_add_bytes(j, o, "state", c->state);
		mti_json_add_bytes(j, o, "local", c->local);
		mti_json_add_number(j, o, "local_port", c->local_port);
		mti_json_add_bytes(j, o, "remote", c->remote);
		mti_json_add_number(j, o, "remote_port", c->remote_port);
		mti_json_add_bool(j, o, "listening", c->listening);
		mti_json_add_bool(j, o, "pool_port", c->pool_port);
	}
	mti_json_add_bool(j, x, "truncated", net->truncated);
}

/* The other containers of the target's image, under the spread. */
static void add_same_image(struct mti_json *j, cJSON *spread, const struct mt_spread_image *si)
{
	cJSON *x = add_object(j, spread, "same_image"), *arr;
	size_t i;

	mti_json_add_bool(j, x, "checked", si->checked);
	mti_json_add_bytes(j, x, "image_id", si->image_id);
	mti_json_add_number(j, x, "running_miner", (double)si->n_running_miner);
	mti_json_add_number(j, x, "file_in_layer", (double)si->n_file_in_layer);
	mti_json_add_number(j, x, "layers_searched", (double)si->layers_looked_at);
	arr = add_array(j, x, "containers");
	for (i = 0; i < si->n_containers; i++) {
		const struct mt_spread_container *c = &si->containers[i];
		cJSON *o = push_object(j, arr);

		mti_json_add_bytes(j, o, "id", c->id);
		mti_json_add_bytes(j, o, "name", c->name);
		mti_json_add_bytes(j, o, "state", c->state);
		add_time_ms(j, o, "created", c->created_ns < 0 ? -1 : c->created_ns / 1000000);
		mti_json_add_bool(j, o, "runs_miner", c->runs_miner);
		if (c->file_in_layer < 0)
			add_null(j, o, "file_in_layer");
		else
			mti_json_add_bool(j, o, "file_in_layer", c->file_in_layer == 1);
	}
	mti_json_add_bool(j, x, "truncated", si->truncated);
}

static void add_spread(struct mti_json *j, cJSON *pm, const struct mt_spread *sp)
{
	cJSON *x = add_object(j, pm, "spread"), *arr;
	size_t i;

	mti_json_add_bool(j, x, "checked", sp->checked);
	mti_json_add_number(j, x, "processes_seen", (double)sp->processes_seen);
	mti_json_add_number(j, x, "other_containers", (double)sp->n_other_containers);
	arr = add_array(j, x, "processes");
	for (i = 0; i < sp->n_procs; i++) {
		const struct mt_spread_proc *p = &sp->procs[i];
		cJSON *o = push_object(j, arr);

		mti_json_add_number(j, o, "pid", p->pid);
		mti_json_add_bytes(j, o, "comm", p->comm);
		mti_json_add_bytes(j, o, "exe", p->exe_path);
		mti_json_add_bytes(j, o, "container_id", p->container_id);
		mti_json_add_bytes(j, o, "match", p->match);
	}
	mti_json_add_bool(j, x, "truncated", sp->truncated);
	add_same_image(j, x, &sp->same_image);
}

static void add_miner_config(struct mti_json *j, cJSON *pm, const struct mt_miner_config *mc)
{
	cJSON *x = add_object(j, pm, "miner_config"), *arr;
	size_t i;

	mti_json_add_bool(j, x, "checked", mc->checked);
	mti_json_add_bool(j, x, "environ_read", mc->environ_read);
	mti_json_add_bytes(j, x, "config_file", mc->config_file);
	mti_json_add_bytes(j, x, "config_error", mc->config_error);
	arr = add_array(j, x, "settings");
	for (i = 0; i < mc->n_values; i++) {
		const struct mt_miner_value *v = &mc->values[i];
		cJSON *o = push_object(j, arr);

		mti_json_add_bytes(j, o, "setting", mt_miner_setting_name(v->setting));
		mti_json_add_bytes(j, o, "value", v->value);
		mti_json_add_bytes(j, o, "source", v->source);
		mti_json_add_bytes(j, o, "name", v->name);
	}
	mti_json_add_bool(j, x, "truncated", mc->truncated);
}

static void add_persistence(struct mti_json *j, cJSON *pm, const struct mt_persistence *ps)
{
	cJSON *x = add_object(j, pm, "persistence"), *arr = add_array(j, x, "items");
	size_t i;

	mti_json_add_bool(j, x, "checked_container", ps->checked_container);
	mti_json_add_bool(j, x, "checked_host", ps->checked_host);
	for (i = 0; i < ps->n_items; i++) {
		const struct mt_persistence_item *it = &ps->items[i];
		cJSON *o = push_object(j, arr);

		mti_json_add_bytes(j, o, "kind", mt_persist_kind_name(it->kind));
		mti_json_add_bytes(j, o, "where", it->on_host ? "host" : "container");
		mti_json_add_bytes(j, o, "path", it->path);
		add_time_ms(j, o, "modified", it->mtime_ns / 1000000);
		mti_json_add_number(j, o, "size", (double)it->size);
		mti_json_add_bytes(j, o, "content", it->content);
		mti_json_add_bool(j, o, "content_truncated", it->content_truncated);
		mti_json_add_bytes(j, o, "why", it->why);
	}
	mti_json_add_bool(j, x, "truncated", ps->truncated);
}

/* The post-mortem: what happened, the timeline, how it got in, the
 * registry check, persistence. */
static void add_postmortem(struct mti_json *j, cJSON *root, const struct mt_trace *t)
{
	const struct mt_registry_check *r = &t->postmortem.registry;
	cJSON *pm = add_object(j, root, "postmortem"), *x;

	mti_json_add_bytes(j, pm, "what_happened", t->postmortem.what_happened);
	add_timeline(j, pm, &t->postmortem.timeline);
	add_story(j, pm, t);
	add_persistence(j, pm, &t->postmortem.persistence);
	add_network(j, pm, &t->postmortem.network);
	add_spread(j, pm, &t->postmortem.spread);
	add_miner_config(j, pm, &t->postmortem.miner_config);
	if (r->checked) {
		x = add_object(j, pm, "registry");
		mti_json_add_bool(j, x, "trusted", r->trusted);
		mti_json_add_bytes(j, x, "image", r->image);
		mti_json_add_bytes(j, x, "registry", r->registry);
		mti_json_add_bytes(j, x, "matched", r->matched);
		mti_json_add_bytes(j, x, "text", r->text);
	} else {
		add_null(j, pm, "registry");
	}
}

cJSON *mti_json_trace(const struct mt_trace *t)
{
	struct mti_json j = {MT_OK};
	cJSON *root = cJSON_CreateObject(), *x, *arr;
	size_t i;

	if (!root)
		return NULL;
	mti_json_add_bytes(&j, root, "schema", MT_SCHEMA);
	mti_json_add_number(&j, root, "schema_minor", MT_SCHEMA_MINOR);
	add_evidence(&j, root, &t->evidence, t->warnings, t->n_warnings);
	x = add_object(&j, root, "target");
	mti_json_add_number(&j, x, "pid", t->target_pid);
	mti_json_add_bytes(&j, x, "status", mt_status_name(t->status));
	if (t->thread_id)
		mti_json_add_number(&j, x, "thread", t->thread_id);
	else
		add_null(&j, x, "thread");
	mti_json_add_bytes(&j, root, "chain_end", mt_chain_end_name(t->chain_end));
	arr = add_array(&j, root, "chain");
	for (i = 0; i < t->chain_len; i++)
		add_process(&j, arr, t, &t->chain[i]);
	arr = add_array(&j, root, "containers");
	for (i = 0; i < t->n_containers; i++)
		add_container(&j, arr, t, &t->containers[i]);
	add_origin(&j, root, t);
	add_entry_verdict(&j, root, t);
	add_postmortem(&j, root, t);
	x = add_object(&j, root, "engine");
	mti_json_add_bool(&j, x, "enabled", t->engine.enabled);
	mti_json_add_bytes(&j, x, "endpoint", t->engine.endpoint);
	mti_json_add_bytes(&j, x, "api", t->engine.api);
	mti_json_add_bool(&j, x, "reachable", t->engine.reachable);
	mti_json_add_bytes(&j, x, "api_version", t->engine.api_version);
	mti_json_add_bytes(&j, x, "engine_version", t->engine.engine_version);
	mti_json_add_number(&j, x, "requests", t->engine.requests);
	add_warnings(&j, root, t->warnings, t->n_warnings);
	if (j.err) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

enum mt_err mti_json_print(const cJSON *tree, bool pretty, FILE *out)
{
	char *s = pretty ? cJSON_Print(tree) : cJSON_PrintUnformatted(tree);
	size_t len;
	enum mt_err err = MT_OK;

	if (!s)
		return MT_ERR_NOMEM;
	len = strlen(s);
	if (fwrite(s, 1, len, out) != len || fputc('\n', out) == EOF)
		err = MT_ERR_IO;
	cJSON_free(s);
	return err;
}

/* Prints a document built for the caller (NULL: it could not be built)
 * and frees it. */
static enum mt_err print_document(cJSON *root, const struct mt_render_options *ro, FILE *out)
{
	enum mt_err err;

	if (!root)
		return MT_ERR_NOMEM;
	err = mti_json_print(root, ro ? ro->pretty : true, out);
	cJSON_Delete(root);
	return err;
}

enum mt_err mt_render_json(const struct mt_trace *t, const struct mt_render_options *ro, FILE *out)
{
	return print_document(mti_json_trace(t), ro, out);
}

/* The scan document (schema minertrace-scan/1): the scan's facts and, for
 * every finding, its score, signals and whole trace. */
static cJSON *json_scan(const struct mt_scan *scan)
{
	struct mti_json j = {MT_OK};
	cJSON *root = cJSON_CreateObject(), *x, *arr;
	size_t i, k;

	if (!root)
		return NULL;
	mti_json_add_bytes(&j, root, "schema", MT_SCAN_SCHEMA);
	mti_json_add_number(&j, root, "schema_minor", MT_SCHEMA_MINOR);
	add_evidence(&j, root, &scan->evidence, scan->warnings, scan->n_warnings);
	mti_json_add_number(&j, root, "interval_seconds", scan->interval_s);
	mti_json_add_number(&j, root, "min_score", scan->min_score);
	mti_json_add_number(&j, root, "cpus", scan->cpus);
	mti_json_add_number(&j, root, "processes", (double)scan->processes);
	mti_json_add_number(&j, root, "candidates", (double)scan->candidates);
	mti_json_add_number(&j, root, "traced", (double)scan->traced);
	mti_json_add_number(&j, root, "containers", (double)scan->containers);
	mti_json_add_number(&j, root, "engine_requests", scan->engine_requests);
	mti_json_add_number(&j, root, "scan_ms", scan->scan_ms);
	x = add_object(&j, root, "host");
	mti_json_add_bytes(&j, x, "ld_so_preload", scan->host_preload);
	arr = add_array(&j, x, "hidden_pids");
	for (i = 0; i < scan->n_hidden && !j.err; i++) {
		cJSON *n = cJSON_CreateNumber(scan->hidden[i]);

		if (!n || !cJSON_AddItemToArray(arr, n)) {
			cJSON_Delete(n);
			j.err = MT_ERR_NOMEM;
		}
	}
	arr = add_array(&j, root, "findings");
	for (i = 0; i < scan->n_findings && !j.err; i++) {
		const struct mt_finding *f = &scan->findings[i];
		cJSON *o = push_object(&j, arr), *cpu, *sigs, *tr;

		mti_json_add_number(&j, o, "rank", (double)(i + 1));
		mti_json_add_number(&j, o, "pid", f->pid);
		mti_json_add_number(&j, o, "ppid", f->ppid);
		mti_json_add_bytes(&j, o, "comm", f->comm);
		mti_json_add_number(&j, o, "score", f->score);
		cpu = add_object(&j, o, "cpu");
		mti_json_add_number(&j, cpu, "core_percent", f->cpu_core_percent);
		mti_json_add_number(&j, cpu, "host_percent", f->cpu_host_percent);
		mti_json_add_bool(&j, o, "hidden", f->hidden);
		sigs = add_array(&j, o, "signals");
		for (k = 0; k < f->n_signals; k++) {
			cJSON *s = push_object(&j, sigs);

			mti_json_add_bytes(&j, s, "id", f->signals[k].id);
			mti_json_add_bytes(&j, s, "detail", f->signals[k].detail);
			mti_json_add_number(&j, s, "points", f->signals[k].points);
		}
		if (!f->trace) {
			add_null(&j, o, "trace");
			continue;
		}
		tr = mti_json_trace(f->trace);
		if (!tr || !cJSON_AddItemToObject(o, "trace", tr)) {
			cJSON_Delete(tr);
			j.err = MT_ERR_NOMEM;
		}
	}
	add_warnings(&j, root, scan->warnings, scan->n_warnings);
	if (j.err) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

enum mt_err mt_render_scan_json(const struct mt_scan *scan, const struct mt_render_options *ro,
                                FILE *out)
{
	return print_document(json_scan(scan), ro, out);
}
