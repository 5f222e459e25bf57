/* Making hostile bytes safe to show: on a terminal, in JSON, in Markdown. */
#ifndef MTI_ESCAPE_H
#define MTI_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
bool mti_utf8_valid(const char *s, size_t len);

/* Appends s[0..len) for a terminal: printable ASCII and harmless UTF-8 as
 * is; control bytes as \n \r \t \e \a or \xNN; invalid UTF-8 as \xNN; C1
 * controls, bidi and zero-width characters as \u{NNNN}; a backslash as \\.
 * Nothing that reaches the terminal can move the cursor or reorder text. */
enum mt_err mti_escape_text(struct mti_buf *out, const char *s, size_t len);

/* Like mti_escape_text but valid UTF-8 is kept whole, so the result is
 * valid UTF-8 for a JSON string (which escapes controls itself): invalid
 * bytes become \xNN text. */
enum mt_err mti_escape_json_display(struct mti_buf *out, const char *s, size_t len);

/* Appends s escaped for a Markdown table cell: as mti_escape_text, plus
 * '|', '`', '*', '_', '<', '>', '[', ']' escaped with a backslash. */
enum mt_err mti_escape_markdown(struct mti_buf *out, const char *s, size_t len);

/* Base64 of len bytes, a new string. */
char *mti_base64(const void *data, size_t len);

/* Terminal columns of the character at s[0..len) (0 for a combining mark,
 * 2 for a wide one); *bytes is its length. */
size_t mti_char_width(const char *s, size_t len, size_t *bytes);

/* Number of terminal columns of an escaped (ASCII/UTF-8) string. */
size_t mti_display_width(const char *s, size_t len);

/* Byte length of the longest prefix of s fitting in cols columns. */
size_t mti_prefix_for_width(const char *s, size_t len, size_t cols);

#endif
