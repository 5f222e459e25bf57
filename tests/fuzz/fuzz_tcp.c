/* Fuzz target: /proc/PID/net/tcp and tcp6, and socket fd links. */
#include "fuzz.h"
#include "netconn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 0), *str;
	struct mti_tcp_table table = {0};
	uint64_t ino;
	size_t i;

	if (size && mti_tcp_parse(buf + 1, size - 1, data[0] & 1, &table) == MT_OK) {
		for (i = 0; i < table.n; i++) {
			FUZZ_ASSERT(table.v[i].local_port <= 65535 &&
			            table.v[i].remote_port <= 65535);
			FUZZ_ASSERT(memchr(table.v[i].remote, '\0', sizeof(table.v[i].remote)));
		}
		/* inode 0 is a socket being torn down: never matched */
		if (table.n && table.v[0].inode)
			FUZZ_ASSERT(mti_tcp_find(&table, table.v[0].inode));
	}
	mti_tcp_free(&table);
	free(buf);
	str = fuzz_copy(data, size, 1);
	mti_parse_socket_link(str, &ino);
	free(str);
	return 0;
}
