/* minertrace - from a host PID to the container, image and entry point behind it.
 *
 * The library collects facts into a struct mt_trace (model.h) and renders
 * them; it never prints on its own, never exits and never aborts. Failures
 * that still leave something to report (a missing engine socket, a process
 * that exited, a file we may not read) become warnings inside the trace.
 */
#ifndef MINERTRACE_H
#define MINERTRACE_H

#include <stdio.h>

#include <minertrace/fleet.h>
#include <minertrace/model.h>
#include <minertrace/preload.h>
#include <minertrace/scan.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MT_VERSION "0.1.0"
#define MT_SCHEMA "minertrace/1"
/* The minor version of the trace and scan documents ("schema_minor"):
 * raised when fields are added; a field never changes within "/1". 1 added
 * the runtime that answered (engine.api, containerd, CRI and CRI-O). */
#define MT_SCHEMA_MINOR 1

/* How this build reaches its libraries, one line for --version: "static;"
 * or "dynamic;", then the libraries and their versions (in the dynamic
 * flavour, the libcurl and libcrypto it was built against: they are not
 * loaded for this). A static string; never NULL. */
const char *mt_build_info(void);

/* Returns a static English description of err; never NULL. */
const char *mt_strerror(enum mt_err err);

/* Returns the stable lower-case name of err used in JSON ("vanished"). */
const char *mt_err_name(enum mt_err err);

/* Which executables of the chain get a SHA-256. */
enum mt_hash_scope {
	MT_HASH_CONTAINER = 0, /* the target and every process inside a container (default) */
	MT_HASH_ALL,           /* also host-side ancestors (runtime shim, host init...) */
	MT_HASH_TARGET,        /* the target only */
	MT_HASH_NONE,
};

struct mt_options {
	const char *proc_root;       /* NULL = "/proc" */
	const char *etc_root;        /* where passwd lives; NULL = "/etc" */
	const char *engine_endpoint; /* "unix:///path" or a path; NULL = auto */
	bool no_engine;              /* never talk to a container engine */
	long engine_timeout_ms;      /* total deadline per run; <= 0 = 2000 */
	size_t engine_max_reply;     /* cap per reply in bytes; 0 = 16 MiB */
	enum mt_hash_scope hash;     /* which executables to hash */
	bool no_members;             /* skip listing the rest of the container */
	/* Registry prefixes the user trusts ("registry.example.com/team/");
	 * the caller keeps the strings alive while the session lives. */
	const char *const *trusted_registries;
	size_t n_trusted_registries;
	/* The CRI runtime's socket ("unix:///path" or a path) for containers
	 * no containerd shim names; NULL = the usual sockets. */
	const char *runtime_endpoint;
};

/* Fills opts with the defaults. */
void mt_options_init(struct mt_options *opts);

/* The configuration file (/etc/minertrace.conf; format in minertrace(1)):
 * "trusted-registry PREFIX" lines, '#' comments. Owns its strings. */
struct mt_config {
	char **trusted_registries;
	size_t n_trusted_registries;
};

/* Reads the configuration file at path into cfg (adding to what it holds;
 * free with mt_config_clear). A missing file is MT_OK unless must_exist.
 * Errors: MT_ERR_PARSE (a line that is not "trusted-registry PREFIX", or a
 * prefix over 512 bytes), MT_ERR_LIMIT (over 256 entries), MT_ERR_TOO_LARGE
 * (over 64 KiB), MT_ERR_INVALID_ARG (not a regular file, or a symbolic
 * link), MT_ERR_NOT_FOUND, MT_ERR_PERMISSION, MT_ERR_IO, MT_ERR_NOMEM; detail
 * (may be NULL) then says which file and line. */
enum mt_err mt_config_read(const char *path, bool must_exist, struct mt_config *cfg, char *detail,
                           size_t detail_len);
/* The same on a buffer; *bad_line (may be NULL) is the line at fault. */
enum mt_err mt_config_parse(const char *text, size_t len, struct mt_config *cfg, size_t *bad_line);
/* Frees what cfg holds; NULL is allowed. */
void mt_config_clear(struct mt_config *cfg);

/* A session holds what several traces share: the proc root, the user table,
 * the engine connection and its per-container cache. */
struct mt_session;

/* Creates a session in *out (caller frees with mt_session_free). On failure
 * *out is NULL and, if detail is not NULL, a message of at most detail_len
 * bytes explains why. Errors: MT_ERR_NOMEM, MT_ERR_INVALID_ARG, MT_ERR_IO. */
enum mt_err mt_session_new(const struct mt_options *opts, struct mt_session **out, char *detail,
                           size_t detail_len);

/* Releases a session; NULL is allowed. */
void mt_session_free(struct mt_session *session);

/* Records what the start-up preload check found (see preload.h); the report
 * is copied into every trace's evidence. Takes ownership of report's strings. */
void mt_session_set_preload(struct mt_session *session, struct mt_preload_report *report);

/* Number of requests this session made to the engine so far. */
unsigned mt_session_engine_requests(const struct mt_session *session);

/* Traces pid into a new trace (*out, caller frees with mt_trace_free).
 * A trace is returned whenever memory allows, also when the PID does not
 * exist (status MT_TRACE_NOT_FOUND) or exits meanwhile (MT_TRACE_VANISHED).
 * Returns MT_OK, MT_ERR_NOMEM or MT_ERR_INVALID_ARG. */
enum mt_err mt_trace_pid(struct mt_session *session, pid_t pid, struct mt_trace **out);

/* Same, but the target must still have start time start_ticks (stat field
 * 22); a different start time means the PID was reused: MT_TRACE_VANISHED. */
enum mt_err mt_trace_pid_checked(struct mt_session *session, pid_t pid,
                                 unsigned long long start_ticks, struct mt_trace **out);

/* Releases a trace and everything it holds; NULL is allowed. */
void mt_trace_free(struct mt_trace *trace);

/* Stable names used in every output. Never NULL. */
const char *mt_role_name(enum mt_role role);
const char *mt_runtime_name(enum mt_runtime runtime);
const char *mt_scope_name(enum mt_cgroup_scope scope);
const char *mt_qos_name(enum mt_qos qos);
const char *mt_origin_name(enum mt_origin_kind kind);
const char *mt_entry_name(enum mt_entry_kind kind);
const char *mt_class_name(enum mt_classification cls);
const char *mt_chain_end_name(enum mt_chain_end end);
const char *mt_status_name(enum mt_trace_status status);
const char *mt_image_source_name(enum mt_image_source source);
const char *mt_change_kind_name(enum mt_change_kind kind);
const char *mt_clock_name(enum mt_clock clock);
const char *mt_time_source_name(enum mt_time_source source);
const char *mt_story_name(enum mt_story_kind kind);
const char *mt_persist_kind_name(enum mt_persist_kind kind);
const char *mt_miner_setting_name(enum mt_miner_setting setting);

/* The first 12 characters of a container ID for people (the whole ID when
 * shorter). Writes into buf (at least 13 bytes) and returns it. */
char *mt_short_id(const char *id, char *buf, size_t buf_len);

/* Writes the evidence of trace t into dir, which is created when absent and
 * refused (MT_ERR_EXISTS) when it holds anything, is not a directory or is a
 * symbolic link (never followed, also with a trailing slash): the
 * executables of the target and of the container's processes copied through
 * /proc/PID/exe (also when deleted), the /proc files of every process of the chain, the
 * engine's raw replies (kept by session s, which traced t), the JSON and
 * Markdown reports, NOTES.txt (what could not be collected) and
 * MANIFEST.sha256. Nothing outside dir is written. *files_written (may be
 * NULL) counts the files; detail (detail_len bytes) says what failed.
 * Returns MT_OK, MT_ERR_EXISTS, MT_ERR_PERMISSION, MT_ERR_IO, MT_ERR_NOMEM. */
enum mt_err mt_collect(struct mt_session *s, const struct mt_trace *t, const char *dir,
                       size_t *files_written, char *detail, size_t detail_len);

/* MT_OK when dir is absent or an empty directory (mt_collect would accept
 * it), MT_ERR_EXISTS when it holds anything, is not a directory or is a
 * symbolic link, MT_ERR_NOT_FOUND when it is absent and has no parent
 * directory to be created in, another error when it cannot be examined;
 * detail (detail_len bytes, may be NULL) says why, starting with dir. */
enum mt_err mt_collect_check_dir(const char *dir, char *detail, size_t detail_len);

enum mt_color {
	MT_COLOR_NEVER = 0,
	MT_COLOR_ALWAYS,
};

struct mt_render_options {
	enum mt_color color;
	unsigned width; /* 0 = unlimited (no truncation) */
	bool pretty;    /* JSON: indented */
};

/* Renderers read a trace and write to out. They return MT_OK or MT_ERR_IO
 * when writing failed, MT_ERR_NOMEM when memory ran out. */
enum mt_err mt_render_text(const struct mt_trace *trace, const struct mt_render_options *ro,
                           FILE *out);
enum mt_err mt_render_json(const struct mt_trace *trace, const struct mt_render_options *ro,
                           FILE *out);
enum mt_err mt_render_markdown(const struct mt_trace *trace, const struct mt_render_options *ro,
                               FILE *out);

#ifdef __cplusplus
}
#endif

#endif
