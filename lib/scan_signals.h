/* The scan's signals: what makes one sampled process a candidate and how
 * many points it scores. The signals and their points are entries of the
 * rules catalogue (rules.h); this file detects them in /proc and in a
 * candidate's trace. */
#ifndef MTI_SCAN_SIGNALS_H
#define MTI_SCAN_SIGNALS_H

#include <minertrace/minertrace.h>

#include "netconn.h"
#include "host.h"
#include "rules.h"
#include "scan_sample.h"
#include "signatures.h"
#include "util.h"

/* What the signals read with, one per scan. */
struct mti_scan_signals {
	struct mti_host *host;
	struct mti_signatures sigs;
	struct mti_buf buf; /* the calling thread's */
	/* network tables by namespace */
	uint64_t *net_ns;
	struct mti_tcp_table *net;
	size_t n_net;
};

/* One process that showed a signal (or is kept anyway). */
struct mti_candidate {
	struct mti_sample s;
	double cpu; /* % of one core */
	char **argv;
	size_t argc;
	char *exe; /* the exe link, " (deleted)" kept */
	struct mt_signal *signals;
	size_t n_signals;
	int score; /* the points of its signals, uncapped */
	bool hidden;
	struct mt_cgroup_info cgroup; /* scope MT_SCOPE_UNKNOWN until read */
};

/* Starts x for the host with the built-in signatures and those of
 * o->signatures_file. MT_OK, MT_ERR_NOMEM, an error opening the file or
 * MT_ERR_PARSE (detail says which line). Free with mti_scan_signals_free,
 * also after an error. */
enum mt_err mti_scan_signals_init(struct mti_scan_signals *x, struct mti_host *host,
                                  const struct mt_scan_options *o, char *detail, size_t detail_len);
void mti_scan_signals_free(struct mti_scan_signals *x);

/* Adds signal id with the scan's words (from args) to c, and its points to
 * c's score; a second signal of the same id is dropped. MT_OK or
 * MT_ERR_NOMEM. */
enum mt_err mti_candidate_signal(struct mti_candidate *c, enum mti_rule_id id,
                                 const char *const *args);

/* The cheap part of examining one process, safe on any worker thread (it
 * reads through buf and writes only c): CPU between the samples before (or
 * NULL) and now over interval_s, the command line (pre's, taken over, when
 * read ahead), the exe link, and the signals they show. c is filled in
 * every case; free it with mti_candidate_clear. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_scan_examine_cheap(const struct mti_scan_signals *x, struct mti_buf *buf,
                                   const struct mti_sample *now, const struct mti_sample *before,
                                   struct mti_scan_args *pre, double interval_s, bool hidden,
                                   struct mti_candidate *c);

/* Signals worth their cost for candidates only, on the calling thread:
 * the process read through process.c (its cgroup into c, its network
 * namespace), LD_PRELOAD, pool-port connections, the container's
 * /etc/ld.so.preload. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_scan_costly_signals(struct mti_scan_signals *x, struct mti_candidate *c);

/* Adds what the trace t of c knows: the writable layer, a way in from
 * outside. MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_scan_trace_signals(struct mti_candidate *c, const struct mt_trace *t);

/* The most points mti_scan_trace_signals can add. */
int mti_scan_trace_points(void);

void mti_candidate_clear(struct mti_candidate *c);

#endif
