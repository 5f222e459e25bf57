/* Unit tests: lib/escape.c */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "escape.h"

static char *esc_text(const char *s, size_t len)
{
	struct mti_buf b;

	mti_buf_init(&b);
	ck_assert_int_eq(mti_escape_text(&b, s, len), MT_OK);
	return mti_buf_steal(&b);
}

/* No byte below 0x20 (nor DEL) may reach the terminal. */
static void assert_no_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in \"%s\"", *p, s);
}

START_TEST(controls_become_visible)
{
	static const char in[] = "a\033[31mred\007\r\n\tz\x7f\x01";
	char *out = esc_text(in, sizeof(in) - 1);

	ck_assert_str_eq(out, "a\\e[31mred\\a\\r\\n\\tz\\x7f\\x01");
	assert_no_controls(out);
	free(out);
}
END_TEST

START_TEST(invalid_utf8_and_backslash)
{
	static const char in[] = "\xff\xfe"
	                         "ok\\"
	                         "\xc3\x28"
	                         "\xe2\x82"
	                         "\xed\xa0\x80";
	char *out = esc_text(in, sizeof(in) - 1);

	ck_assert_str_eq(out, "\\xff\\xfeok\\\\\\xc3(\\xe2\\x82\\xed\\xa0\\x80");
	free(out);
}
END_TEST

START_TEST(utf8_kept_bidi_and_c1_shown)
{
	static const char in[] = "caf\xc3\xa9 \xe2\x80\xae"
	                         "cod.exe \xc2\x9b"
	                         "1m \xe2\x80\x8b";
	char *out = esc_text(in, sizeof(in) - 1);

	ck_assert_str_eq(out, "caf\xc3\xa9 \\u{202e}cod.exe \\u{009b}1m \\u{200b}");
	ck_assert(mti_utf8_valid(out, strlen(out)));
	free(out);
}
END_TEST

START_TEST(json_display_keeps_valid_utf8)
{
	static const char in[] = "x\n\xe2\x80\xae\xff";
	struct mti_buf b;

	mti_buf_init(&b);
	ck_assert_int_eq(mti_escape_json_display(&b, in, sizeof(in) - 1), MT_OK);
	/* controls stay for cJSON to escape; bidi stays (it is valid text); \xff is shown */
	ck_assert_str_eq(b.data, "x\n\xe2\x80\xae\\xff");
	ck_assert(mti_utf8_valid(b.data, b.len));
	mti_buf_free(&b);
}
END_TEST

START_TEST(markdown_cells_cannot_break_tables)
{
	static const char in[] = "a|b`c\n| x |*y*_z_<script>[l](u)";
	struct mti_buf b;

	mti_buf_init(&b);
	ck_assert_int_eq(mti_escape_markdown(&b, in, sizeof(in) - 1), MT_OK);
	ck_assert_str_eq(b.data, "a\\|b\\`c\\n\\| x \\|\\*y\\*\\_z\\_\\<script\\>\\[l\\](u)");
	ck_assert_ptr_null(strchr(b.data, '\n'));
	mti_buf_free(&b);
}
END_TEST

START_TEST(utf8_validation)
{
	ck_assert(mti_utf8_valid("", 0));
	ck_assert(mti_utf8_valid("\xf0\x9f\x98\x80", 4));
	ck_assert(!mti_utf8_valid("\xc0\x80", 2));         /* overlong NUL */
	ck_assert(!mti_utf8_valid("\xe0\x80\x80", 3));     /* overlong */
	ck_assert(!mti_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	ck_assert(!mti_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	ck_assert(!mti_utf8_valid("\x80", 1));
}
END_TEST

START_TEST(base64)
{
	char *s = mti_base64("\xff\x00\x1b", 3);

	ck_assert_str_eq(s, "/wAb");
	free(s);
	s = mti_base64("", 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(widths)
{
	ck_assert_uint_eq(mti_display_width("caf\xc3\xa9", 5), 4);
	ck_assert_uint_eq(mti_prefix_for_width("caf\xc3\xa9x", 6, 4), 5);
	ck_assert_uint_eq(mti_prefix_for_width("abc", 3, 10), 3);
	ck_assert_uint_eq(mti_prefix_for_width("abc", 3, 0), 0);
	/* wide characters take two columns, combining marks none */
	ck_assert_uint_eq(mti_display_width("\xe7\x9f\xbf\xe5\xb7\xa5", 6), 4);
	ck_assert_uint_eq(mti_display_width("e\xcc\x81", 3), 1);
	ck_assert_uint_eq(mti_display_width("\xf0\x9f\x98\x80!", 5), 3);
	ck_assert_uint_eq(mti_prefix_for_width("\xe7\x9f\xbf\xe5\xb7\xa5x", 7, 3), 3);
	ck_assert_uint_eq(mti_prefix_for_width("\xe7\x9f\xbf\xe5\xb7\xa5x", 7, 4), 6);
	ck_assert_uint_eq(mti_prefix_for_width("e\xcc\x81x", 4, 1), 3);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, controls_become_visible);
	tcase_add_test(tc, invalid_utf8_and_backslash);
	tcase_add_test(tc, utf8_kept_bidi_and_c1_shown);
	tcase_add_test(tc, json_display_keeps_valid_utf8);
	tcase_add_test(tc, markdown_cells_cannot_break_tables);
	tcase_add_test(tc, utf8_validation);
	tcase_add_test(tc, base64);
	tcase_add_test(tc, widths);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
