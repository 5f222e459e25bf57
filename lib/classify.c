/* Classification: roles, entry path, verdict. No I/O. */
#include "classify.h"

#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "trace_model.h"
#include "util.h"

static bool is_ns_init(const struct mt_process *p)
{
	return p->n_nspid > 1 && p->nspid[p->n_nspid - 1] == 1;
}

/* The PID namespace of the target's container, when it is not the reader's:
 * a private PID namespace without a container is no container's. */
static uint64_t target_pidns(const struct mt_trace *t)
{
	const struct mt_process *target = &t->chain[0];

	return target->n_nspid > 1 && target->container_index >= 0 ? target->ns_pid : 0;
}

static const struct {
	unsigned bit;
	const char *name;
} ns_table[] = {
    {MT_NS_PID, "pid"},       {MT_NS_MNT, "mnt"},   {MT_NS_NET, "net"},
    {MT_NS_CGROUP, "cgroup"}, {MT_NS_USER, "user"},
};

/* The inode of one MT_NS_* namespace of p; 0 when unknown. */
static uint64_t ns_inode(const struct mt_process *p, unsigned bit)
{
	switch (bit) {
	case MT_NS_PID:
		return p->ns_pid;
	case MT_NS_MNT:
		return p->ns_mnt;
	case MT_NS_NET:
		return p->ns_net;
	case MT_NS_CGROUP:
		return p->ns_cgroup;
	default:
		return p->ns_user;
	}
}

void mti_compare_namespaces(const struct mt_process *target, const struct mt_process *init,
                            struct mt_ns_compare *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->init_pid = init->pid;
	for (i = 0; i < MTI_ARRAY_LEN(ns_table); i++) {
		uint64_t a = ns_inode(target, ns_table[i].bit), b = ns_inode(init, ns_table[i].bit);

		if (!a || !b)
			continue;
		if (a == b)
			out->shared |= ns_table[i].bit;
		else
			out->differ |= ns_table[i].bit;
	}
}

const char *mti_ns_names(unsigned mask, char *buf, size_t len)
{
	size_t i, used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < MTI_ARRAY_LEN(ns_table); i++) {
		int n;

		if (!(mask & ns_table[i].bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", ns_table[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

bool mti_cgroup_only(const struct mt_trace *t)
{
	const struct mt_process *target;
	const struct mt_ns_compare *ns = &t->entry.ns;

	if (!t->chain_len)
		return false;
	target = &t->chain[0];
	if (target->container_index < 0 || !ns->init_pid || ns->init_pid == target->pid)
		return false;
	/* It does not see the container's files, and its PID namespace is not
	 * the container's own (the host's, shared by a --pid=host container,
	 * does not count). */
	return (ns->differ & MT_NS_MNT) && !((ns->shared & MT_NS_PID) && target->n_nspid > 1);
}

/* The init of the target's private PID namespace in the chain, or NULL. */
static const struct mt_process *private_ns_init(const struct mt_trace *t)
{
	size_t i;

	for (i = 0; t->chain[0].ns_pid && i < t->chain_len; i++)
		if (t->chain[i].ns_pid == t->chain[0].ns_pid && is_ns_init(&t->chain[i]))
			return &t->chain[i];
	return NULL;
}

/* True when the target is in a private PID namespace that leads to no
 * container: on a live host no container init leads it (the trace searched
 * /proc), or its init is in the chain and in no container either. */
static bool private_pidns(const struct mt_trace *t)
{
	const struct mt_process *target = &t->chain[0];
	const struct mt_process *init;

	if (target->container_index >= 0 || target->n_nspid < 2 || target->kernel_thread ||
	    (target->cgroup.scope != MT_SCOPE_HOST && target->cgroup.scope != MT_SCOPE_RUNTIME))
		return false;
	init = private_ns_init(t);
	return (init && init->container_index < 0) || t->evidence.live;
}

static const struct mt_engine_container *engine_of(const struct mt_trace *t, int index)
{
	if (index < 0 || (size_t)index >= t->n_containers)
		return NULL;
	return t->containers[index].engine;
}

/* True when the engine names p as its container's init. */
static bool engine_init(const struct mt_trace *t, const struct mt_process *p)
{
	const struct mt_engine_container *ec = engine_of(t, p->container_index);

	return ec && ec->init_pid > 0 && ec->init_pid == p->pid;
}

bool mti_in_target_container(const struct mt_trace *t, size_t i)
{
	const struct mt_process *p = &t->chain[i];
	int tc = t->chain[0].container_index;
	uint64_t ns = target_pidns(t);

	if (i == 0)
		return (tc >= 0 && !mti_cgroup_only(t)) || ns != 0;
	if (tc >= 0 && p->container_index == tc)
		return true;
	return ns != 0 && p->ns_pid == ns;
}

void mti_classify_roles(struct mt_trace *t)
{
	uint64_t ns = t->chain_len ? target_pidns(t) : 0;
	uint64_t private_ns = t->chain_len && private_pidns(t) ? t->chain[0].ns_pid : 0;
	size_t i;

	for (i = 0; i < t->chain_len; i++) {
		struct mt_process *p = &t->chain[i];
		bool same_ns = ns && p->ns_pid == ns;
		/* a private PID namespace that no container leads is the host's */
		bool host_ns = private_ns && p->ns_pid == private_ns && p->container_index < 0;
		bool shim = mti_is_runtime_shim_name(p->comm) ||
		            (p->exe.path && mti_is_runtime_shim_name(mti_base_name(p->exe.path)));

		if (i == 0)
			p->role = MT_ROLE_TARGET;
		else if ((is_ns_init(p) && (same_ns || p->container_index >= 0)) ||
		         engine_init(t, p))
			p->role = MT_ROLE_CONTAINER_INIT;
		else if (!host_ns &&
		         (same_ns || (!shim && (p->container_index >= 0 || p->n_nspid > 1))))
			p->role = MT_ROLE_CONTAINER_PROCESS;
		else if (shim)
			p->role = MT_ROLE_RUNTIME_SHIM;
		else
			p->role = MT_ROLE_HOST;
	}
}

/* "java → sh → kdevtmpfsi" for chain[from..0]. */
static char *path_words(const struct mt_trace *t, size_t from)
{
	struct mti_buf b;
	size_t i;

	mti_buf_init(&b);
	for (i = from + 1; i-- > 0;) {
		if (mti_buf_puts(&b, t->chain[i].comm ? t->chain[i].comm : "?") ||
		    (i && mti_buf_puts(&b, " -> "))) {
			mti_buf_free(&b);
			return NULL;
		}
	}
	return mti_buf_steal(&b);
}

/* Finds an exec session of the target's container that started a chain
 * process inside the container. */
static void match_exec(struct mt_trace *t, size_t inside_len)
{
	const struct mt_engine_container *ec = engine_of(t, t->chain[0].container_index);
	size_t e, i;

	if (!ec)
		return;
	for (e = 0; e < ec->n_execs; e++) {
		for (i = 0; i < inside_len && i < t->chain_len; i++) {
			if (ec->execs[e].pid > 0 && ec->execs[e].pid == t->chain[i].pid) {
				t->entry.exec_index = (int)e;
				ec->execs[e].chain_index = (int)i;
				return;
			}
		}
	}
}

/* The entry of a target in no container: the host, a private PID
 * namespace, or cannot be told. */
static enum mt_err host_entry(struct mt_trace *t)
{
	struct mt_entry *en = &t->entry;
	const struct mt_process *target = &t->chain[0];
	const struct mt_process *init;
	const char *cg = target->cgroup.path ? target->cgroup.path : "?";
	pid_t inner = target->n_nspid ? target->nspid[target->n_nspid - 1] : 0;

	if (target->cgroup.scope == MT_SCOPE_NAMESPACE_ROOT ||
	    target->cgroup.scope == MT_SCOPE_OUTSIDE_NAMESPACE) {
		en->detail =
		    mti_asprintf("its cgroup path is \"%s\", relative to a private cgroup "
		                 "namespace that minertrace itself runs in (or the root "
		                 "cgroup): from here it cannot be told whether the process "
		                 "is in a container; run minertrace in the host's "
		                 "namespaces",
		                 cg);
	} else if (target->cgroup.scope == MT_SCOPE_UNKNOWN) {
		en->detail = mti_asprintf("its cgroup could not be read and it %s",
		                          target->n_nspid > 1 ? "is in a private PID namespace"
		                                              : "shares our PID namespace");
	} else if (private_pidns(t)) {
		init = private_ns_init(t);
		en->kind = MT_ENTRY_PRIVATE_PIDNS;
		if (init)
			en->detail = mti_asprintf(
			    "a host process in a private PID namespace (PID %d in it, whose init "
			    "is "
			    "%s, PID %d), in no container: cgroup %s is a host cgroup; started "
			    "with "
			    "unshare or a sandbox, not by a container runtime",
			    (int)inner, init->comm ? init->comm : "?", (int)init->pid, cg);
		else
			en->detail = mti_asprintf(
			    "a host process in a private PID namespace (PID %d in it), in no "
			    "container: cgroup %s is a host cgroup and no container's init leads "
			    "that namespace; started with unshare or a sandbox, not by a container "
			    "runtime",
			    (int)inner, cg);
	} else if (target->n_nspid > 1) {
		en->detail = mti_asprintf("it is in a private PID namespace (PID %d in it) and "
		                          "cgroup %s, but the namespace's init is not in the chain "
		                          "and a captured tree cannot be searched for it: whether "
		                          "a container leads it cannot be told",
		                          (int)inner, cg);
	} else {
		en->kind = MT_ENTRY_HOST;
		en->detail = mti_asprintf("a host process: cgroup %s, host PID namespace", cg);
	}
	return en->detail ? MT_OK : MT_ERR_NOMEM;
}

/* The entry of a target in its container's cgroup but not in its
 * namespaces. */
static enum mt_err cgroup_only_entry(struct mt_trace *t)
{
	struct mt_entry *en = &t->entry;
	char differ[64], shared[64];

	en->kind = MT_ENTRY_CGROUP_ONLY;
	mti_ns_names(en->ns.differ, differ, sizeof(differ));
	mti_ns_names(en->ns.shared, shared, sizeof(shared));
	en->detail =
	    mti_asprintf("in the container's cgroup but not in its namespaces: moved "
	                 "there from the host (its %s namespaces differ from those of "
	                 "the container's init, PID %d%s%s)",
	                 differ, (int)en->ns.init_pid, *shared ? "; shared: " : "", shared);
	return en->detail ? MT_OK : MT_ERR_NOMEM;
}

enum mt_err mti_classify_entry(struct mt_trace *t)
{
	struct mt_entry *en = &t->entry;
	const struct mt_process *target;
	char *words = NULL;
	size_t i, inside;
	int tc;

	free(en->detail);
	en->detail = NULL;
	en->kind = MT_ENTRY_UNKNOWN;
	en->init_index = -1;
	en->boundary_index = -1;
	en->exec_index = -1;
	if (!t->chain_len) {
		en->detail = mti_asprintf("the process could not be read");
		return en->detail ? MT_OK : MT_ERR_NOMEM;
	}
	target = &t->chain[0];
	tc = target->container_index;
	if (target->kernel_thread) {
		en->kind = MT_ENTRY_KERNEL_THREAD;
		en->detail = mti_asprintf("a kernel thread: it has no executable and runs in "
		                          "no container");
		return en->detail ? MT_OK : MT_ERR_NOMEM;
	}
	if (tc < 0)
		return host_entry(t);
	if (mti_cgroup_only(t))
		return cgroup_only_entry(t);
	for (i = 0; i < t->chain_len && mti_in_target_container(t, i); i++) {
		const struct mt_process *p = &t->chain[i];

		if (is_ns_init(p) || engine_init(t, p)) {
			en->init_index = (int)i;
			break;
		}
	}
	inside = en->init_index >= 0 ? (size_t)en->init_index + 1 : i;
	if (en->init_index < 0 && i < t->chain_len)
		en->boundary_index = (int)i;
	match_exec(t, inside);
	words = path_words(t, inside ? inside - 1 : 0);
	if (!words)
		return MT_ERR_NOMEM;
	if (en->exec_index >= 0 && t->containers[tc].runtime == MT_RUNTIME_CONTAINERD) {
		const struct mt_exec_session *x = &engine_of(t, tc)->execs[en->exec_index];

		/* containerd names the exec process of a task, whoever asked
		 * for it: ctr tasks exec, or crictl or kubectl exec through the
		 * CRI */
		en->kind = MT_ENTRY_RUNTIME_EXEC;
		en->detail =
		    mti_asprintf("entered through containerd exec process %.64s (ctr tasks "
		                 "exec, crictl exec or kubectl exec) (%s)",
		                 x->id ? x->id : "?", words);
	} else if (en->exec_index >= 0) {
		const struct mt_engine_container *ec = engine_of(t, tc);
		const struct mt_exec_session *x = &ec->execs[en->exec_index];

		en->kind = MT_ENTRY_DOCKER_EXEC;
		if (x->user && *x->user)
			en->detail =
			    mti_asprintf("entered through docker exec session %.12s as user "
			                 "\"%s\" (%s)",
			                 x->id ? x->id : "?", x->user, words);
		else
			en->detail =
			    mti_asprintf("entered through docker exec session %.12s as the "
			                 "container's default user (%s)",
			                 x->id ? x->id : "?", words);
	} else if (en->init_index == 0) {
		en->kind = MT_ENTRY_CONTAINER_INIT;
		en->detail = mti_asprintf("it is the container's own init: the image's "
		                          "entrypoint runs it");
	} else if (en->init_index > 0) {
		en->kind = MT_ENTRY_INIT_TREE;
		en->detail =
		    mti_asprintf("started inside the container, from its init (%s)", words);
	} else if (en->boundary_index >= 0) {
		const struct mt_process *outside = &t->chain[en->boundary_index];

		if (!target_pidns(t) && !engine_of(t, tc)) {
			en->detail = mti_asprintf(
			    "it is in the host PID namespace and the container's init is not known "
			    "(no engine): either the container shares the host PID namespace, "
			    "where "
			    "its init and an exec session look alike, or it was moved into the "
			    "container's cgroup from the host; its namespaces cannot be compared "
			    "with the init's (parent: %s, PID %d)",
			    outside->comm ? outside->comm : "?", (int)outside->pid);
		} else if (outside->role == MT_ROLE_RUNTIME_SHIM) {
			en->kind = MT_ENTRY_RUNTIME_EXEC;
			en->detail = mti_asprintf(
			    "entered from outside the container: the runtime "
			    "(%s, PID %d) started it without passing the "
			    "container's init, as docker exec or kubectl exec "
			    "do (%s)",
			    outside->comm ? outside->comm : "?", (int)outside->pid, words);
		} else {
			en->kind = MT_ENTRY_SETNS;
			en->detail = mti_asprintf("joined the container's namespaces from the host "
			                          "process %s (PID %d), as nsenter does (%s)",
			                          outside->comm ? outside->comm : "?",
			                          (int)outside->pid, words);
		}
	} else {
		en->detail = mti_asprintf("the chain ends inside the container before its "
		                          "init or the runtime: %s",
		                          mt_chain_end_name(t->chain_end));
	}
	free(words);
	if (en->detail && en->ns.differ) {
		/* Some namespaces only: say which it kept from outside. */
		char names[64], *more;

		more = mti_asprintf(
		    "%s; not in the %s namespace%s of the container's init (PID %d)", en->detail,
		    mti_ns_names(en->ns.differ, names, sizeof(names)),
		    en->ns.differ & (en->ns.differ - 1) ? "s" : "", (int)en->ns.init_pid);
		free(en->detail);
		en->detail = more;
	}
	return en->detail ? MT_OK : MT_ERR_NOMEM;
}

static bool has_docker_hub_source(const struct mt_engine_container *ec)
{
	return ec && ec->have_image && ec->image.source == MT_IMAGE_SOURCE_DOCKER_HUB;
}

/* Adds signal id to the verdict, the words filled from args. */
static enum mt_err verdict_signal(struct mt_verdict *v, enum mti_rule_id id,
                                  const char *const *args)
{
	return mti_signal_add(&v->signals, &v->n_signals, id, MTI_DOC_VERDICT, args);
}

/* Adds the signals the model supports. */
static enum mt_err collect_signals(struct mt_trace *t)
{
	const struct mt_process *target = &t->chain[0];
	const struct mt_exe *exe = &target->exe;
	bool moved = t->entry.kind == MT_ENTRY_CGROUP_ONLY;
	/* The container's own facts say nothing of a process moved into its cgroup. */
	const struct mt_engine_container *ec = moved ? NULL : engine_of(t, target->container_index);
	struct mt_verdict *v = &t->verdict;
	enum mt_err err = MT_OK;
	size_t i;

	if (moved)
		err = verdict_signal(v, MTI_SIG_CGROUP_ONLY, NULL);
	if (!err && mti_rule_exe_deleted(exe))
		err = verdict_signal(v, MTI_SIG_EXE_DELETED, MTI_ARGS(exe->path));
	if (!err && mti_rule_fileless(exe))
		err = verdict_signal(v, MTI_SIG_FILELESS, MTI_ARGS(exe->memfd_name));
	if (!err && mti_rule_scratch_dir(exe))
		err = verdict_signal(v, MTI_SIG_SCRATCH_DIR, MTI_ARGS(exe->path));
	if (!err && mti_rule_writable_layer(t))
		err = verdict_signal(v, MTI_SIG_WRITABLE_LAYER, NULL);
	if (!err && t->origin.kind == MT_ORIGIN_MOUNT)
		err = verdict_signal(v, MTI_SIG_MOUNTED_BINARY,
		                     MTI_ARGS(t->origin.mount_fstype ? t->origin.mount_fstype : "?",
		                              t->origin.mount_point ? t->origin.mount_point : "?"));
	if (!err && mti_rule_entered_from_outside(t))
		err = verdict_signal(v, MTI_SIG_ENTERED_FROM_OUTSIDE, MTI_ARGS(t->entry.detail));
	if (!err && target->have_ids && target->uid[0] == 0 && target->container_index >= 0 &&
	    !moved)
		err = verdict_signal(v, MTI_SIG_ROOT_IN_CONTAINER, NULL);
	if (!err && ec && ec->privileged)
		err = verdict_signal(v, MTI_SIG_PRIVILEGED, NULL);
	if (!err && ec && ec->pid_mode && strcmp(ec->pid_mode, "host") == 0)
		err = verdict_signal(v, MTI_SIG_HOST_PID, NULL);
	for (i = 0; !err && ec && i < ec->n_mounts; i++)
		if (ec->mounts[i].risk)
			err = verdict_signal(v, MTI_SIG_DANGEROUS_MOUNT,
			                     MTI_ARGS(ec->mounts[i].risk));
	for (i = 0; !err && ec && i < ec->n_cap_add; i++)
		if (mti_rule_dangerous_cap(ec->cap_add[i]))
			err = verdict_signal(v, MTI_SIG_CAP_ADDED, MTI_ARGS(ec->cap_add[i]));
	if (!err && has_docker_hub_source(ec))
		err = verdict_signal(v, MTI_SIG_IMAGE_FROM_DOCKER_HUB,
		                     MTI_ARGS(ec->image_ref ? ec->image_ref : "?"));
	if (!err && ec && ec->have_image && ec->image.source == MT_IMAGE_SOURCE_LOCAL)
		err = verdict_signal(v, MTI_SIG_IMAGE_LOCAL,
		                     MTI_ARGS(ec->image_ref ? ec->image_ref : "?"));
	if (!err && ec && ec->have_changes && ec->target_change >= 0)
		err = verdict_signal(
		    v, MTI_SIG_DRIFT,
		    MTI_ARGS(exe->path ? exe->path : "?",
		             mt_change_kind_name((enum mt_change_kind)ec->target_change)));
	return err;
}

static enum mt_classification decide(const struct mt_trace *t)
{
	const struct mt_process *target = &t->chain[0];
	enum mt_origin_kind o = t->origin.kind;

	switch (t->entry.kind) {
	case MT_ENTRY_HOST:
	case MT_ENTRY_PRIVATE_PIDNS:
	case MT_ENTRY_KERNEL_THREAD:
		return MT_CLASS_HOST_PROCESS;
	case MT_ENTRY_CGROUP_ONLY:
		return MT_CLASS_MOVED_INTO_CGROUP;
	case MT_ENTRY_RUNTIME_EXEC:
	case MT_ENTRY_DOCKER_EXEC:
	case MT_ENTRY_SETNS:
		return MT_CLASS_INTRODUCED;
	default:
		break;
	}
	if (o == MT_ORIGIN_WRITABLE_LAYER || o == MT_ORIGIN_MOUNT ||
	    (o == MT_ORIGIN_MEMFD && !target->exe.runtime_memfd) ||
	    (target->exe.deleted && o != MT_ORIGIN_IMAGE_LAYER))
		return MT_CLASS_INTRODUCED;
	if (t->entry.kind == MT_ENTRY_CONTAINER_INIT)
		return MT_CLASS_UNWANTED_IMAGE;
	if (t->entry.kind == MT_ENTRY_INIT_TREE && o == MT_ORIGIN_IMAGE_LAYER)
		return MT_CLASS_IMAGE_PROCESS;
	return MT_CLASS_UNKNOWN;
}

static const char *class_words(enum mt_classification c)
{
	switch (c) {
	case MT_CLASS_HOST_PROCESS:
		return "a host process, not in any container";
	case MT_CLASS_UNWANTED_IMAGE:
		return "the image itself runs it: an unwanted image";
	case MT_CLASS_INTRODUCED:
		return "a process introduced into the container";
	case MT_CLASS_MOVED_INTO_CGROUP:
		return "a host process moved into a container's cgroup: suspicious in itself, it "
		       "hides among the container's processes";
	case MT_CLASS_IMAGE_PROCESS:
		return "the image ships this binary and its own processes started it: the image "
		       "itself is unwanted or was tampered with before it was pulled";
	default:
		return "how it got there could not be decided";
	}
}

enum mt_err mti_classify_verdict(struct mt_trace *t)
{
	struct mt_verdict *v = &t->verdict;
	const struct mt_process *target;
	const struct mt_container *c = NULL;
	char shortid[16];
	struct mti_buf b;
	enum mt_err err;

	if (!t->chain_len)
		return MT_OK;
	target = &t->chain[0];
	if (target->container_index >= 0)
		c = &t->containers[target->container_index];
	mti_signals_free(v->signals, v->n_signals);
	v->signals = NULL;
	v->n_signals = 0;
	v->classification = decide(t);
	err = collect_signals(t);
	if (err)
		return err;
	mti_buf_init(&b);
	err =
	    mti_buf_printf(&b, "PID %d (%s) ", (int)target->pid, target->comm ? target->comm : "?");
	if (!err && t->entry.kind == MT_ENTRY_KERNEL_THREAD) {
		err = mti_buf_puts(&b, "is a kernel thread of the host: it has no executable and "
		                       "runs in no container.");
		goto done;
	}
	if (!err && c) {
		err = mti_buf_printf(
		    &b, "%s %s container %s",
		    t->entry.kind == MT_ENTRY_CGROUP_ONLY ? "is in the cgroup of" : "runs in",
		    mt_runtime_name(c->runtime), mt_short_id(c->id, shortid, sizeof(shortid)));
		if (!err && c->engine && c->engine->name)
			err = mti_buf_printf(&b, " (%s%s%s)", c->engine->name,
			                     c->engine->image_ref ? ", image " : "",
			                     c->engine->image_ref ? c->engine->image_ref : "");
		else if (!err && !c->engine && mti_image_name(c))
			err = mti_buf_printf(&b, " (image %s)", mti_image_name(c));
		if (!err && mti_pod_name(c))
			err = mti_buf_printf(&b, " of Kubernetes pod %s/%s",
			                     mti_pod_namespace(c) ? mti_pod_namespace(c) : "?",
			                     mti_pod_name(c));
		else if (!err && c->pod_uid)
			err = mti_buf_printf(&b, " of Kubernetes pod %s", c->pod_uid);
		else if (!err && c->task && c->runtime == MT_RUNTIME_CONTAINERD)
			err = mti_buf_printf(&b, " (containerd namespace %s)", c->task->namespace);
	} else if (!err &&
	           (t->entry.kind == MT_ENTRY_HOST || t->entry.kind == MT_ENTRY_PRIVATE_PIDNS)) {
		err = mti_buf_puts(&b, "runs on the host");
	} else if (!err) {
		err = mti_buf_puts(&b, "could not be placed in a container");
	}
	if (!err && t->origin.detail && t->origin.kind != MT_ORIGIN_UNKNOWN)
		err = mti_buf_printf(
		    &b, "; its binary %s is %s", target->exe.path ? target->exe.path : "?",
		    t->origin.kind == MT_ORIGIN_WRITABLE_LAYER
		        ? "in the container's writable layer (dropped after "
		          "the image was built)"
		    : t->origin.kind == MT_ORIGIN_IMAGE_LAYER ? "part of the image"
		    : t->origin.kind == MT_ORIGIN_MEMFD       ? "fileless (memfd)"
		    : t->origin.kind == MT_ORIGIN_MOUNT       ? "on a mount inside the container"
		                                              : "a host file");
	if (!err && target->exe.deleted && !target->exe.memfd)
		err = mti_buf_puts(&b, " and was deleted after start");
	if (!err && t->entry.kind != MT_ENTRY_UNKNOWN && t->entry.kind != MT_ENTRY_HOST)
		err = mti_buf_printf(&b, "; %s", t->entry.detail);
	if (!err && t->thread_id)
		err = mti_buf_printf(&b, "; PID %d, the PID given, is one of its threads",
		                     (int)t->thread_id);
	if (!err)
		err = mti_buf_printf(&b, ": %s.", class_words(v->classification));
done:
	if (err) {
		mti_buf_free(&b);
		return err;
	}
	free(v->summary);
	v->summary = mti_buf_steal(&b);
	return v->summary ? MT_OK : MT_ERR_NOMEM;
}
