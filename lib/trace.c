/* One trace: from a PID up its ancestors, to its container, its image and
 * the way it got in.
 *
 * Order: read the chain (/proc), resolve containers (cgroups, or the PID
 * namespace when the process never joined the container's cgroup), ask the
 * engine (events first), decide where the binary came from (overlay
 * layers), list the rest of the container (libcgroup), classify, and
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
#include "engine.h"
#include "hash.h"
#include "members.h"
#include "oci_bundle.h"
#include "origin.h"
#include "proc_parse.h"
#include "persistence.h"
#include "miner_config.h"
#include "postmortem.h"
#include "process.h"
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

static enum mt_err fill_evidence(struct mt_session *s, struct mt_trace *t)
{
	enum mt_err err = mti_evidence_fill(s, &t->evidence);

	if (err)
		return err;
	if (!s->hostname || !s->kernel || !s->boot_id)
		mti_warn(t, MT_ERR_NOT_FOUND, 0, "host",
		         "the host name, kernel release or boot ID could not be read from %s/sys",
		         s->pfs.root);
	if (!s->have_btime)
		mti_warn(t, MT_ERR_NOT_FOUND, 0, "host",
		         "no boot time in %s/stat: start times are not known", s->pfs.root);
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
static bool worth_hashing(const struct mt_session *s, const struct mt_process *p, bool target)
{
	switch (s->opts.hash) {
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

/* Walks from pid up to the first process whose parent is 0. On return
 * *target_fd is the target's /proc directory (or -1). */
static enum mt_err walk_chain(struct mt_session *s, struct mt_trace *t, pid_t pid, bool check_start,
                              unsigned long long start_ticks, int *target_fd,
                              struct mti_hash_batch *hashes, size_t *unhashed,
                              struct mti_engine_job **job)
{
	const struct mti_process_want want = {
	    .exe = true,
	    .hash = s->opts.hash != MT_HASH_NONE,
	    .cgroup = true,
	    .cmdline = true,
	    .namespaces = true,
	    .cwd = true,
	};
	struct mti_buf scratch;
	size_t cap = 0;
	pid_t cur = pid;
	int child_fd = -1;
	enum mt_err err = MT_OK;

	*target_fd = -1;
	mti_buf_init(&scratch);
	for (;;) {
		struct mt_process p;
		struct mt_process *child = t->chain_len ? &t->chain[t->chain_len - 1] : NULL;
		int fd = -1, exe_fd = -1;

		if (t->chain_len >= MTI_CHAIN_MAX) {
			t->chain_end = MT_CHAIN_DEPTH_LIMIT;
			mti_warn(t, MT_ERR_LIMIT, cur, "chain", "stopped after %d ancestors",
			         MTI_CHAIN_MAX);
			break;
		}
		if (in_chain(t, cur)) {
			t->chain_end = MT_CHAIN_LOOP;
			mti_warn(t, MT_ERR_PARSE, cur, "chain",
			         "PID %d is its own ancestor: the /proc data is inconsistent",
			         (int)cur);
			break;
		}
		err = mti_process_read(s, t, cur, &want, &p, &fd, &exe_fd);
		if (err == MT_ERR_NOMEM)
			break;
		if (err) {
			if (!child) {
				t->status = err == MT_ERR_NO_PROCESS ? MT_TRACE_NOT_FOUND
				                                     : MT_TRACE_UNREADABLE;
				if (err != MT_ERR_NO_PROCESS)
					mti_warn(t, err, cur, "process", "cannot read PID %d: %s",
					         (int)cur, mt_strerror(err));
			} else if (err == MT_ERR_NO_PROCESS) {
				t->chain_end = MT_CHAIN_PARENT_VANISHED;
				mti_warn(t, MT_ERR_VANISHED, cur, "chain",
				         "parent PID %d exited before it could be read", (int)cur);
			} else {
				t->chain_end = MT_CHAIN_UNREADABLE;
				mti_warn(t, err, cur, "chain", "cannot read parent PID %d: %s",
				         (int)cur, mt_strerror(err));
			}
			err = MT_OK;
			break;
		}
		if (!child && check_start && p.start_ticks != start_ticks) {
			t->status = MT_TRACE_VANISHED;
			mti_warn(t, MT_ERR_VANISHED, cur, "process",
			         "PID %d now names a different process (start time %llu, expected "
			         "%llu): the original exited and its PID was reused",
			         (int)cur, p.start_ticks, start_ticks);
			mti_process_clear(&p);
			close(fd);
			if (exe_fd >= 0)
				close(exe_fd);
			break;
		}
		if (!child && !t->thread_id && p.tgid > 0 && p.tgid != cur) {
			/* A thread, not its group's leader: the process is traced. */
			t->thread_id = cur;
			t->target_pid = p.tgid;
			cur = p.tgid;
			check_start = false;
			mti_process_clear(&p);
			close(fd);
			if (exe_fd >= 0)
				close(exe_fd);
			continue;
		}
		if (child && p.start_ticks > child->start_ticks) {
			t->chain_end = MT_CHAIN_PID_RECYCLED;
			mti_warn(t, MT_ERR_VANISHED, cur, "chain",
			         "parent PID %d started after its child %d: the parent exited and "
			         "its PID was reused; the chain stops here",
			         (int)cur, (int)child->pid);
			mti_process_clear(&p);
			close(fd);
			if (exe_fd >= 0)
				close(exe_fd);
			break;
		}
		if (child && p.start_ticks == child->start_ticks && child_fd >= 0) {
			/* Same clock tick: confirm the child still names this parent. */
			struct mti_stat st;

			if (mti_process_restat(child_fd, &st, &scratch) == MT_OK &&
			    st.ppid != cur) {
				t->chain_end = MT_CHAIN_PARENT_VANISHED;
				mti_warn(t, MT_ERR_VANISHED, cur, "chain",
				         "parent PID %d exited while being read", (int)cur);
				mti_process_clear(&p);
				close(fd);
				if (exe_fd >= 0)
					close(exe_fd);
				break;
			}
		}
		err = mti_grow((void **)&t->chain, &cap, t->chain_len + 1, sizeof(*t->chain));
		if (err) {
			mti_process_clear(&p);
			close(fd);
			if (exe_fd >= 0)
				close(exe_fd);
			break;
		}
		t->chain[t->chain_len++] = p;
		if (exe_fd >= 0 && !worth_hashing(s, &p, t->chain_len == 1)) {
			close(exe_fd);
			exe_fd = -1;
			(*unhashed)++;
		}
		if (exe_fd >= 0)
			mti_hash_batch_add(hashes, exe_fd, t->chain_len - 1,
			                   p.exe.dev_major * 65536ull + p.exe.dev_minor,
			                   p.exe.inode);
		if (!child) {
			/* The target's cgroup names its container: the engine can be asked
			 * on its own thread while the walk goes on. */
			if (!s->opts.no_engine && p.cgroup.scope == MT_SCOPE_CONTAINER &&
			    mti_engine_serves(p.cgroup.container.id, p.cgroup.container.runtime) &&
			    (err = mti_engine_job_start(s, &p.cgroup.container.id, 1, job)))
				break;
			*target_fd = fd;
			if (p.vanished) {
				t->status = MT_TRACE_VANISHED;
				mti_warn(t, MT_ERR_VANISHED, cur, "process",
				         "PID %d exited while it was being read", (int)cur);
			}
		} else if (child_fd != *target_fd) {
			close(child_fd);
		}
		child_fd = fd;
		if (p.ppid <= 0) {
			t->chain_end = MT_CHAIN_ROOT;
			break;
		}
		cur = p.ppid;
	}
	if (child_fd >= 0 && child_fd != *target_fd)
		close(child_fd);
	mti_buf_free(&scratch);
	return err;
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
static bool find_ns_init(struct mt_session *s, uint64_t ns, struct mt_cgroup_info *cg)
{
	const struct mti_process_want want = {.cgroup = true, .namespaces = true};
	struct dirent *de;
	DIR *dir;
	int fd, scanned = 0;
	bool found = false;

	fd = openat(s->pfs.root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
		if (mti_process_read(s, NULL, pid, &want, &p, NULL, NULL))
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

static enum mt_err resolve_containers(struct mt_session *s, struct mt_trace *t)
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
	    target->ns_pid != s->self_ns_pid) {
		/* In a child PID namespace but not in a container cgroup: it joined
		 * the namespaces only (nsenter). The namespace's init names the
		 * container. */
		struct mt_cgroup_info cg;
		int idx = -1;

		for (i = 1; i < t->chain_len && idx < 0; i++)
			if (t->chain[i].ns_pid == target->ns_pid &&
			    t->chain[i].container_index >= 0)
				idx = t->chain[i].container_index;
		if (idx < 0 && s->pfs.live && find_ns_init(s, target->ns_pid, &cg)) {
			idx = add_container(t, &cg, true, &err);
			mti_cgroup_info_free(&cg);
			if (err)
				return err;
		}
		if (idx >= 0) {
			t->containers[idx].via_pid_namespace = true;
			for (i = 0; i < t->chain_len; i++)
				if (t->chain[i].container_index < 0 &&
				    t->chain[i].ns_pid == target->ns_pid)
					t->chain[i].container_index = idx;
			mti_warn(t, MT_OK, target->pid, "cgroup",
			         "the process is in the container's PID namespace but not in its "
			         "cgroup: it joined the namespaces only (nsenter or setns)");
		}
	}
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
static enum mt_err compare_namespaces(struct mt_session *s, struct mt_trace *t)
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
	err = mti_process_read(s, t, init_pid, &want, &read, NULL, NULL);
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

static enum mt_err trace_run(struct mt_session *s, pid_t pid, bool check_start,
                             unsigned long long start_ticks, struct mt_trace **out)
{
	struct mti_engine_job *job = NULL;
	struct mti_hash_batch hashes;
	struct mt_trace *t;
	enum mt_err err;
	int target_fd = -1;
	size_t i, unhashed = 0;

	*out = NULL;
	if (!s || pid <= 0)
		return MT_ERR_INVALID_ARG;
	t = calloc(1, sizeof(*t));
	if (!t || mti_hash_batch_init(&hashes, MTI_CHAIN_MAX)) {
		free(t);
		return MT_ERR_NOMEM;
	}
	t->target_pid = pid;
	t->entry.init_index = t->entry.boundary_index = t->entry.exec_index = -1;
	t->origin.lower_index = -1;
	t->engine.enabled = !s->opts.no_engine;
	err = fill_evidence(s, t);
	if (!err)
		err = walk_chain(s, t, pid, check_start, start_ticks, &target_fd, &hashes,
		                 &unhashed, &job);
	if (err || !t->chain_len)
		goto out;
	if (t->thread_id)
		mti_warn(t, MT_OK, t->thread_id, "thread",
		         "PID %d is a thread of process %d (%s), not a process: the process is "
		         "traced",
		         (int)t->thread_id, (int)t->target_pid,
		         t->chain[0].comm ? t->chain[0].comm : "?");
	if (unhashed)
		mti_warn(
		    t, MT_OK, 0, "exe",
		    "%zu executable%s outside the container (the runtime shim, host processes) "
		    "%s not hashed; --hash=all hashes them too",
		    unhashed, unhashed == 1 ? "" : "s", unhashed == 1 ? "is" : "are");
	err = resolve_containers(s, t);
	if (!err)
		err = mti_oci_bundle_read_all(s, t);
	if (err)
		goto out;
	/* Loading libcurl on the engine thread is a storm of mmap and mprotect
	 * calls; hashing and libcgroup (which faults in large tables) are not
	 * raced against it but run while the engine thread waits on the socket. */
	mti_engine_job_wait_loaded(job);
	mti_hash_batch_start(&hashes);
	if (t->chain[0].container_index == 0 && !s->opts.no_members) {
		const struct mt_process *ref = container_ref(t, 0);

		if (ref)
			err = mti_members_read(s, t, ref, &t->containers[0]);
		else
			mti_warn(t, MT_ERR_NOT_FOUND, pid, "cgroup",
			         "no process of the chain is in the container's cgroup: its "
			         "other processes are not listed");
		if (err)
			goto out;
		mark_members_in_chain(t, &t->containers[0]);
	}
	err = mti_engine_job_wait(job);
	job = NULL;
	for (i = 0; !err && !s->opts.no_engine && i < t->n_containers; i++)
		err = mti_engine_describe(s, t, &t->containers[i],
		                          i == 0 ? t->chain[0].exe.path : NULL);
	if (!err)
		err = compare_namespaces(s, t);
	if (err)
		goto out;
	mti_classify_roles(t);
	err = mti_origin_analyse(s, t, target_fd, &t->chain[0], mti_in_target_container(t, 0),
	                         t->n_containers && t->chain[0].container_index == 0 &&
	                                 t->containers[0].engine
	                             ? t->containers[0].engine->upper_dir
	                             : NULL,
	                         &t->origin);
	if (!err)
		err = mti_timeline_read(t, s->pfs.live, target_fd);
	if (!err)
		err = mti_target_net_read(t, target_fd);
	if (!err)
		err = mti_persistence_read(t, t->origin.upperdir, s->pfs.live ? "/" : NULL,
		                           &s->host_files);
	if (!err)
		err = mti_miner_config_read(t, target_fd);
	if (err)
		goto out;
	err = mti_classify_entry(t);
	if (!err)
		err = mti_classify_verdict(t);
	collect_hashes(t, &hashes);
	if (!err)
		err = mti_spread_read(s, t);
	if (!err)
		err = mti_spread_containers(s, t);
	if (!err)
		err = mti_postmortem_build(t, s->opts.trusted_registries,
		                           s->opts.n_trusted_registries);
	recheck_target(t, target_fd);
	note_refusals(t);
out:
	mti_engine_job_wait(job);
	mti_hash_batch_free(&hashes);
	if (target_fd >= 0)
		close(target_fd);
	if (err) {
		mt_trace_free(t);
		return err;
	}
	*out = t;
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
