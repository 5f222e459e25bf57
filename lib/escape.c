/* Making hostile bytes safe to show: on a terminal, in JSON, in Markdown. */
#include "escape.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at s; returns its length (0 if invalid). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool mti_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = utf8_decode(p + i, len - i, &cp);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Code points that change how text is displayed without showing. */
static bool invisible_or_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||     /* C1 controls */
	       cp == 0x061c ||                   /* Arabic letter mark */
	       (cp >= 0x200b && cp <= 0x200f) || /* zero width, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) || /* separators, embeddings, overrides */
	       (cp >= 0x2060 && cp <= 0x2069) || /* word joiner, isolates */
	       cp == 0xfeff;                     /* BOM / zero width no-break */
}

static enum mt_err put_control(struct mti_buf *out, unsigned char c)
{
	switch (c) {
	case '\n':
		return mti_buf_puts(out, "\\n");
	case '\r':
		return mti_buf_puts(out, "\\r");
	case '\t':
		return mti_buf_puts(out, "\\t");
	case 0x1b:
		return mti_buf_puts(out, "\\e");
	case 0x07:
		return mti_buf_puts(out, "\\a");
	default:
		return mti_buf_printf(out, "\\x%02x", c);
	}
}

static enum mt_err escape(struct mti_buf *out, const char *s, size_t len, bool for_json,
                          const char *md_specials)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	enum mt_err err = MT_OK;

	while (i < len && !err) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			if (md_specials && strchr(md_specials, c) && c) {
				err = mti_buf_putc(out, '\\');
				if (!err)
					err = mti_buf_putc(out, (char)c);
			} else if (c == '\\' && !for_json) {
				err = mti_buf_puts(out, "\\\\");
			} else if ((c < 0x20 || c == 0x7f) && !for_json) {
				err = put_control(out, c);
			} else {
				err = mti_buf_putc(out, (char)c);
			}
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (!n) {
			err = mti_buf_printf(out, "\\x%02x", c);
			i++;
		} else if (!for_json && invisible_or_control(cp)) {
			err = mti_buf_printf(out, "\\u{%04x}", (unsigned)cp);
			i += n;
		} else {
			err = mti_buf_append(out, p + i, n);
			i += n;
		}
	}
	return err;
}

enum mt_err mti_escape_text(struct mti_buf *out, const char *s, size_t len)
{
	return escape(out, s, len, false, NULL);
}

enum mt_err mti_escape_json_display(struct mti_buf *out, const char *s, size_t len)
{
	return escape(out, s, len, true, NULL);
}

enum mt_err mti_escape_markdown(struct mti_buf *out, const char *s, size_t len)
{
	return escape(out, s, len, false, "|`*_<>[]#");
}

char *mti_base64(const void *data, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *in = data;
	char *out, *o;
	size_t i;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	out = malloc(4 * ((len + 2) / 3) + 1);
	if (!out)
		return NULL;
	o = out;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);

		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* Columns a code point takes on a terminal: none for a combining mark or a
 * variation selector, two for East Asian wide and fullwidth characters and
 * emoji (the ranges of Markus Kuhn's wcwidth), one for the rest. */
static size_t cp_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {{0x0300, 0x036f}, {0x0483, 0x0489},  {0x0591, 0x05bd},
	                                   {0x0610, 0x061a}, {0x064b, 0x065f},  {0x0e31, 0x0e31},
	                                   {0x0e34, 0x0e3a}, {0x0e47, 0x0e4e},  {0x1ab0, 0x1aff},
	                                   {0x1dc0, 0x1dff}, {0x20d0, 0x20ff},  {0xfe00, 0xfe0f},
	                                   {0xfe20, 0xfe2f}, {0xe0100, 0xe01ef}};
	static const uint32_t wide[][2] = {
	    {0x1100, 0x115f},   {0x2e80, 0x303e},   {0x3041, 0x33ff},  {0x3400, 0x4dbf},
	    {0x4e00, 0x9fff},   {0xa000, 0xa4cf},   {0xac00, 0xd7a3},  {0xf900, 0xfaff},
	    {0xfe30, 0xfe4f},   {0xff00, 0xff60},   {0xffe0, 0xffe6},  {0x1f300, 0x1f64f},
	    {0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd}};
	size_t i;

	if (cp < 0x300)
		return 1;
	for (i = 0; i < MTI_ARRAY_LEN(zero); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (i = 0; i < MTI_ARRAY_LEN(wide); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

size_t mti_char_width(const char *s, size_t len, size_t *bytes)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)s, len, &cp);

	if (!n) {
		*bytes = len ? 1 : 0; /* a stray byte: escaped text holds none */
		return len ? 1 : 0;
	}
	*bytes = n;
	return cp_width(cp);
}

size_t mti_display_width(const char *s, size_t len)
{
	size_t cols = 0, i = 0, n;

	while (i < len) {
		cols += mti_char_width(s + i, len - i, &n);
		i += n;
	}
	return cols;
}

size_t mti_prefix_for_width(const char *s, size_t len, size_t cols)
{
	size_t used = 0, i = 0, n, w;

	while (i < len) {
		w = mti_char_width(s + i, len - i, &n);
		if (used + w > cols)
			return i;
		used += w;
		i += n;
	}
	return len;
}
