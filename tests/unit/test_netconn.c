/* Unit tests: lib/netconn.c, on tables as the kernel writes them. */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "netconn.h"

/* A miner's connection to a pool on 127.0.0.1:3333, as /proc/PID/net/tcp shows it. */
static const char tcp4[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:0D05 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0  "
    "      0 31200 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:9C40 0100007F:0D05 01 00000000:00000000 00:00000000 00000000     0  "
    "      0 31201 1 0000000000000000 20 4 30 10 -1\n"
    "   2: 0F02000A:C350 010200C0:115C 02 00000001:00000000 01:00000051 00000001  1000  "
    "      0 31202 2 0000000000000000 100 0 0 10 -1\n"
    "garbage line\n"
    "   3: 0100007F:0D05 zz000000:0000 01 0:0 0:0 0 0 0 1\n";

static const char tcp6[] =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:B0F2 00000000000000000000000001000000:115C 01 "
    "00000000:00000000 00:00000000 00000000     0        0 41000 1 0000000000000000 20 4 "
    "0 10 -1\n";

START_TEST(ipv4_table)
{
	struct mti_tcp_table t = {NULL, 0};
	const struct mti_tcp_conn *c;

	ck_assert_int_eq(mti_tcp_parse(tcp4, strlen(tcp4), false, &t), MT_OK);
	ck_assert_uint_eq(t.n, 3);
	c = mti_tcp_find(&t, 31201);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->remote, "127.0.0.1");
	ck_assert_uint_eq(c->remote_port, 3333);
	ck_assert_uint_eq(c->local_port, 40000);
	ck_assert_uint_eq(c->state, MTI_TCP_ESTABLISHED);
	c = mti_tcp_find(&t, 31202);
	ck_assert_str_eq(c->remote, "192.0.2.1");
	ck_assert_uint_eq(c->remote_port, 4444);
	ck_assert_uint_eq(c->state, MTI_TCP_SYN_SENT);
	ck_assert_uint_eq(mti_tcp_find(&t, 31200)->state, 0x0A);
	ck_assert_ptr_null(mti_tcp_find(&t, 99));
	ck_assert_ptr_null(mti_tcp_find(&t, 0));
	mti_tcp_free(&t);
}
END_TEST

START_TEST(ipv6_table)
{
	struct mti_tcp_table t = {NULL, 0};
	const struct mti_tcp_conn *c;

	ck_assert_int_eq(mti_tcp_parse(tcp6, strlen(tcp6), true, &t), MT_OK);
	ck_assert_uint_eq(t.n, 1);
	c = mti_tcp_find(&t, 41000);
	ck_assert_str_eq(c->remote, "[::1]");
	ck_assert_uint_eq(c->remote_port, 4444);
	/* a v4 parser does not take v6 lines */
	mti_tcp_free(&t);
	ck_assert_int_eq(mti_tcp_parse(tcp6, strlen(tcp6), false, &t), MT_OK);
	ck_assert_uint_eq(t.n, 0);
}
END_TEST

START_TEST(socket_links)
{
	uint64_t ino = 0;

	ck_assert(mti_parse_socket_link("socket:[31201]", &ino) && ino == 31201);
	ck_assert(!mti_parse_socket_link("pipe:[31201]", &ino));
	ck_assert(!mti_parse_socket_link("socket:[]", &ino));
	ck_assert(!mti_parse_socket_link("socket:[12x]", &ino));
	ck_assert(!mti_parse_socket_link("/tmp/socket:[1]", &ino));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("netconn");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ipv4_table);
	tcase_add_test(tc, ipv6_table);
	tcase_add_test(tc, socket_links);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
