/* Fuzz target: making hostile bytes safe (terminal, JSON, Markdown), and
 * the two small text formats we read: passwd and miner signatures. */
#include "escape.h"
#include "fuzz.h"
#include "passwd.h"
#include "signatures.h"
#include "util.h"

/* No byte that a terminal acts on may survive escaping. */
static void assert_inert(const struct mti_buf *b)
{
	size_t i;

	FUZZ_ASSERT(mti_utf8_valid(b->data ? b->data : "", b->len));
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		FUZZ_ASSERT(c >= 0x20 && c != 0x7f);
		/* C1 controls (U+0080..U+009F) and bidi overrides (U+202A..U+202E,
		 * U+2066..U+2069) are escaped too */
		if (c == 0xc2 && i + 1 < b->len)
			FUZZ_ASSERT((unsigned char)b->data[i + 1] > 0x9f);
		if (c == 0xe2 && i + 2 < b->len && (unsigned char)b->data[i + 1] == 0x80)
			FUZZ_ASSERT((unsigned char)b->data[i + 2] < 0xaa ||
			            (unsigned char)b->data[i + 2] > 0xae);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 0);
	struct mti_buf b;
	struct mti_passwd pw;
	struct mti_signatures sigs;
	size_t bad = 0;

	mti_buf_init(&b);
	if (mti_escape_text(&b, buf, size) == MT_OK)
		assert_inert(&b);
	mti_buf_reset(&b);
	if (mti_escape_markdown(&b, buf, size) == MT_OK)
		assert_inert(&b);
	mti_buf_reset(&b);
	if (mti_escape_json_display(&b, buf, size) == MT_OK)
		FUZZ_ASSERT(mti_utf8_valid(b.data ? b.data : "", b.len));
	mti_buf_free(&b);
	if (mti_passwd_parse(buf, size, &pw) == MT_OK)
		mti_passwd_free(&pw);
	memset(&sigs, 0, sizeof(sigs));
	mti_signatures_parse(&sigs, buf, size, &bad);
	mti_signatures_free(&sigs);
	free(buf);
	return 0;
}
