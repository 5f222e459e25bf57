/* One trace: from a PID up its ancestors, to its container, its image and
 * the way it got in.
 *
 * The stages run in order from trace_stages(), their state in one struct
 * trace_run: read the chain (/proc; the runtime is asked on a thread of its
 * own as soon as the target's container is known, and the executables are
 * hashed on another), resolve containers (cgroups, or the PID namespace
 * when the process never joined the container's cgroup), list the rest of
 * the container (libcgroup), describe the containers (the runtime), read
 * the evidence (where the binary came from, its timeline, network,
 * persistence, miner configuration), classify, look for its spread, and
 * finally check the target is still the process we started with.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "cgroup_path.h"
#include "classify.h"
#include "hash.h"
#include "members.h"
#include "oci_bundle.h"
#include "origin.h"
#include "proc_parse.h"
#include "persistence.h"
#include "miner_config.h"
#include "postmortem.h"
#include "process.h"
#include "runtime.h"
#include "session.h"
#include "shim.h"
#include "spread.h"
#include "target_net.h"
#include "timeline.h"
#include "trace_model.h"
#include "util.h"

#define MTI_CHAIN_MAX 256
#define MTI_CONTAINERS_MAX 16
/* Bound on the /proc scan that looks for a PID namespace's init. */
#define MTI_NS_SCAN_MAX 200000

/* One trace's state while its stages run. */
struct trace_run {
	struct mt_session *s; /* only for its per-run caches */
	const struct mt_options *opts;
	struct mti_host *host;
	struct mti_runtime *rt; /* NULL with --no-engine */
	struct mt_trace *t;
	pid_t pid;        /* as asked: a thread's ID is traced as its process */
	bool check_start; /* the target must have start_ticks */
	unsigned long long start_ticks;
	int target_fd;                /* the target's /proc directory, or -1 */
	int child_fd;                 /* while walking: the last process's, or -1 */
	size_t cap;                   /* of t->chain */
	struct mti_hash_batch hashes; /* the chain's executables, hashed on a worker */
	size_t unhashed;              /* executables --hash leaves out */
	struct mti_runtime_job *job;  /* the runtime asked on its own thread */
	struct mti_buf scratch;
};

static enum mt_err fill_evidence(struct trace_run *r)
{
	const struct mti_host *h = r->host;
	struct mt_trace *t = r->t;
	enum mt_err err = mti_evidence_fill(h, &t->evidence);

	if (err)
		return err;
	if (!h->hostname || !h->kernel || !h->boot_id)
		mti_warn(t, MT_ERR_NOT_FOUND, 0, "host",
		         "the host name, kernel release or boot ID could not be read from %s/sys",
		         h->pfs.root);
	if (!h->have_btime)
		mti_warn(t, MT_ERR_NOT_FOUND, 0, "host",
		         "no boot time in %s/stat: start times are not known", h->pfs.root);
	return MT_OK;
}

static bool in_chain(const struct mt_trace *t, pid_t pid)
{
	size_t i;

	for (i = 0; i < t->chain_len; i++)
		if (t->chain[i].pid == pid)
			return true;
	return false;
}

/* Whether p's executable is hashed under the session's hash scope. */
static bool worth_hashing(const struct mt_options *opts, const struct mt_process *p, bool target)
{
	switch (opts->hash) {
	case MT_HASH_ALL:
		return true;
	case MT_HASH_TARGET:
		return target;
	case MT_HASH_CONTAINER:
		return target || p->cgroup.scope == MT_SCOPE_CONTAINER || p->n_nspid > 1;
	default:
		return false;
	}
}

/* Whether the walk may read PID cur: not past the depth limit, not a
 * loop. Otherwise the chain's end is set. */
static bool walk_may_read(struct mt_trace *t, pid_t cur)
{
	if (t->chain_len >= MTI_CHAIN_MAX) {
		t->chain_end = MT_CHAIN_DEPTH_LIMIT;
		mti_warn(t, MT_ERR_LIMIT, cur, "chain", "stopped after %d ancestors",
		         MTI_CHAIN_MAX);
		return false;
	}
	if (in_chain(t, cur)) {
		t->chain_end = MT_CHAIN_LOOP;
		mti_warn(t, MT_ERR_PARSE, cur, "chain",
		         "PID %d is its own ancestor: the /proc data is inconsistent", (int)cur);
		return false;
	}
	return true;
}

/* Records why PID cur could not be read (err, not MT_ERR_NOMEM): the
 * target's status, or the chain's end. */
static void walk_unreadable(struct mt_trace *t, bool is_target, pid_t cur, enum mt_err err)
{
	if (is_target) {
		t->status = err == MT_ERR_NO_PROCESS ? MT_TRACE_NOT_FOUND : MT_TRACE_UNREADABLE;
		if (err != MT_ERR_NO_PROCESS)
			mti_warn(t, err, cur, "process", "cannot read PID %d: %s", (int)cur,
			         mt_strerror(err));
	} else if (err == MT_ERR_NO_PROCESS) {
		t->chain_end = MT_CHAIN_PARENT_VANISHED;
		mti_warn(t, MT_ERR_VANISHED, cur, "chain",
		         "parent PID %d exited before it could be read", (int)cur);
	} else {
		t->chain_end = MT_CHAIN_UNREADABLE;
		mti_warn(t, err, cur, "chain", "cannot read parent PID %d: %s", (int)cur,
		         mt_strerror(err));
	}
}

enum walk_step {
	WALK_KEEP,   /* p joins the chain */
	WALK_THREAD, /* cur was a thread: its process is read instead */
	WALK_STOP,   /* p is not the process wanted: the walk ends before it */
};

/* Judges p, just read at PID cur, against its child (NULL for the
 * target): a reused PID, a thread, a parent that exited in between. */
static enum walk_step walk_judge(struct trace_run *r, pid_t cur, const struct mt_process *p,
                                 const struct mt_process *child)
{
	struct mt_trace *t = r->t;
	struct mti_stat st;

	if (!child && r->check_start && p->start_ticks != r->start_ticks) {
		t->status = MT_TRACE_VANISHED;
		mti_warn(t, MT_ERR_VANISHED, cur, "process",
		         "PID %d now names a different process (start time %llu, expected "
		         "%llu): the original exited and its PID was reused",
		         (int)cur, p->start_ticks, r->start_ticks);
		return WALK_STOP;
	}
	if (!child && !t->thread_id && p->tgid > 0 && p->tgid != cur) {
		/* A thread, not its group's leader: the process is traced. */
		t->thread_id = cur;
		t->target_pid = p->tgid;
		r->check_start = false;
		return WALK_THREAD;
	}
	if (child && p->start_ticks > child->start_ticks) {
		t->chain_end = MT_CHAIN_PID_RECYCLED;
		mti_warn(t, MT_ERR_VANISHED, cur, "chain",
		         "parent PID %d started after its child %d: the parent exited and "
		         "its PID was reused; the chain stops here",
		         (int)cur, (int)child->pid);
		return WALK_STOP;
	}
	/* Same clock tick: confirm the child still names this parent. */
	if (child && p->start_ticks == child->start_ticks && r->child_fd >= 0 &&
	    mti_process_restat(r->child_fd, &st, &r->scratch) == MT_OK && st.ppid != cur) {
		t->chain_end = MT_CHAIN_PARENT_VANISHED;
		mti_warn(t, MT_ERR_VANISHED, cur, "chain", "parent PID %d exited while being read",
		         (int)cur);
		return WALK_STOP;
	}
	return WALK_KEEP;
}

/* Queues the executable of the chain's last process (exe_fd, or -1) for
 * hashing, or closes it when --hash leaves it out. */
static void walk_hash(struct trace_run *r, int exe_fd)
{
	struct mt_trace *t = r->t;
	const struct mt_process *p = &t->chain[t->chain_len - 1];

	if (exe_fd >= 0 && !worth_hashing(r->opts, p, t->chain_len == 1)) {
		close(exe_fd);
		exe_fd = -1;
		r->unhashed++;
	}
	if (exe_fd >= 0)
		mti_hash_batch_add(&r->hashes, exe_fd, t->chain_len - 1,
		                   p->exe.dev_major * 65536ull + p->exe.dev_minor, p->exe.inode);
}

/* The target joined the chain through its /proc directory fd: keeps fd,
 * and when its cgroup names a container the runtime serves, asks the
 * runtime on its own thread while the walk goes on. */
static enum mt_err walk_target(struct trace_run *r, pid_t cur, int fd)
{
	struct mt_trace *t = r->t;
	const struct mt_process *p = &t->chain[0];

	r->target_fd = fd;
	if (p->vanished) {
		t->status = MT_TRACE_VANISHED;
		mti_warn(t, MT_ERR_VANISHED, cur, "process",
		         "PID %d exited while it was being read", (int)cur);
	}
	if (p->cgroup.scope == MT_SCOPE_CONTAINER &&
	    mti_runtime_serves(r->rt, p->cgroup.container.id, p->cgroup.container.runtime))
		return mti_runtime_job_start(r->rt, &p->cgroup.container, 1, &r->job);
	return MT_OK;
}

/* Reads PID *cur and, unless the walk ends there, adds it to the chain;
 * *cur becomes the next PID to read, 0 when the walk is over. */
static enum mt_err walk_one(struct trace_run *r, pid_t *cur)
{
	const struct mti_process_want want = {
	    .exe = true,
	    .hash = r->opts->hash != MT_HASH_NONE,
	    .cgroup = true,
	    .cmdline = true,
	    .namespaces = true,
	    .cwd = true,
	};
	struct mt_trace *t = r->t;
	const struct mt_process *child = t->chain_len ? &t->chain[t->chain_len - 1] : NULL;
	pid_t pid = *cur;
	struct mt_process p;
	enum walk_step step;
	int fd = -1, exe_fd = -1;
	enum mt_err err = mti_process_read(r->host, t, pid, &want, &p, &fd, &exe_fd);

	*cur = 0;
	if (err == MT_ERR_NOMEM)
		return err;
	if (err) {
		walk_unreadable(t, !child, pid, err);
		return MT_OK;
	}
	step = walk_judge(r, pid, &p, child);
	if (step == WALK_KEEP)
		err = mti_grow((void **)&t->chain, &r->cap, t->chain_len + 1, sizeof(*t->chain));
	if (step != WALK_KEEP || err) {
		*cur = step == WALK_THREAD ? p.tgid : 0;
		mti_process_clear(&p);
		close(fd);
		if (exe_fd >= 0)
			close(exe_fd);
		return err;
	}
	t->chain[t->chain_len++] = p;
	walk_hash(r, exe_fd);
	if (!child)
		err = walk_target(r, pid, fd);
	else if (r->child_fd != r->target_fd)
		close(r->child_fd);
	r->child_fd = fd;
	if (p.ppid <= 0)
		t->chain_end = MT_CHAIN_ROOT;
	else
		*cur = p.ppid;
	return err;
}

/* Walks from the target up to the first process whose parent is 0. */
static enum mt_err walk_chain(struct trace_run *r)
{
	enum mt_err err = MT_OK;
	pid_t cur = r->pid;

	while (!err && cur && walk_may_read(r->t, cur))
		err = walk_one(r, &cur);
	if (r->child_fd >= 0 && r->child_fd != r->target_fd)
		close(r->child_fd);
	r->child_fd = -1;
	return err;
}

/* What the walk leaves to say: a thread traced as its process, the
 * executables left unhashed. */
static void walk_notes(const struct trace_run *r)
{
	struct mt_trace *t = r->t;

	if (t->thread_id)
		mti_warn(t, MT_OK, t->thread_id, "thread",
		         "PID %d is a thread of process %d (%s), not a process: the process is "
		         "traced",
		         (int)t->thread_id, (int)t->target_pid,
		         t->chain[0].comm ? t->chain[0].comm : "?");
	if (r->unhashed)
		mti_warn(
		    t, MT_OK, 0, "exe",
		    "%zu executable%s outside the container (the runtime shim, host processes) "
		    "%s not hashed; --hash=all hashes them too",
		    r->unhashed, r->unhashed == 1 ? "" : "s", r->unhashed == 1 ? "is" : "are");
}

static int find_container(const struct mt_trace *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->n_containers; i++)
		if (strcmp(t->containers[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Adds the container a cgroup resolved to; returns its index or -1. */
static int add_container(struct mt_trace *t, const struct mt_cgroup_info *cg, bool via_pidns,
                         enum mt_err *err)
{
	struct mt_container *c;
	int idx = find_container(t, cg->container.id);
	size_t i;

	*err = MT_OK;
	if (idx >= 0)
		return idx;
	if (t->n_containers >= MTI_CONTAINERS_MAX)
		return -1;
	c = realloc(t->containers, (t->n_containers + 1) * sizeof(*c));
	if (!c) {
		*err = MT_ERR_NOMEM;
		return -1;
	}
	t->containers = c;
	c = &t->containers[t->n_containers];
	memset(c, 0, sizeof(*c));
	c->runtime = cg->container.runtime;
	c->qos = cg->qos;
	c->via_pid_namespace = via_pidns;
	c->id = mti_strdup(cg->container.id);
	c->cgroup_path = mti_strdup(cg->path);
	if (cg->pod_uid)
		c->pod_uid = mti_strdup(cg->pod_uid);
	if (cg->n_outer)
		c->outer = calloc(cg->n_outer, sizeof(*c->outer));
	if (!c->id || !c->cgroup_path || (cg->pod_uid && !c->pod_uid) ||
	    (cg->n_outer && !c->outer)) {
		mti_container_clear(c);
		*err = MT_ERR_NOMEM;
		return -1;
	}
	for (i = 0; i < cg->n_outer; i++) {
		c->outer[i].runtime = cg->outer[i].runtime;
		c->outer[i].id = mti_strdup(cg->outer[i].id);
		if (!c->outer[i].id) {
			mti_container_clear(c);
			*err = MT_ERR_NOMEM;
			return -1;
		}
		c->n_outer = i + 1;
	}
	return (int)t->n_containers++;
}

/* Searches /proc for the init (NSpid ending in 1) of PID namespace ns and
 * reads its cgroup into cg. */
static bool find_ns_init(struct mti_host *h, uint64_t ns, struct mt_cgroup_info *cg)
{
	const struct mti_process_want want = {.cgroup = true, .namespaces = true};
	struct dirent *de;
	DIR *dir;
	int fd, scanned = 0;
	bool found = false;

	fd = openat(h->pfs.root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return false;
	}
	while (!found && (de = readdir(dir)) && scanned++ < MTI_NS_SCAN_MAX) {
		struct mt_process p;
		pid_t pid;

		if (!mti_parse_pid(de->d_name, &pid))
			continue;
		if (mti_process_read(h, NULL, pid, &want, &p, NULL, NULL))
			continue;
		if (p.ns_pid == ns && p.n_nspid > 1 && p.nspid[p.n_nspid - 1] == 1 &&
		    p.cgroup.scope == MT_SCOPE_CONTAINER) {
			found = mti_cgroup_info_copy(&p.cgroup, cg) == MT_OK;
		}
		mti_process_clear(&p);
	}
	closedir(dir);
	return found;
}

/* The target is in a child PID namespace but not in a container cgroup:
 * it joined the namespaces only (nsenter). The namespace's init names the
 * container, which the target and its namespace's processes join. */
static enum mt_err join_pidns_container(struct mti_host *h, struct mt_trace *t)
{
	const struct mt_process *target = &t->chain[0];
	struct mt_cgroup_info cg;
	enum mt_err err = MT_OK;
	int idx = -1;
	size_t i;

	for (i = 1; i < t->chain_len && idx < 0; i++)
		if (t->chain[i].ns_pid == target->ns_pid && t->chain[i].container_index >= 0)
			idx = t->chain[i].container_index;
	if (idx < 0 && h->pfs.live && find_ns_init(h, target->ns_pid, &cg)) {
		idx = add_container(t, &cg, true, &err);
		mti_cgroup_info_free(&cg);
		if (err)
			return err;
	}
	if (idx < 0)
		return MT_OK;
	t->containers[idx].via_pid_namespace = true;
	for (i = 0; i < t->chain_len; i++)
		if (t->chain[i].container_index < 0 && t->chain[i].ns_pid == target->ns_pid)
			t->chain[i].container_index = idx;
	mti_warn(t, MT_OK, target->pid, "cgroup",
	         "the process is in the container's PID namespace but not in its "
	         "cgroup: it joined the namespaces only (nsenter or setns)");
	return MT_OK;
}

/* Every container of the chain, the target's first. */
static enum mt_err resolve_containers(struct mti_host *h, struct mt_trace *t)
{
	struct mt_process *target = &t->chain[0];
	enum mt_err err = mti_shim_confirm(t);
	size_t i;

	if (err)
		return err;
	for (i = 0; i < t->chain_len; i++) {
		struct mt_process *p = &t->chain[i];

		if (p->cgroup.scope != MT_SCOPE_CONTAINER || !p->cgroup.container.id)
			continue;
		p->container_index = add_container(t, &p->cgroup, false, &err);
		if (err)
			return err;
	}
	if (target->container_index < 0 && target->n_nspid > 1 && target->ns_pid &&
	    target->ns_pid != h->self_ns_pid && (err = join_pidns_container(h, t)))
		return err;
	/* The target's container comes first. */
	if (target->container_index > 0) {
		struct mt_container tmp = t->containers[0];
		int old = target->container_index;

		t->containers[0] = t->containers[old];
		t->containers[old] = tmp;
		for (i = 0; i < t->chain_len; i++) {
			if (t->chain[i].container_index == old)
				t->chain[i].container_index = 0;
			else if (t->chain[i].container_index == 0)
				t->chain[i].container_index = old;
		}
	}
	return mti_shim_describe(t);
}

/* Index of the first chain process in container idx (to list its cgroup). */
static const struct mt_process *container_ref(const struct mt_trace *t, int idx)
{
	size_t i;

	for (i = 0; i < t->chain_len; i++)
		if (t->chain[i].container_index == idx &&
		    t->chain[i].cgroup.scope == MT_SCOPE_CONTAINER)
			return &t->chain[i];
	return NULL;
}

static void mark_members_in_chain(struct mt_trace *t, struct mt_container *c)
{
	size_t i;

	for (i = 0; i < c->n_members; i++)
		c->members[i].in_chain = in_chain(t, c->members[i].pid);
}

/* Without privileges the kernel keeps much back: say what would help. */
static void note_refusals(struct mt_trace *t)
{
	size_t i, refused = 0;

	if (t->evidence.euid == 0)
		return;
	for (i = 0; i < t->n_warnings; i++)
		refused += t->warnings[i].code == MT_ERR_PERMISSION;
	if (refused)
		mti_warn(t, MT_OK, 0, "privileges",
		         "minertrace ran as UID %u and the kernel refused %zu read%s; as root it "
		         "also reads the executables, the mount table and the engine",
		         (unsigned)t->evidence.euid, refused, refused == 1 ? "" : "s");
}

/* The final check: is the target still the process we read? */
static void recheck_target(struct mt_trace *t, int target_fd)
{
	struct mti_buf b;
	struct mti_stat st;

	if (target_fd < 0 || t->status != MT_TRACE_COMPLETE)
		return;
	mti_buf_init(&b);
	if (mti_process_restat(target_fd, &st, &b) != MT_OK ||
	    st.starttime != t->chain[0].start_ticks) {
		t->status = MT_TRACE_VANISHED;
		mti_warn(t, MT_ERR_VANISHED, t->target_pid, "process",
		         "PID %d exited during the trace: what is shown was read while it ran",
		         (int)t->target_pid);
	}
	mti_buf_free(&b);
}

/* Takes the hashes the worker computed into the chain. */
static void collect_hashes(struct mt_trace *t, struct mti_hash_batch *hashes)
{
	size_t i;

	mti_hash_batch_finish(hashes);
	for (i = 0; i < hashes->n; i++) {
		const struct mti_hash_item *it = &hashes->items[i];
		struct mt_process *p;

		if (it->tag >= t->chain_len)
			continue;
		p = &t->chain[it->tag];
		if (it->err)
			mti_warn(t, it->err, p->pid, "exe", "cannot hash the executable: %s",
			         mt_strerror(it->err));
		else
			memcpy(p->exe.sha256, it->sha256, sizeof(p->exe.sha256));
	}
}

/* Compares the target's namespaces with those of its container's init:
 * the engine's init PID or the chain's; the engine's is read through
 * /proc when it is not in the chain. */
static enum mt_err compare_namespaces(struct mti_host *h, struct mt_trace *t)
{
	const struct mti_process_want want = {.namespaces = true};
	const struct mt_process *target = &t->chain[0], *init = NULL;
	const struct mt_engine_container *ec;
	struct mt_process read;
	pid_t init_pid = 0;
	enum mt_err err;
	size_t i;

	if (target->container_index < 0)
		return MT_OK;
	ec = t->containers[target->container_index].engine;
	if (ec && ec->init_pid > 0)
		init_pid = ec->init_pid;
	for (i = 0; i < t->chain_len && !init; i++) {
		const struct mt_process *p = &t->chain[i];

		if (init_pid ? p->pid == init_pid
		             : p->container_index == target->container_index && p->n_nspid > 1 &&
		                   p->nspid[p->n_nspid - 1] == 1)
			init = p;
	}
	if (init) {
		mti_compare_namespaces(target, init, &t->entry.ns);
		return MT_OK;
	}
	if (!init_pid)
		return MT_OK;
	err = mti_process_read(h, t, init_pid, &want, &read, NULL, NULL);
	if (err == MT_ERR_NOMEM)
		return err;
	if (err || read.vanished)
		mti_warn(t, err ? err : MT_ERR_VANISHED, init_pid, "namespaces",
		         "cannot read the namespaces of the container's init, PID %d: %s",
		         (int)init_pid, mt_strerror(err ? err : MT_ERR_VANISHED));
	else
		mti_compare_namespaces(target, &read, &t->entry.ns);
	if (!err)
		mti_process_clear(&read);
	return MT_OK;
}

/* The container's other processes, while the runtime thread waits on its
 * socket: loading libcurl there is a storm of mmap and mprotect calls, so
 * hashing and libcgroup (which faults in large tables) start only once it
 * is loaded. */
static enum mt_err read_members(struct trace_run *r)
{
	struct mt_trace *t = r->t;
	const struct mt_process *ref;
	enum mt_err err = MT_OK;

	mti_runtime_job_wait_loaded(r->job);
	mti_hash_batch_start(&r->hashes);
	if (t->chain[0].container_index != 0 || r->opts->no_members)
		return MT_OK;
	ref = container_ref(t, 0);
	if (ref)
		err = mti_members_read(r->host, t, ref, &t->containers[0]);
	else
		mti_warn(t, MT_ERR_NOT_FOUND, r->pid, "cgroup",
		         "no process of the chain is in the container's cgroup: its "
		         "other processes are not listed");
	if (!err)
		mark_members_in_chain(t, &t->containers[0]);
	return err;
}

/* Every container described by its runtime (the job's replies first),
 * then the target's namespaces against its container's init. */
static enum mt_err describe_containers(struct trace_run *r)
{
	struct mt_trace *t = r->t;
	enum mt_err err = mti_runtime_job_wait(r->job);
	size_t i;

	r->job = NULL;
	for (i = 0; !err && i < t->n_containers; i++)
		err = mti_runtime_describe(r->rt, t, &t->containers[i],
		                           i == 0 ? t->chain[0].exe.path : NULL);
	return err ? err : compare_namespaces(r->host, t);
}

/* The evidence about the target: where its binary came from, its
 * timeline, its network, what it left behind, its miner configuration.
 * The roles are classified first, once the runtime named each container's
 * init: the timeline reads them. The verdict waits for all the evidence
 * (see judge). */
static enum mt_err read_evidence(struct trace_run *r)
{
	struct mt_trace *t = r->t;
	const bool live = r->host->pfs.live;
	const char *upper =
	    t->n_containers && t->chain[0].container_index == 0 && t->containers[0].engine
	        ? t->containers[0].engine->upper_dir
	        : NULL;
	enum mt_err err;

	mti_classify_roles(t);
	err = mti_origin_analyse(&r->host->pfs, t, r->target_fd, &t->chain[0],
	                         mti_in_target_container(t, 0), upper, &t->origin);
	if (!err)
		err = mti_timeline_read(t, live, r->target_fd);
	if (!err)
		err = mti_target_net_read(t, r->target_fd);
	if (!err)
		err = mti_persistence_read(t, t->origin.upperdir, live ? "/" : NULL,
		                           mti_session_host_files(r->s));
	if (!err)
		err = mti_miner_config_read(t, r->target_fd);
	return err;
}

/* How it got in and the verdict, from all the evidence; then the hashes,
 * where else the binary runs, and the post-mortem. */
static enum mt_err judge(struct trace_run *r)
{
	struct mt_trace *t = r->t;
	enum mt_err err = mti_classify_entry(t);

	if (!err)
		err = mti_classify_verdict(t);
	collect_hashes(t, &r->hashes);
	if (!err)
		err = mti_spread_read(&r->host->pfs, mti_session_exe_index(r->s), t);
	if (!err)
		err = mti_spread_containers(r->rt, &r->host->pfs, t);
	if (!err)
		err = mti_postmortem_build(t, r->opts->trusted_registries,
		                           r->opts->n_trusted_registries);
	return err;
}

/* The stages of one trace, in order. */
static enum mt_err trace_stages(struct trace_run *r)
{
	enum mt_err err = fill_evidence(r);

	if (!err)
		err = walk_chain(r);
	if (err || !r->t->chain_len)
		return err;
	walk_notes(r);
	err = resolve_containers(r->host, r->t);
	if (!err)
		err = mti_oci_bundle_read_all(&r->host->pfs, r->t);
	if (!err)
		err = read_members(r);
	if (!err)
		err = describe_containers(r);
	if (!err)
		err = read_evidence(r);
	if (!err)
		err = judge(r);
	recheck_target(r->t, r->target_fd);
	note_refusals(r->t);
	return err;
}

static enum mt_err trace_run(struct mt_session *s, pid_t pid, bool check_start,
                             unsigned long long start_ticks, struct mt_trace **out)
{
	struct trace_run r = {.s = s, .target_fd = -1, .child_fd = -1};
	enum mt_err err;

	*out = NULL;
	if (!s || pid <= 0)
		return MT_ERR_INVALID_ARG;
	r.opts = mti_session_options(s);
	r.host = mti_session_host(s);
	r.pid = pid;
	r.check_start = check_start;
	r.start_ticks = start_ticks;
	mti_buf_init(&r.scratch);
	if (mti_session_runtime(s, &r.rt))
		return MT_ERR_NOMEM;
	r.t = calloc(1, sizeof(*r.t));
	if (!r.t || mti_hash_batch_init(&r.hashes, MTI_CHAIN_MAX)) {
		free(r.t);
		return MT_ERR_NOMEM;
	}
	r.t->target_pid = pid;
	r.t->entry.init_index = r.t->entry.boundary_index = r.t->entry.exec_index = -1;
	r.t->origin.lower_index = -1;
	r.t->engine.enabled = !r.opts->no_engine;
	err = trace_stages(&r);
	mti_runtime_job_wait(r.job);
	mti_hash_batch_free(&r.hashes);
	mti_buf_free(&r.scratch);
	if (r.target_fd >= 0)
		close(r.target_fd);
	if (err) {
		mt_trace_free(r.t);
		return err;
	}
	*out = r.t;
	return MT_OK;
}

enum mt_err mt_trace_pid(struct mt_session *s, pid_t pid, struct mt_trace **out)
{
	return trace_run(s, pid, false, 0, out);
}

enum mt_err mt_trace_pid_checked(struct mt_session *s, pid_t pid, unsigned long long start_ticks,
                                 struct mt_trace **out)
{
	return trace_run(s, pid, true, start_ticks, out);
}
