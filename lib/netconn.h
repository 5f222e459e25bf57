/* Connections of a process: its socket inodes (from /proc/PID/fd) matched
 * against /proc/PID/net/tcp and tcp6, read in the process's own network
 * namespace. */
#ifndef MTI_NETCONN_H
#define MTI_NETCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

#define MTI_TCP_ESTABLISHED 1
#define MTI_TCP_SYN_SENT 2
#define MTI_TCP_LISTEN 10

struct mti_signatures;

struct mti_tcp_conn {
	uint64_t inode;
	unsigned local_port;
	unsigned remote_port;
	unsigned state;
	char remote[48]; /* "127.0.0.1" or "[::1]" */
	char local[48];
};

struct mti_tcp_table {
	struct mti_tcp_conn *v;
	size_t n;
};

/* Parses /proc/net/tcp (v6 false) or tcp6 text, adding to table. Lines
 * that do not parse are skipped. At most MTI_TCP_MAX entries. */
#define MTI_TCP_MAX 262144
enum mt_err mti_tcp_parse(const char *buf, size_t len, bool v6, struct mti_tcp_table *table);
void mti_tcp_free(struct mti_tcp_table *table);

/* The connection with this socket inode, or NULL. */
const struct mti_tcp_conn *mti_tcp_find(const struct mti_tcp_table *table, uint64_t inode);

/* The kernel's name of a TCP state ("established", "listen"...), "unknown"
 * past the table. */
const char *mti_tcp_state_name(unsigned state);

/* True when conn is connected or connecting to a pool port of sigs: the
 * one rule for the scan's signal and the trace's network section. */
bool mti_tcp_to_pool(const struct mti_signatures *sigs, const struct mti_tcp_conn *conn);

/* Parses a fd link "socket:[12345]" into its inode. */
bool mti_parse_socket_link(const char *link, uint64_t *inode);

#endif
