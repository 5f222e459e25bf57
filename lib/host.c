/* The host we run on, read once per session. */
#include "host.h"

#include <fcntl.h>
#include <libcgroup.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_parse.h"
#include "trace_model.h"
#include "util.h"

/* Reads a one-line file under the proc root, without its newline. */
static char *read_line_at(int root_fd, const char *name)
{
	struct mti_buf b;
	char *s = NULL;

	mti_buf_init(&b);
	if (mti_read_at(root_fd, name, 4096, &b, NULL) == MT_OK) {
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
			b.data[--b.len] = '\0';
		s = mti_buf_steal(&b);
	}
	mti_buf_free(&b);
	return s;
}

/* Our own namespaces, through <proc root>/self (0 where unknown). */
static void read_self_ns(struct mti_host *h)
{
	int self = openat(h->pfs.root_fd, "self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (self < 0)
		return;
	h->self_ns_pid = mti_read_ns(self, "pid");
	h->self_ns_mnt = mti_read_ns(self, "mnt");
	h->self_ns_cgroup = mti_read_ns(self, "cgroup");
	close(self);
}

enum mt_err mti_host_open(const char *proc_root, const char *etc_root, struct mti_host *h)
{
	struct mti_buf b;
	enum mt_err err;

	memset(h, 0, sizeof(*h));
	h->pfs.root_fd = -1;
	h->etc_root = mti_strdup(etc_root);
	if (!h->etc_root)
		return MT_ERR_NOMEM;
	err = mti_procfs_open(proc_root, &h->pfs);
	if (err) {
		mti_host_close(h);
		return err;
	}
	h->clk_tck = sysconf(_SC_CLK_TCK);
	h->page_size = sysconf(_SC_PAGESIZE);
	mti_buf_init(&b);
	if (mti_read_at(h->pfs.root_fd, "stat", 1024u * 1024u, &b, NULL) == MT_OK &&
	    mti_parse_btime(b.data, b.len, &h->btime) == MT_OK)
		h->have_btime = true;
	mti_buf_free(&b);
	h->hostname = read_line_at(h->pfs.root_fd, "sys/kernel/hostname");
	h->kernel = read_line_at(h->pfs.root_fd, "sys/kernel/osrelease");
	h->boot_id = read_line_at(h->pfs.root_fd, "sys/kernel/random/boot_id");
	read_self_ns(h);
	return MT_OK;
}

void mti_host_close(struct mti_host *h)
{
	if (h->pfs.root)
		mti_procfs_close(&h->pfs);
	mti_passwd_free(&h->users);
	mti_preload_clear(&h->preload);
	free(h->etc_root);
	free(h->hostname);
	free(h->kernel);
	free(h->boot_id);
	memset(h, 0, sizeof(*h));
	h->pfs.root_fd = -1;
}

void mti_host_set_preload(struct mti_host *h, struct mt_preload_report *report)
{
	mti_preload_clear(&h->preload);
	h->preload = *report;
	memset(report, 0, sizeof(*report));
	/* The rootkit itself is evidence. Out of memory, the list stays short:
	 * the rest of the report does not depend on it. */
	if (h->preload.detected)
		mti_preload_libraries(&h->preload);
}

const char *mti_host_user(struct mti_host *h, uid_t uid)
{
	if (!h->users_loaded) {
		h->users_loaded = true;
		mti_passwd_load(h->etc_root, &h->users);
	}
	return mti_passwd_name(&h->users, uid);
}

/* libcgroup's default logger writes to stdout; the library never prints. */
static void cgroup_quiet_logger(void *userdata, int level, const char *fmt, va_list ap)
{
	(void)userdata;
	(void)level;
	(void)fmt;
	(void)ap;
}

enum mt_err mti_host_cgroup_init(struct mti_host *h)
{
	if (!h->cgroup_tried) {
		int ret;

		h->cgroup_tried = true;
		cgroup_set_logger(cgroup_quiet_logger, CGROUP_LOG_ERROR, NULL);
		ret = cgroup_init();
		h->cgroup_err = ret == 0 ? MT_OK : MT_ERR_UNSUPPORTED;
	}
	return h->cgroup_err;
}

int64_t mti_start_time_ms(const struct mti_host *h, unsigned long long start_ticks)
{
	if (!h->have_btime || h->clk_tck <= 0)
		return -1;
	return (int64_t)h->btime * 1000 +
	       (int64_t)(start_ticks * 1000ull / (unsigned long long)h->clk_tck);
}

enum mt_err mti_evidence_fill(const struct mti_host *h, struct mt_evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->collected_at_ms = mti_now_ms();
	ev->uid = getuid();
	ev->euid = geteuid();
	ev->live = h->pfs.live;
	ev->btime = h->btime;
	ev->clk_tck = h->clk_tck;
	if ((h->hostname && !(ev->hostname = mti_strdup(h->hostname))) ||
	    (h->kernel && !(ev->kernel = mti_strdup(h->kernel))) ||
	    (h->boot_id && !(ev->boot_id = mti_strdup(h->boot_id))) ||
	    !(ev->proc_root = mti_strdup(h->pfs.root)) ||
	    mti_preload_copy(&h->preload, &ev->preload)) {
		mti_evidence_clear(ev);
		return MT_ERR_NOMEM;
	}
	return MT_OK;
}
