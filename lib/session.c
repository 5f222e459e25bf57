/* The session: what several traces of one run share. */
#include "session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct mt_session {
	struct mt_options opts; /* strings below are our own copies */
	char *proc_root;
	char *etc_root;
	char *endpoint;
	char *runtime_endpoint;
	struct mti_host host;
	struct mti_runtime *runtime;       /* created on first use */
	struct mti_host_files *host_files; /* the host's persistence places, read once */
	struct mti_exe_index *exe_index;   /* every process's executable, listed once */
};

void mt_options_init(struct mt_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->engine_timeout_ms = 2000;
	opts->engine_max_reply = 16u * 1024u * 1024u;
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
	enum mt_err err;

	*out = NULL;
	set_detail(detail, detail_len, "%s", "");
	s = calloc(1, sizeof(*s));
	if (!s)
		return MT_ERR_NOMEM;
	s->host.pfs.root_fd = -1;
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
	s->runtime_endpoint = mti_strdup(s->opts.runtime_endpoint);
	if (!s->proc_root || !s->etc_root || (s->opts.engine_endpoint && !s->endpoint) ||
	    (s->opts.runtime_endpoint && !s->runtime_endpoint)) {
		mt_session_free(s);
		return MT_ERR_NOMEM;
	}
	s->opts.proc_root = s->proc_root;
	s->opts.etc_root = s->etc_root;
	s->opts.engine_endpoint = s->endpoint;
	s->opts.runtime_endpoint = s->runtime_endpoint;
	err = mti_host_open(s->proc_root, s->etc_root, &s->host);
	if (err) {
		set_detail(detail, detail_len, "%s: %s", s->proc_root,
		           err == MT_ERR_NO_PROCESS ? "no such directory" : mt_strerror(err));
		mt_session_free(s);
		return err == MT_ERR_NO_PROCESS ? MT_ERR_IO : err;
	}
	*out = s;
	return MT_OK;
}

void mt_session_free(struct mt_session *s)
{
	if (!s)
		return;
	mti_runtime_free(s->runtime);
	mti_host_files_free(s->host_files);
	mti_exe_index_free(s->exe_index);
	mti_host_close(&s->host);
	free(s->proc_root);
	free(s->etc_root);
	free(s->endpoint);
	free(s->runtime_endpoint);
	free(s);
}

void mt_session_set_preload(struct mt_session *s, struct mt_preload_report *report)
{
	if (!s || !report)
		return;
	mti_host_set_preload(&s->host, report);
}

unsigned mt_session_engine_requests(const struct mt_session *s)
{
	return s ? mti_runtime_requests(s->runtime) : 0;
}

const struct mt_options *mti_session_options(const struct mt_session *s)
{
	return &s->opts;
}

struct mti_host *mti_session_host(struct mt_session *s)
{
	return &s->host;
}

enum mt_err mti_session_runtime(struct mt_session *s, struct mti_runtime **rt)
{
	struct mti_runtime_config cfg = {
	    .endpoint = s->opts.engine_endpoint,
	    .runtime_endpoint = s->opts.runtime_endpoint,
	    .timeout_ms = s->opts.engine_timeout_ms,
	    .max_reply = s->opts.engine_max_reply,
	    .live = s->host.pfs.live,
	    .have_btime = s->host.have_btime,
	    .btime = s->host.btime,
	};
	enum mt_err err = MT_OK;

	if (!s->runtime && !s->opts.no_engine)
		err = mti_runtime_new(&cfg, &s->runtime);
	*rt = s->runtime;
	return err;
}

struct mti_host_files **mti_session_host_files(struct mt_session *s)
{
	return &s->host_files;
}

struct mti_exe_index **mti_session_exe_index(struct mt_session *s)
{
	return &s->exe_index;
}
