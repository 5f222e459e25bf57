/* The session: what several traces of one run share. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "persistence.h"
#include "spread.h"
#include "proc_parse.h"
#include "trace_model.h"
#include "util.h"

void mt_options_init(struct mt_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->engine_timeout_ms = 2000;
	opts->engine_max_reply = 16u * 1024u * 1024u;
}

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

static uint64_t self_ns(int root_fd, const char *name)
{
	char path[32], *link = NULL;
	uint64_t ino = 0;

	snprintf(path, sizeof(path), "self/ns/%s", name);
	if (mti_readlink_at(root_fd, path, &link) == MT_OK)
		mti_parse_ns_link(link, &ino);
	free(link);
	return ino;
}

static void set_detail(char *detail, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_detail(char *detail, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!detail || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, len, fmt, ap);
	va_end(ap);
}

enum mt_err mt_session_new(const struct mt_options *opts, struct mt_session **out, char *detail,
                           size_t detail_len)
{
	struct mt_session *s;
	struct mti_buf b;
	enum mt_err err;

	*out = NULL;
	set_detail(detail, detail_len, "%s", "");
	s = calloc(1, sizeof(*s));
	if (!s)
		return MT_ERR_NOMEM;
	s->pfs.root_fd = -1;
	if (opts)
		s->opts = *opts;
	else
		mt_options_init(&s->opts);
	if (s->opts.engine_timeout_ms <= 0)
		s->opts.engine_timeout_ms = 2000;
	if (!s->opts.engine_max_reply)
		s->opts.engine_max_reply = 16u * 1024u * 1024u;
	s->proc_root = mti_strdup(s->opts.proc_root ? s->opts.proc_root : "/proc");
	s->etc_root = mti_strdup(s->opts.etc_root ? s->opts.etc_root : "/etc");
	s->endpoint = mti_strdup(s->opts.engine_endpoint);
	if (!s->proc_root || !s->etc_root || (s->opts.engine_endpoint && !s->endpoint)) {
		mt_session_free(s);
		return MT_ERR_NOMEM;
	}
	s->opts.proc_root = s->proc_root;
	s->opts.etc_root = s->etc_root;
	s->opts.engine_endpoint = s->endpoint;
	err = mti_procfs_open(s->proc_root, &s->pfs);
	if (err) {
		set_detail(detail, detail_len, "%s: %s", s->proc_root,
		           err == MT_ERR_NO_PROCESS ? "no such directory" : mt_strerror(err));
		mt_session_free(s);
		return err == MT_ERR_NO_PROCESS ? MT_ERR_IO : err;
	}
	s->clk_tck = sysconf(_SC_CLK_TCK);
	s->page_size = sysconf(_SC_PAGESIZE);
	mti_buf_init(&b);
	if (mti_read_at(s->pfs.root_fd, "stat", 1024u * 1024u, &b, NULL) == MT_OK &&
	    mti_parse_btime(b.data, b.len, &s->btime) == MT_OK)
		s->have_btime = true;
	mti_buf_free(&b);
	s->hostname = read_line_at(s->pfs.root_fd, "sys/kernel/hostname");
	s->kernel = read_line_at(s->pfs.root_fd, "sys/kernel/osrelease");
	s->boot_id = read_line_at(s->pfs.root_fd, "sys/kernel/random/boot_id");
	s->self_ns_pid = self_ns(s->pfs.root_fd, "pid");
	s->self_ns_mnt = self_ns(s->pfs.root_fd, "mnt");
	s->self_ns_cgroup = self_ns(s->pfs.root_fd, "cgroup");
	*out = s;
	return MT_OK;
}

void mt_session_free(struct mt_session *s)
{
	if (!s)
		return;
	mti_engine_free(s->engine);
	mti_host_files_free(s->host_files);
	mti_exe_index_free(s->exe_index);
	if (s->pfs.root)
		mti_procfs_close(&s->pfs);
	mti_passwd_free(&s->users);
	mti_preload_clear(&s->preload);
	free(s->proc_root);
	free(s->etc_root);
	free(s->endpoint);
	free(s->hostname);
	free(s->kernel);
	free(s->boot_id);
	free(s);
}

void mt_session_set_preload(struct mt_session *s, struct mt_preload_report *report)
{
	if (!s || !report)
		return;
	mti_preload_clear(&s->preload);
	s->preload = *report;
	memset(report, 0, sizeof(*report));
	/* The rootkit itself is evidence. Out of memory, the list stays short:
	 * the rest of the report does not depend on it. */
	if (s->preload.detected)
		mti_preload_libraries(&s->preload);
}

unsigned mt_session_engine_requests(const struct mt_session *s)
{
	return s ? mti_engine_requests(s->engine) : 0;
}

const char *mti_session_user(struct mt_session *s, uid_t uid)
{
	if (!s->users_loaded) {
		s->users_loaded = true;
		mti_passwd_load(s->etc_root, &s->users);
	}
	return mti_passwd_name(&s->users, uid);
}

/* libcgroup's default logger writes to stdout; the library never prints. */
static void cgroup_quiet_logger(void *userdata, int level, const char *fmt, va_list ap)
{
	(void)userdata;
	(void)level;
	(void)fmt;
	(void)ap;
}

enum mt_err mti_session_cgroup_init(struct mt_session *s)
{
	if (!s->cgroup_tried) {
		int ret;

		s->cgroup_tried = true;
		cgroup_set_logger(cgroup_quiet_logger, CGROUP_LOG_ERROR, NULL);
		ret = cgroup_init();
		s->cgroup_err = ret == 0 ? MT_OK : MT_ERR_UNSUPPORTED;
	}
	return s->cgroup_err;
}

enum mt_err mti_evidence_fill(struct mt_session *s, struct mt_evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->collected_at_ms = mti_now_ms();
	ev->uid = getuid();
	ev->euid = geteuid();
	ev->live = s->pfs.live;
	ev->btime = s->btime;
	ev->clk_tck = s->clk_tck;
	if ((s->hostname && !(ev->hostname = mti_strdup(s->hostname))) ||
	    (s->kernel && !(ev->kernel = mti_strdup(s->kernel))) ||
	    (s->boot_id && !(ev->boot_id = mti_strdup(s->boot_id))) ||
	    !(ev->proc_root = mti_strdup(s->pfs.root)) ||
	    mti_preload_copy(&s->preload, &ev->preload)) {
		mti_evidence_clear(ev);
		return MT_ERR_NOMEM;
	}
	return MT_OK;
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
