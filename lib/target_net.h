/* The target's network: its TCP sockets, matched by inode against the
 * tables of its own network namespace, pool ports marked. */
#ifndef MTI_TARGET_NET_H
#define MTI_TARGET_NET_H

#include <stddef.h>
#include <stdint.h>

#include <minertrace/minertrace.h>

#include "netconn.h"
#include "signatures.h"

/* Most socket fds looked at, and connections kept. */
#define MTI_NET_SOCKETS 4096
#define MTI_NET_CONNS 256

/* Adds to net the connections of table whose inode is one of the n
 * socket inodes, marking listening sockets and pool ports (sigs). Pure.
 * Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_target_net_match(struct mt_target_net *net, const uint64_t *inodes, size_t n,
                                 const struct mti_tcp_table *table,
                                 const struct mti_signatures *sigs);

/* Reads the socket fds of the process whose /proc directory is dirfd and
 * its namespace's net/tcp and net/tcp6 (through the same directory, so
 * the process's own namespace) into t->postmortem.network, pool ports
 * from the built-in signatures. Problems become warnings. Returns MT_OK or
 * MT_ERR_NOMEM. */
enum mt_err mti_target_net_read(struct mt_trace *t, int dirfd);

#endif
