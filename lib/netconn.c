/* Connections of a process (see netconn.h). */
#include "netconn.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signatures.h"
#include "util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses exactly len hex digits. */
static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 16)
		return false;
	for (i = 0; i < len; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

/* "0100007F:0D05" (v4: one little-endian word) or 32 hex digits (v6:
 * four little-endian words) then ":PORT". */
static bool parse_endpoint(const char *s, size_t len, bool v6, char *addr, size_t addr_len,
                           unsigned *port)
{
	size_t hex_len = v6 ? 32 : 8, i;
	unsigned char bytes[16];
	uint64_t word, p;

	if (len != hex_len + 5 || s[hex_len] != ':')
		return false;
	for (i = 0; i < hex_len / 8; i++) {
		if (!parse_hex(s + i * 8, 8, &word))
			return false;
		/* the kernel prints each 32-bit word in host (little-endian) order */
		bytes[i * 4] = (unsigned char)(word & 0xff);
		bytes[i * 4 + 1] = (unsigned char)((word >> 8) & 0xff);
		bytes[i * 4 + 2] = (unsigned char)((word >> 16) & 0xff);
		bytes[i * 4 + 3] = (unsigned char)((word >> 24) & 0xff);
	}
	if (!parse_hex(s + hex_len + 1, 4, &p))
		return false;
	*port = (unsigned)p;
	if (v6) {
		char tmp[INET6_ADDRSTRLEN];

		if (!inet_ntop(AF_INET6, bytes, tmp, sizeof(tmp)))
			return false;
		snprintf(addr, addr_len, "[%s]", tmp);
	} else if (!inet_ntop(AF_INET, bytes, addr, (socklen_t)addr_len)) {
		return false;
	}
	return true;
}

enum mt_err mti_tcp_parse(const char *buf, size_t len, bool v6, struct mti_tcp_table *table)
{
	const char *p = buf, *end = buf + len;
	size_t cap = table->n;

	while (p < end && table->n < MTI_TCP_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *f[12];
		size_t fl[12], n = 0;
		const char *q = p;
		struct mti_tcp_conn c;
		uint64_t st, inode;
		unsigned lport;

		while (q < le && n < 12) {
			while (q < le && *q == ' ')
				q++;
			if (q >= le)
				break;
			f[n] = q;
			while (q < le && *q != ' ')
				q++;
			fl[n] = (size_t)(q - f[n]);
			n++;
		}
		memset(&c, 0, sizeof(c));
		/* sl local remote st tx:rx tr:when retrnsmt uid timeout inode */
		if (n >= 10 && fl[0] >= 2 && f[0][fl[0] - 1] == ':' &&
		    parse_endpoint(f[1], fl[1], v6, c.local, sizeof(c.local), &lport) &&
		    parse_endpoint(f[2], fl[2], v6, c.remote, sizeof(c.remote), &c.remote_port) &&
		    parse_hex(f[3], fl[3], &st) && st <= 0xff &&
		    mti_parse_u64(f[9], fl[9], &inode)) {
			c.local_port = lport;
			c.state = (unsigned)st;
			c.inode = inode;
			if (mti_grow((void **)&table->v, &cap, table->n + 1, sizeof(*table->v)))
				return MT_ERR_NOMEM;
			table->v[table->n++] = c;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return MT_OK;
}

void mti_tcp_free(struct mti_tcp_table *table)
{
	free(table->v);
	table->v = NULL;
	table->n = 0;
}

const struct mti_tcp_conn *mti_tcp_find(const struct mti_tcp_table *table, uint64_t inode)
{
	size_t i;

	for (i = 0; inode && i < table->n; i++)
		if (table->v[i].inode == inode)
			return &table->v[i];
	return NULL;
}

bool mti_parse_socket_link(const char *link, uint64_t *inode)
{
	size_t l;

	if (!mti_str_starts(link, "socket:[") || !mti_str_ends(link, "]"))
		return false;
	l = strlen(link);
	return mti_parse_u64(link + 8, l - 9, inode);
}

const char *mti_tcp_state_name(unsigned state)
{
	static const char *const names[] = {
	    NULL,    "established", "syn-sent", "syn-recv", "fin-wait1", "fin-wait2",   "time-wait",
	    "close", "close-wait",  "last-ack", "listen",   "closing",   "new-syn-recv"};

	return state < MTI_ARRAY_LEN(names) && names[state] ? names[state] : "unknown";
}

bool mti_tcp_to_pool(const struct mti_signatures *sigs, const struct mti_tcp_conn *conn)
{
	return (conn->state == MTI_TCP_ESTABLISHED || conn->state == MTI_TCP_SYN_SENT) &&
	       mti_signature_port(sigs, conn->remote_port);
}
