/* minertrace scan: find the miners on a host, trace each to its container.
 *
 * Samples the CPU time of every process over an interval (like top), scores
 * each process on miner signals (CPU, known names, command-line giveaways,
 * pool-port connections, deleted or fileless or /tmp executables, preload
 * tricks, respawning) and traces every process over a threshold with the
 * whole trace of mt_trace_pid, asking the engine once per distinct
 * container. Part of minertrace.h.
 */
#ifndef MINERTRACE_SCAN_H
#define MINERTRACE_SCAN_H

#include <stdio.h>

#include <minertrace/model.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mt_session;
struct mt_render_options;

#define MT_SCAN_SCHEMA "minertrace-scan/1"

struct mt_scan_options {
	double interval_s;           /* CPU sampling interval; default 1 */
	int min_score;               /* report processes scoring this or more; default 40 */
	size_t top;                  /* at most this many findings; 0 = all */
	const char *signatures_file; /* more "KIND VALUE" lines (see lib/miner-signatures.txt) */
	bool no_hidden_probe;        /* skip probing every PID for hidden processes */
	/* Called about ten times a second while sampling (done: 0..1); may be NULL. */
	void (*progress)(double done, void *user);
	void *progress_user;
};

void mt_scan_options_init(struct mt_scan_options *o);

struct mt_finding {
	pid_t pid;
	pid_t ppid;
	char *comm;
	int score;                 /* 0..100 */
	double cpu_core_percent;   /* share of one core over the interval */
	double cpu_host_percent;   /* share of the whole host */
	bool hidden;               /* answers a probe but not in the /proc listing */
	struct mt_signal *signals; /* each with the points it adds to the score */
	size_t n_signals;
	struct mt_trace *trace; /* the full trace, NULL when it could not be made */
};

struct mt_scan {
	struct mt_evidence evidence;
	double interval_s;
	int min_score;
	unsigned cpus;
	size_t processes;  /* processes sampled: the last listing and the hidden */
	size_t candidates; /* processes with any signal */
	size_t traced;     /* processes traced */
	size_t containers; /* distinct containers among the traced */
	unsigned engine_requests;
	double scan_ms;              /* time spent, the sampling interval excluded */
	struct mt_finding *findings; /* score >= min_score, highest first */
	size_t n_findings;
	char *host_preload; /* what the host's /etc/ld.so.preload lists, or NULL */
	pid_t *hidden;      /* PIDs hidden from the /proc listing */
	size_t n_hidden;
	struct mt_warning *warnings;
	size_t n_warnings;
};

/* Scans the host into *out (free with mt_scan_free). Returns MT_OK,
 * MT_ERR_NOMEM, MT_ERR_INVALID_ARG, or MT_ERR_PARSE for a bad signatures
 * file (detail says which line). */
enum mt_err mt_scan_run(struct mt_session *s, const struct mt_scan_options *o, struct mt_scan **out,
                        char *detail, size_t detail_len);
void mt_scan_free(struct mt_scan *scan);

enum mt_err mt_render_scan_text(const struct mt_scan *scan, const struct mt_render_options *ro,
                                FILE *out);
enum mt_err mt_render_scan_json(const struct mt_scan *scan, const struct mt_render_options *ro,
                                FILE *out);
enum mt_err mt_render_scan_markdown(const struct mt_scan *scan, const struct mt_render_options *ro,
                                    FILE *out);

#ifdef __cplusplus
}
#endif

#endif
