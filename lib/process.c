/* Reading one process from /proc into the model.
 *
 * Every file comes through one directory fd opened at the start, so all the
 * facts belong to the same process even if its PID is reused meanwhile: the
 * kernel answers ESRCH for files of a process that is gone.
 */
#include "process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_path.h"
#include "exe.h"
#include "trace_model.h"
#include "util.h"

enum mt_err mti_process_restat(int dirfd, struct mti_stat *st, struct mti_buf *scratch)
{
	enum mt_err err = mti_read_at(dirfd, "stat", MTI_CAP_SMALL, scratch, NULL);

	if (err)
		return err == MT_ERR_NOMEM ? err : MT_ERR_VANISHED;
	if (scratch->len == 0)
		return MT_ERR_VANISHED;
	return mti_parse_stat(scratch->data, scratch->len, st) ? MT_ERR_VANISHED : MT_OK;
}

/* Notes a read problem; returns true when the process is gone. In a
 * captured tree a missing file is only missing: the capture left it out. */
static bool note_failure(const struct mti_host *h, struct mt_trace *t, struct mt_process *p,
                         enum mt_err err, const char *what)
{
	if (err == MT_ERR_VANISHED && !h->pfs.live) {
		mti_warn(t, MT_ERR_NOT_FOUND, p->pid, what, "%s is missing from the captured tree",
		         what);
		return false;
	}
	if (err == MT_ERR_VANISHED) {
		p->vanished = true;
		return true;
	}
	mti_warn(t, err, p->pid, what, "cannot read %s: %s", what, mt_strerror(err));
	return false;
}

static enum mt_err read_stat_into(struct mti_host *h, struct mt_trace *t, int dirfd, pid_t pid,
                                  struct mt_process *p, struct mti_buf *b)
{
	struct mti_stat st;
	enum mt_err err = mti_read_at(dirfd, "stat", MTI_CAP_SMALL, b, NULL);

	if (err == MT_ERR_VANISHED || (!err && b->len == 0))
		return MT_ERR_NO_PROCESS;
	if (err == MT_ERR_NOT_REGULAR)
		mti_warn(t, err, pid, "stat", "cannot read stat: %s", mt_strerror(err));
	if (err)
		return err;
	if (mti_parse_stat(b->data, b->len, &st)) {
		mti_warn(t, MT_ERR_PARSE, pid, "stat", "unparseable /proc/%d/stat", (int)pid);
		return MT_ERR_PARSE;
	}
	if (st.pid != pid) {
		mti_warn(t, MT_ERR_PARSE, pid, "stat", "/proc/%d/stat names PID %d", (int)pid,
		         (int)st.pid);
		return MT_ERR_PARSE;
	}
	p->pid = pid;
	p->comm = mti_strndup(st.comm, st.comm_len);
	if (!p->comm)
		return MT_ERR_NOMEM;
	p->state = st.state;
	p->ppid = st.ppid;
	p->start_ticks = st.starttime;
	p->start_time_ms = mti_start_time_ms(h, st.starttime);
	p->kernel_thread = (st.flags & MTI_PF_KTHREAD) != 0;
	p->threads = st.num_threads > 0 ? (unsigned)st.num_threads : 0;
	if (h->clk_tck > 0)
		p->cpu_ms =
		    (uint64_t)((st.utime + st.stime) * 1000ull / (unsigned long long)h->clk_tck);
	if (h->page_size > 0)
		p->rss_kb = st.rss_pages * (unsigned long long)h->page_size / 1024u;
	return MT_OK;
}

enum mt_err mti_process_read(struct mti_host *h, struct mt_trace *t, pid_t pid,
                             const struct mti_process_want *want, struct mt_process *p,
                             int *dirfd_out, int *exe_fd)
{
	struct mti_buf b;
	struct mti_status status;
	enum mt_err err;
	int dirfd = -1;
	const char *user;

	memset(p, 0, sizeof(*p));
	p->container_index = -1;
	p->start_time_ms = -1;
	if (dirfd_out)
		*dirfd_out = -1;
	if (exe_fd)
		*exe_fd = -1;
	mti_buf_init(&b);
	err = mti_proc_open_pid(&h->pfs, pid, &dirfd);
	if (err)
		goto out;
	err = read_stat_into(h, t, dirfd, pid, p, &b);
	if (err)
		goto out;

	err = mti_read_at(dirfd, "status", MTI_CAP_SMALL, &b, NULL);
	if (err == MT_ERR_NOMEM)
		goto out;
	if (err) {
		if (note_failure(h, t, p, err, "status"))
			goto done;
	} else {
		mti_parse_status(b.data, b.len, &status);
		if (status.have_uid) {
			p->have_ids = true;
			memcpy(p->uid, status.uid, sizeof(p->uid));
			user = mti_host_user(h, p->uid[0]);
			if (user && !(p->user = mti_strdup(user))) {
				err = MT_ERR_NOMEM;
				goto out;
			}
		}
		if (status.have_gid)
			memcpy(p->gid, status.gid, sizeof(p->gid));
		p->tgid = status.tgid;
		memcpy(p->nspid, status.nspid, sizeof(p->nspid));
		p->n_nspid = status.n_nspid;
		if (status.threads)
			p->threads = status.threads;
		if (status.have_rss)
			p->rss_kb = status.vm_rss_kb;
	}

	if (want->cmdline && !p->kernel_thread) {
		bool trunc = false, trunc_items = false;

		err = mti_read_at(dirfd, "cmdline", MTI_CAP_CMDLINE, &b, &trunc);
		if (err == MT_ERR_NOMEM)
			goto out;
		if (err) {
			if (note_failure(h, t, p, err, "cmdline"))
				goto done;
		} else {
			err = mti_split_nul(b.data, b.len, MTI_ARGV_MAX_ITEMS, &p->argv, &p->argc,
			                    &trunc_items);
			if (err)
				goto out;
			p->argv_truncated = trunc || trunc_items;
		}
	}
	if (want->cwd && !p->kernel_thread) {
		err = mti_readlink_at(dirfd, "cwd", &p->cwd);
		if (err == MT_ERR_NOMEM)
			goto out;
		if (err && (err != MT_ERR_VANISHED || !h->pfs.live))
			note_failure(h, t, p, err, "cwd");
	}
	if (want->namespaces) {
		p->ns_pid = mti_read_ns(dirfd, "pid");
		p->ns_mnt = mti_read_ns(dirfd, "mnt");
		p->ns_cgroup = mti_read_ns(dirfd, "cgroup");
		p->ns_net = mti_read_ns(dirfd, "net");
		p->ns_user = mti_read_ns(dirfd, "user");
	}
	if (want->cgroup) {
		err = mti_read_at(dirfd, "cgroup", MTI_CAP_SMALL, &b, NULL);
		if (err == MT_ERR_NOMEM)
			goto out;
		if (err) {
			if (note_failure(h, t, p, err, "cgroup"))
				goto done;
		} else {
			err = mti_cgroup_parse(b.data, b.len, &p->cgroup);
			if (err == MT_ERR_NOMEM)
				goto out;
			if (err)
				mti_warn(t, err, pid, "cgroup", "%s /proc/%d/cgroup",
				         b.len ? "unparseable" : "empty", (int)pid);
		}
	}
	if (want->exe && !p->kernel_thread) {
		err = mti_exe_read(&h->pfs, t, dirfd, pid, p->comm, want->hash, exe_fd, &p->exe);
		if (err == MT_ERR_NOMEM)
			goto out;
		if (err == MT_ERR_VANISHED)
			note_failure(h, t, p, err, "exe");
	}
done:
	err = MT_OK;
	if (dirfd_out) {
		*dirfd_out = dirfd;
		dirfd = -1;
	}
out:
	if (dirfd >= 0)
		close(dirfd);
	mti_buf_free(&b);
	if (err) {
		mti_process_clear(p);
		if (exe_fd && *exe_fd >= 0) {
			close(*exe_fd);
			*exe_fd = -1;
		}
	}
	return err;
}
