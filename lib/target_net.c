/* The target's network (see target_net.h). The fd links and the TCP tables
 * are read through the target's own /proc directory fd: a PID reused
 * meanwhile answers ESRCH instead of another process's sockets. */
#include "target_net.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_parse.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define TCP_CAP (64u * 1024u * 1024u)

static enum mt_err add_conn(struct mt_target_net *net, const struct mti_tcp_conn *c,
                            const struct mti_signatures *sigs)
{
	struct mt_net_conn *o;

	if (mti_append_capped((void **)&net->conns, &net->n_conns, MTI_NET_CONNS, sizeof(*o),
	                      &net->truncated, (void **)&o))
		return MT_ERR_NOMEM;
	if (!o)
		return MT_OK;
	o->local = mti_strdup(c->local);
	o->remote = mti_strdup(c->remote);
	o->state = mti_strdup(mti_tcp_state_name(c->state));
	o->local_port = c->local_port;
	o->remote_port = c->remote_port;
	o->listening = c->state == MTI_TCP_LISTEN;
	o->pool_port = mti_tcp_to_pool(sigs, c);
	return o->local && o->remote && o->state ? MT_OK : MT_ERR_NOMEM;
}

enum mt_err mti_target_net_match(struct mt_target_net *net, const uint64_t *inodes, size_t n,
                                 const struct mti_tcp_table *table,
                                 const struct mti_signatures *sigs)
{
	enum mt_err err = MT_OK;
	size_t i, k;

	for (i = 0; !err && i < n; i++) {
		bool dup = false;

		for (k = 0; k < i && !dup; k++)
			dup = inodes[k] == inodes[i]; /* a socket dup()ed to several fds */
		if (dup)
			continue;
		for (k = 0; !err && k < table->n; k++)
			if (table->v[k].inode == inodes[i])
				err = add_conn(net, &table->v[k], sigs);
	}
	return err;
}

/* The socket inodes of the process's fds (at most MTI_NET_SOCKETS). */
static enum mt_err socket_inodes(struct mt_trace *t, int dirfd, uint64_t **out, size_t *n)
{
	size_t cap = 0, seen = 0;
	struct dirent *de;
	enum mt_err err = MT_OK;
	DIR *d;
	int fdfd;

	*out = NULL;
	*n = 0;
	fdfd = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdfd < 0) {
		mti_warn(t, mti_errno_to_err(errno), t->chain[0].pid, "network",
		         "cannot list the open files: %s", strerror(errno));
		return MT_ERR_PERMISSION;
	}
	d = fdopendir(fdfd);
	if (!d) {
		close(fdfd);
		return MT_ERR_NOMEM;
	}
	while (!err && (de = readdir(d)) != NULL && *n < MTI_NET_SOCKETS && seen++ < 65536) {
		char *link = NULL;
		uint64_t inode;

		if (de->d_name[0] == '.' || mti_readlink_at(fdfd, de->d_name, &link))
			continue;
		if (mti_parse_socket_link(link, &inode)) {
			err = mti_grow((void **)out, &cap, *n + 1, sizeof(**out));
			if (!err)
				(*out)[(*n)++] = inode;
		}
		free(link);
	}
	closedir(d);
	return err;
}

enum mt_err mti_target_net_read(struct mt_trace *t, int dirfd)
{
	static const char *const files[] = {"net/tcp", "net/tcp6"};
	struct mt_target_net *net = &t->postmortem.network;
	struct mti_signatures sigs;
	struct mti_tcp_table table = {NULL, 0};
	struct mti_buf b;
	uint64_t *inodes = NULL;
	char *nslink = NULL;
	enum mt_err err;
	size_t i, n = 0;

	if (!t->chain_len || dirfd < 0)
		return MT_OK;
	if (mti_readlink_at(dirfd, "ns/net", &nslink) == MT_OK)
		mti_parse_ns_link(nslink, &net->netns);
	free(nslink);
	err = socket_inodes(t, dirfd, &inodes, &n);
	if (err)
		return err == MT_ERR_NOMEM ? err : MT_OK;
	net->n_sockets = n;
	net->checked = true;
	if (!n)
		return MT_OK;
	memset(&sigs, 0, sizeof(sigs));
	mti_buf_init(&b);
	err = mti_signatures_builtin(&sigs);
	for (i = 0; !err && i < MTI_ARRAY_LEN(files); i++) {
		enum mt_err rerr = mti_read_at(dirfd, files[i], TCP_CAP, &b, NULL);

		if (rerr == MT_ERR_NOMEM)
			err = rerr;
		else if (rerr)
			mti_warn(t, rerr, t->chain[0].pid, "network", "cannot read %s: %s",
			         files[i], mt_strerror(rerr));
		else
			err = mti_tcp_parse(b.data ? b.data : "", b.len, i == 1, &table);
	}
	if (!err)
		err = mti_target_net_match(net, inodes, n, &table, &sigs);
	mti_buf_free(&b);
	mti_tcp_free(&table);
	mti_signatures_free(&sigs);
	free(inodes);
	return err;
}
