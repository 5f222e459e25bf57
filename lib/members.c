/* The rest of the container: its processes and CPU/memory accounting.
 *
 * Tasks are iterated with libcgroup (cgroup_get_task_*), which reads the v1
 * "tasks" file: thread IDs, folded here into their thread groups. On a pure
 * cgroup v2 host there is no "tasks" file, so cgroup.procs of the unified
 * hierarchy is read instead. Controller values come from
 * cgroup_read_value_begin(), with v1 or v2 file names depending on which
 * hierarchy carries the controller for this cgroup.
 */
#include "members.h"

#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_path.h"
#include "mountinfo.h"
#include "proc_parse.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

/* v1 memory limits at or above this mean "no limit". */
#define V1_UNLIMITED (1ull << 62)
#define TASKS_MAX (MTI_MEMBERS_MAX * 16)

bool mti_parse_cgroup_value(const char *text, uint64_t *value, bool *unlimited)
{
	size_t len = strlen(text);

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	*unlimited = false;
	if (len == 3 && memcmp(text, "max", 3) == 0) {
		*unlimited = true;
		*value = 0;
		return true;
	}
	return mti_parse_u64(text, len, value);
}

/* Reads one value line through libcgroup; false when unavailable. */
static bool cg_read_value(const char *controller, const char *path, const char *file, char *buf,
                          int len)
{
	void *handle = NULL;
	int ret;

	buf[0] = '\0';
	ret = cgroup_read_value_begin(controller, path, (char *)file, &handle, buf, len);
	if (handle)
		cgroup_read_value_end(&handle);
	return ret == 0 && buf[0] != '\0';
}

/* Reads "key N" from a multi-line value file (v2 cpu.stat). */
static bool cg_read_keyed(const char *controller, const char *path, const char *file,
                          const char *key, uint64_t *value)
{
	void *handle = NULL;
	char line[256];
	size_t kl = strlen(key);
	bool found = false;
	int ret, lines = 0;

	ret = cgroup_read_value_begin(controller, path, (char *)file, &handle, line,
	                              (int)sizeof(line));
	while (ret == 0 && lines++ < 64) {
		size_t l = strlen(line);

		while (l && line[l - 1] == '\n')
			line[--l] = '\0';
		if (l > kl + 1 && memcmp(line, key, kl) == 0 && line[kl] == ' ') {
			found = mti_parse_u64(line + kl + 1, l - kl - 1, value);
			break;
		}
		ret = cgroup_read_value_next(&handle, line, (int)sizeof(line));
	}
	if (handle)
		cgroup_read_value_end(&handle);
	return found;
}

static void read_accounting(const struct mt_cgroup_info *cg, struct mt_accounting *a)
{
	const char *v2 = mti_cgroup_path_for(cg, NULL);
	const char *path;
	char buf[128];
	uint64_t v;
	bool unlimited;

	if ((path = mti_cgroup_path_for(cg, "cpuacct"))) {
		if (cg_read_value("cpuacct", path, "cpuacct.usage", buf, sizeof(buf)) &&
		    mti_parse_cgroup_value(buf, &v, &unlimited) && !unlimited) {
			a->have_cpu = true;
			a->cpu_usage_ns = v;
			a->cgroup_version = 1;
		}
	} else if (v2 && cg_read_keyed("cpu", v2, "cpu.stat", "usage_usec", &v)) {
		a->have_cpu = true;
		a->cpu_usage_ns = v * 1000u;
		a->cgroup_version = 2;
	}
	if ((path = mti_cgroup_path_for(cg, "memory"))) {
		if (cg_read_value("memory", path, "memory.usage_in_bytes", buf, sizeof(buf)) &&
		    mti_parse_cgroup_value(buf, &v, &unlimited) && !unlimited) {
			a->have_memory = true;
			a->memory_bytes = v;
			a->cgroup_version = 1;
		}
		if (cg_read_value("memory", path, "memory.limit_in_bytes", buf, sizeof(buf)) &&
		    mti_parse_cgroup_value(buf, &v, &unlimited) && !unlimited && v < V1_UNLIMITED) {
			a->have_memory_limit = true;
			a->memory_limit = v;
		}
	} else if (v2) {
		if (cg_read_value("memory", v2, "memory.current", buf, sizeof(buf)) &&
		    mti_parse_cgroup_value(buf, &v, &unlimited) && !unlimited) {
			a->have_memory = true;
			a->memory_bytes = v;
			a->cgroup_version = 2;
		}
		if (cg_read_value("memory", v2, "memory.max", buf, sizeof(buf)) &&
		    mti_parse_cgroup_value(buf, &v, &unlimited) && !unlimited) {
			a->have_memory_limit = true;
			a->memory_limit = v;
		}
	}
	path = mti_cgroup_path_for(cg, "pids");
	if (!path)
		path = v2;
	if (path && cg_read_value("pids", path, "pids.current", buf, sizeof(buf)) &&
	    mti_parse_cgroup_value(buf, &v, &unlimited) && !unlimited) {
		a->have_pids = true;
		a->pids = v;
	}
}

/* Collects task IDs with libcgroup; false when no v1 hierarchy served. */
static bool tasks_libcgroup(const struct mt_cgroup_info *cg, pid_t **tids, size_t *n, size_t *cap,
                            bool *truncated)
{
	static const char *const controllers[] = {"pids", "memory", "cpuacct", "cpu"};
	size_t i;

	for (i = 0; i < MTI_ARRAY_LEN(controllers); i++) {
		const char *path = mti_cgroup_path_for(cg, controllers[i]);
		void *handle = NULL;
		pid_t tid;
		int ret;

		if (!path)
			continue;
		ret = cgroup_get_task_begin(path, controllers[i], &handle, &tid);
		if (ret != 0 && ret != ECGEOF) {
			if (handle)
				cgroup_get_task_end(&handle);
			continue;
		}
		while (ret == 0) {
			if (*n >= TASKS_MAX) {
				*truncated = true;
				break;
			}
			if (mti_grow((void **)tids, cap, *n + 1, sizeof(**tids)))
				break;
			(*tids)[(*n)++] = tid;
			ret = cgroup_get_task_next(&handle, &tid);
		}
		if (handle)
			cgroup_get_task_end(&handle);
		return true;
	}
	return false;
}

/* The cgroup2 mount point from our own mount table, or NULL. */
static char *cgroup2_mount_point(const struct mti_host *h)
{
	struct mti_buf b;
	struct mti_mounts m = {NULL, 0};
	char *mp = NULL;
	size_t i;
	int self = openat(h->pfs.root_fd, "self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (self < 0)
		return NULL;
	mti_buf_init(&b);
	if (!mti_read_at(self, "mountinfo", MTI_CAP_MOUNTINFO, &b, NULL) &&
	    !mti_mounts_parse(b.data, b.len, &m)) {
		for (i = 0; i < m.n; i++) {
			if (strcmp(m.v[i].fstype, "cgroup2") == 0) {
				mp = mti_strdup(m.v[i].mount_point);
				break;
			}
		}
	}
	mti_mounts_free(&m);
	mti_buf_free(&b);
	close(self);
	return mp;
}

/* Reads cgroup.procs of the v2 cgroup directly (pure v2 hosts). */
static bool tasks_v2(const struct mti_host *h, const struct mt_cgroup_info *cg, pid_t **tids,
                     size_t *n, size_t *cap, bool *truncated)
{
	const char *path = mti_cgroup_path_for(cg, NULL);
	char *mp, *dir;
	struct mti_buf b;
	const char *p, *end;
	int dfd;
	bool ok = false;

	if (!path || mti_str_starts(path, "/.."))
		return false;
	mp = cgroup2_mount_point(h);
	if (!mp)
		return false;
	dir = mti_asprintf("%s%s", mp, path);
	free(mp);
	if (!dir)
		return false;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd < 0)
		return false;
	mti_buf_init(&b);
	if (mti_read_at(dfd, "cgroup.procs", 4u * 1024u * 1024u, &b, truncated) == MT_OK) {
		ok = true;
		for (p = b.data, end = b.data + b.len; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
			uint64_t v;

			if (*n >= TASKS_MAX) {
				*truncated = true;
				break;
			}
			if (mti_parse_u64(p, l, &v) && v > 0 && v <= 0x7fffffff &&
			    !mti_grow((void **)tids, cap, *n + 1, sizeof(**tids)))
				(*tids)[(*n)++] = (pid_t)v;
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	mti_buf_free(&b);
	close(dfd);
	return ok;
}

/* Reads one thread-group leader into m; false for threads and the gone. */
static enum mt_err read_member(struct mti_host *h, pid_t tid, struct mt_member *m,
                               struct mti_buf *b)
{
	struct mti_status status;
	struct mti_stat st;
	char *link = NULL;
	int dfd;
	enum mt_err err;

	memset(m, 0, sizeof(*m));
	if (mti_proc_open_pid(&h->pfs, tid, &dfd))
		return MT_ERR_NOT_FOUND;
	err = mti_read_at(dfd, "status", MTI_CAP_SMALL, b, NULL);
	if (err || mti_parse_status(b->data, b->len, &status) || status.tgid != tid) {
		close(dfd);
		return err == MT_ERR_NOMEM ? err : MT_ERR_NOT_FOUND;
	}
	err = mti_read_at(dfd, "stat", MTI_CAP_SMALL, b, NULL);
	if (err || b->len == 0 || mti_parse_stat(b->data, b->len, &st)) {
		close(dfd);
		return err == MT_ERR_NOMEM ? err : MT_ERR_NOT_FOUND;
	}
	m->pid = tid;
	m->ppid = st.ppid;
	m->state = st.state;
	if (h->clk_tck > 0)
		m->cpu_ms =
		    (uint64_t)((st.utime + st.stime) * 1000ull / (unsigned long long)h->clk_tck);
	m->comm = mti_strndup(st.comm, st.comm_len);
	if (!m->comm) {
		close(dfd);
		return MT_ERR_NOMEM;
	}
	err = mti_readlink_at(dfd, "exe", &link);
	close(dfd);
	if (err == MT_ERR_NOMEM) {
		mti_member_clear(m);
		return err;
	}
	if (!err) {
		if (mti_str_ends(link, " (deleted)")) {
			m->exe_deleted = true;
			link[strlen(link) - strlen(" (deleted)")] = '\0';
		}
		m->exe_path = link;
	}
	return MT_OK;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* A PID, the key, against a member's. */
static int cmp_member_pid(const void *key, const void *member)
{
	return cmp_pid(key, &((const struct mt_member *)member)->pid);
}

bool mti_members_one_tree(const struct mt_container *c)
{
	size_t i, roots = 0;

	if (!c->have_members || c->members_truncated || !c->n_members)
		return false;
	/* the members are sorted by PID (mti_members_read) */
	for (i = 0; i < c->n_members; i++)
		if (!bsearch(&c->members[i].ppid, c->members, c->n_members, sizeof(*c->members),
		             cmp_member_pid) &&
		    ++roots > 1)
			return false;
	return true;
}

enum mt_err mti_members_read(struct mti_host *h, struct mt_trace *t, const struct mt_process *ref,
                             struct mt_container *c)
{
	pid_t *tids = NULL;
	size_t n = 0, cap = 0, mcap = 0, i;
	bool truncated = false, listed;
	struct mti_buf b;
	enum mt_err err = MT_OK;

	if (!h->pfs.live) {
		mti_warn(t, MT_ERR_UNSUPPORTED, 0, "cgroup",
		         "a captured /proc tree: the container's other processes and its "
		         "accounting are not available");
		return MT_OK;
	}
	if (ref->cgroup.scope != MT_SCOPE_CONTAINER) {
		mti_warn(t, MT_ERR_NOT_FOUND, ref->pid, "cgroup",
		         "the container's cgroup is not visible from here: its other "
		         "processes and accounting are not listed");
		return MT_OK;
	}
	err = mti_host_cgroup_init(h);
	if (err) {
		mti_warn(t, err, 0, "cgroup", "libcgroup could not be initialised: %s",
		         mt_strerror(err));
		return err == MT_ERR_NOMEM ? err : MT_OK;
	}
	read_accounting(&ref->cgroup, &c->acct);
	listed = tasks_libcgroup(&ref->cgroup, &tids, &n, &cap, &truncated);
	if (!listed)
		listed = tasks_v2(h, &ref->cgroup, &tids, &n, &cap, &truncated);
	if (!listed) {
		mti_warn(t, MT_ERR_NOT_FOUND, ref->pid, "cgroup",
		         "the tasks of cgroup %s could not be listed", ref->cgroup.path);
		goto out;
	}
	if (n)
		qsort(tids, n, sizeof(*tids), cmp_pid);
	mti_buf_init(&b);
	for (i = 0; i < n; i++) {
		struct mt_member m;

		if (i > 0 && tids[i] == tids[i - 1])
			continue;
		if (c->n_members >= MTI_MEMBERS_MAX) {
			truncated = true;
			break;
		}
		err = read_member(h, tids[i], &m, &b);
		if (err == MT_ERR_NOMEM)
			break;
		if (err) {
			err = MT_OK;
			continue;
		}
		err = mti_grow((void **)&c->members, &mcap, c->n_members + 1, sizeof(*c->members));
		if (err) {
			mti_member_clear(&m);
			break;
		}
		c->members[c->n_members++] = m;
	}
	mti_buf_free(&b);
	c->have_members = true;
	c->members_truncated = truncated;
out:
	free(tids);
	return err;
}
