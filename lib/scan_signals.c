/* The scan's signals: cheap ones for every process (CPU, the name, the
 * command line, the exe link), costly ones for candidates only (LD_PRELOAD,
 * pool-port connections, the container's /etc/ld.so.preload), and those a
 * candidate's trace adds. Which signals there are, their points and their
 * words are the rules catalogue's (rules.c). */
#include "scan_signals.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_path.h"
#include "exe.h"
#include "proc_parse.h"
#include "process.h"
#include "procfs.h"
#include "host.h"
#include "trace_model.h"

enum mt_err mti_scan_signals_init(struct mti_scan_signals *x, struct mti_host *host,
                                  const struct mt_scan_options *o, char *detail, size_t detail_len)
{
	struct mti_buf b;
	size_t bad = 0;
	enum mt_err err;
	int fd;

	memset(x, 0, sizeof(*x));
	x->host = host;
	mti_buf_init(&x->buf);
	err = mti_signatures_builtin(&x->sigs);
	if (err || !o->signatures_file)
		return err;
	fd = open(o->signatures_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = mti_errno_to_err(errno);
		snprintf(detail, detail_len, "%s: %s", o->signatures_file, strerror(errno));
		return err == MT_ERR_VANISHED ? MT_ERR_IO : err;
	}
	mti_buf_init(&b);
	err = mti_read_fd(fd, 4u * 1024u * 1024u, &b, NULL);
	close(fd);
	if (!err)
		err = mti_signatures_parse(&x->sigs, b.data, b.len, &bad);
	if (err)
		snprintf(detail, detail_len, "%s:%zu: not a \"name|arg|algo|port VALUE\" line",
		         o->signatures_file, bad);
	mti_buf_free(&b);
	return err;
}

void mti_scan_signals_free(struct mti_scan_signals *x)
{
	size_t i;

	for (i = 0; i < x->n_net; i++)
		mti_tcp_free(&x->net[i]);
	free(x->net);
	free(x->net_ns);
	mti_signatures_free(&x->sigs);
	mti_buf_free(&x->buf);
	memset(x, 0, sizeof(*x));
}

enum mt_err mti_candidate_signal(struct mti_candidate *c, enum mti_rule_id id,
                                 const char *const *args)
{
	size_t i;
	enum mt_err err;

	for (i = 0; i < c->n_signals; i++)
		if (strcmp(c->signals[i].id, mti_rules[id].id) == 0)
			return MT_OK; /* one of each kind */
	err = mti_signal_add(&c->signals, &c->n_signals, id, MTI_DOC_SCAN, args);
	if (!err)
		c->score += mti_rules[id].points;
	return err;
}

void mti_candidate_clear(struct mti_candidate *c)
{
	mti_strv_free(c->argv, c->argc);
	free(c->exe);
	mti_signals_free(c->signals, c->n_signals);
	mti_cgroup_info_free(&c->cgroup);
	memset(c, 0, sizeof(*c));
}

/* The signal of CPU use, by how much of a core it took. */
static enum mt_err cpu_signal(struct mti_candidate *c)
{
	char pct[352];

	if (c->cpu < 25)
		return MT_OK;
	snprintf(pct, sizeof(pct), "%.0f", c->cpu);
	return mti_candidate_signal(c,
	                            c->cpu >= 80   ? MTI_SIG_CPU_HIGH
	                            : c->cpu >= 50 ? MTI_SIG_CPU_MID
	                                           : MTI_SIG_CPU_LOW,
	                            MTI_ARGS(pct));
}

/* Signals anyone can show, from stat, cmdline and the exe link. */
static enum mt_err cheap_signals(const struct mti_signatures *sg, struct mti_candidate *c)
{
	const char *hit, *exe_base = NULL;
	char path[4096];
	struct mt_exe e = {0};
	enum mt_err err = cpu_signal(c);

	if (c->exe) {
		mti_exe_split_link(c->exe, c->s.comm, path, sizeof(path), &e);
		exe_base = mti_base_name(path);
	}
	if (!err && ((hit = mti_signature_name(sg, c->s.comm)) ||
	             (exe_base && (hit = mti_signature_name(sg, exe_base))) ||
	             (c->argc && (hit = mti_signature_name(sg, mti_base_name(c->argv[0]))))))
		err = mti_candidate_signal(c, MTI_SIG_MINER_NAME, MTI_ARGS(hit));
	if (!err && (hit = mti_signature_arg(sg, c->argv, c->argc)))
		err = mti_candidate_signal(
		    c, mti_str_starts(hit, "stratum") ? MTI_SIG_STRATUM : MTI_SIG_MINER_ARGUMENT,
		    MTI_ARGS(hit));
	if (!err && (hit = mti_signature_algo(sg, c->argv, c->argc)))
		err = mti_candidate_signal(c, MTI_SIG_ALGORITHM, MTI_ARGS(hit));
	if (!err && c->exe) {
		if (mti_rule_fileless(&e))
			err = mti_candidate_signal(c, MTI_SIG_FILELESS, MTI_ARGS(c->exe));
		else if (mti_rule_exe_deleted(&e))
			err = mti_candidate_signal(c, MTI_SIG_EXE_DELETED, MTI_ARGS(path));
		if (!err && mti_rule_scratch_dir(&e))
			err = mti_candidate_signal(c, MTI_SIG_SCRATCH_DIR, MTI_ARGS(path));
	}
	return err;
}

/* The TCP table of network namespace ns, read through pid (cached). */
static const struct mti_tcp_table *net_table(struct mti_scan_signals *x, pid_t pid, uint64_t ns)
{
	static const char *const files[] = {"net/tcp", "net/tcp6"};
	struct mti_tcp_table t = {NULL, 0};
	uint64_t *nns;
	struct mti_tcp_table *nt;
	size_t i;
	int dirfd;

	for (i = 0; i < x->n_net; i++)
		if (x->net_ns[i] == ns)
			return &x->net[i];
	if (mti_proc_open_pid(&x->host->pfs, pid, &dirfd))
		return NULL;
	for (i = 0; i < MTI_ARRAY_LEN(files); i++)
		if (!mti_read_at(dirfd, files[i], 64u * 1024u * 1024u, &x->buf, NULL))
			mti_tcp_parse(x->buf.data, x->buf.len, i == 1, &t);
	close(dirfd);
	nns = realloc(x->net_ns, (x->n_net + 1) * sizeof(*nns));
	if (!nns) {
		mti_tcp_free(&t);
		return NULL;
	}
	x->net_ns = nns;
	nt = realloc(x->net, (x->n_net + 1) * sizeof(*nt));
	if (!nt) {
		mti_tcp_free(&t);
		return NULL;
	}
	x->net = nt;
	x->net_ns[x->n_net] = ns;
	x->net[x->n_net] = t;
	return &x->net[x->n_net++];
}

/* Open TCP connections of the process to pool ports, against the table of
 * its network namespace ns. */
static enum mt_err pool_signal(struct mti_scan_signals *x, struct mti_candidate *c, int dirfd,
                               uint64_t ns)
{
	const struct mti_tcp_table *table;
	struct dirent *de;
	DIR *d;
	int fdfd, seen = 0;
	enum mt_err err = MT_OK;

	fdfd = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0)
		return MT_OK;
	d = fdopendir(fdfd);
	if (!d) {
		close(fdfd);
		return MT_OK;
	}
	table = net_table(x, c->s.pid, ns);
	while (table && !err && (de = readdir(d)) && seen++ < 65536) {
		char *link = NULL, port[16];
		uint64_t inode;
		const struct mti_tcp_conn *conn;

		if (de->d_name[0] == '.' || mti_readlink_at(fdfd, de->d_name, &link))
			continue;
		if (mti_parse_socket_link(link, &inode) && (conn = mti_tcp_find(table, inode)) &&
		    mti_tcp_to_pool(&x->sigs, conn)) {
			snprintf(port, sizeof(port), "%u", conn->remote_port);
			err = mti_candidate_signal(c, MTI_SIG_POOL_PORT,
			                           MTI_ARGS(conn->state == MTI_TCP_ESTABLISHED
			                                        ? "connected to"
			                                        : "connecting to",
			                                    conn->remote, port));
		}
		free(link);
	}
	closedir(d);
	return err;
}

/* /etc/ld.so.preload inside the process's root (its container), read
 * without leaving that root. */
static enum mt_err container_preload_signal(struct mti_candidate *c, int dirfd)
{
	struct stat st;
	struct mti_buf b;
	enum mt_err err = MT_OK;
	int root, fd;

	root = openat(dirfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return MT_OK;
	/* A symlink is followed, but only inside the root (a planted link to a
	 * host file, or through /proc magic links, goes nowhere). */
	fd = mti_open_in_root(root, "/etc/ld.so.preload", O_RDONLY | O_NONBLOCK);
	close(root);
	if (fd < 0)
		return MT_OK;
	mti_buf_init(&b);
	/* Only a regular file: a FIFO or a device there could block or never end. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    mti_read_fd(fd, 4096, &b, NULL) == MT_OK && b.len) {
		size_t i;

		for (i = 0; i < b.len; i++)
			if (b.data[i] == '\n')
				b.data[i] = ' ';
		err = mti_candidate_signal(c, MTI_SIG_PRELOAD_FILE, MTI_ARGS(b.data));
	}
	mti_buf_free(&b);
	close(fd);
	return err;
}

enum mt_err mti_scan_costly_signals(struct mti_scan_signals *x, struct mti_candidate *c)
{
	/* read like the trace reads a process; the environment is the scan's */
	static const struct mti_process_want want = {.cgroup = true, .namespaces = true};
	struct mt_process p;
	const char *v;
	size_t vl;
	enum mt_err err;
	int dirfd;

	err = mti_process_read(x->host, NULL, c->s.pid, &want, &p, &dirfd, NULL);
	if (err)
		return err == MT_ERR_NOMEM ? err : MT_OK;
	c->cgroup = p.cgroup;
	memset(&p.cgroup, 0, sizeof(p.cgroup));
	if (!mti_read_at(dirfd, "environ", 1024u * 1024u, &x->buf, NULL) &&
	    (v = mti_env_find(x->buf.data, x->buf.len, "LD_PRELOAD", &vl)) && vl) {
		char *val = mti_strndup(v, vl);

		err =
		    val ? mti_candidate_signal(c, MTI_SIG_LD_PRELOAD, MTI_ARGS(val)) : MT_ERR_NOMEM;
		free(val);
	}
	if (!err && x->host->pfs.live)
		err = pool_signal(x, c, dirfd, p.ns_net);
	if (!err && x->host->pfs.live && c->cgroup.scope == MT_SCOPE_CONTAINER)
		err = container_preload_signal(c, dirfd);
	mti_process_clear(&p);
	close(dirfd);
	return err;
}

enum mt_err mti_scan_examine_cheap(const struct mti_scan_signals *x, struct mti_buf *buf,
                                   const struct mti_sample *now, const struct mti_sample *before,
                                   struct mti_scan_args *pre, double interval_s, bool hidden,
                                   struct mti_candidate *c)
{
	char path[48];
	enum mt_err err;

	memset(c, 0, sizeof(*c));
	c->s = *now;
	c->hidden = hidden;
	if (x->host->clk_tck > 0 && interval_s > 0) {
		double tck = (double)x->host->clk_tck, used, span;

		if (before && before->start == now->start) {
			/* the ticks between the two reads, over the time between them
			 * (longer than the interval when the probe outlasts it) */
			used =
			    now->ticks >= before->ticks ? (double)(now->ticks - before->ticks) : 0;
			span = (double)(now->at_ns - before->at_ns) / 1e9;
		} else {
			/* no first sample: born during the interval it used all its
			 * ticks in it; one that is older (a first read missed it) is
			 * counted over its whole life, never over less time than it ran */
			used = (double)now->ticks;
			span = (double)now->at_ns / 1e9 - (double)now->start / tck;
			if (span < interval_s)
				span = interval_s;
		}
		c->cpu = span > 0 ? used / tck / span * 100.0 : 0;
	}
	if (pre && pre->have) {
		c->argv = pre->argv;
		c->argc = pre->argc;
		pre->argv = NULL;
		pre->argc = 0;
		pre->have = false;
	} else if ((err =
	                mti_scan_read_args(x->host->pfs.root_fd, buf, now->pid, &c->argv, &c->argc))) {
		return err;
	}
	snprintf(path, sizeof(path), "%d/exe", (int)now->pid);
	if (mti_readlink_at(x->host->pfs.root_fd, path, &c->exe) == MT_ERR_NOMEM)
		return MT_ERR_NOMEM;
	err = cheap_signals(&x->sigs, c);
	if (!err && hidden)
		err = mti_candidate_signal(c, MTI_SIG_HIDDEN, NULL);
	return err;
}

enum mt_err mti_scan_trace_signals(struct mti_candidate *c, const struct mt_trace *t)
{
	enum mt_err err = MT_OK;

	if (mti_rule_writable_layer(t))
		err = mti_candidate_signal(c, MTI_SIG_WRITABLE_LAYER, NULL);
	if (!err && mti_rule_entered_from_outside(t))
		err = mti_candidate_signal(c, MTI_SIG_ENTERED_FROM_OUTSIDE,
		                           MTI_ARGS(t->entry.detail));
	return err;
}

int mti_scan_trace_points(void)
{
	return mti_rules[MTI_SIG_WRITABLE_LAYER].points +
	       mti_rules[MTI_SIG_ENTERED_FROM_OUTSIDE].points;
}
