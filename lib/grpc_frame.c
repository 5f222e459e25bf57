/* gRPC's message framing and status, pure (see grpc_frame.h). */
#include "grpc_frame.h"

#include <stdio.h>
#include <string.h>

enum mt_err mti_grpc_frame(const void *msg, size_t len, struct mti_buf *out)
{
	uint8_t prefix[MTI_GRPC_PREFIX];
	enum mt_err e;

	if (len > UINT32_MAX)
		return MT_ERR_TOO_LARGE;
	prefix[0] = 0; /* not compressed */
	prefix[1] = (uint8_t)(len >> 24);
	prefix[2] = (uint8_t)(len >> 16);
	prefix[3] = (uint8_t)(len >> 8);
	prefix[4] = (uint8_t)len;
	e = mti_buf_append(out, prefix, sizeof(prefix));
	if (e == MT_OK && len)
		e = mti_buf_append(out, msg, len);
	return e;
}

enum mt_err mti_grpc_unframe(const uint8_t *body, size_t len, size_t max_msg, const uint8_t **msg,
                             size_t *msg_len, char *why, size_t why_len)
{
	uint32_t n;

	*msg = NULL;
	*msg_len = 0;
	if (len == 0) {
		snprintf(why, why_len, "no message in the reply");
		return MT_ERR_ENGINE_REPLY;
	}
	if (len < MTI_GRPC_PREFIX) {
		snprintf(why, why_len, "reply cut inside the message prefix (%zu bytes)", len);
		return MT_ERR_ENGINE_REPLY;
	}
	if (body[0] != 0) {
		snprintf(why, why_len,
		         "compressed message (flag %u) though no encoding was accepted",
		         (unsigned)body[0]);
		return MT_ERR_ENGINE_REPLY;
	}
	n = (uint32_t)body[1] << 24 | (uint32_t)body[2] << 16 | (uint32_t)body[3] << 8 |
	    (uint32_t)body[4];
	if (n > max_msg) {
		snprintf(why, why_len, "message of %u bytes over the cap of %zu", (unsigned)n,
		         max_msg);
		return MT_ERR_TOO_LARGE;
	}
	if (len - MTI_GRPC_PREFIX < n) {
		snprintf(why, why_len, "message cut: %zu of %u bytes", len - MTI_GRPC_PREFIX,
		         (unsigned)n);
		return MT_ERR_ENGINE_REPLY;
	}
	if (len - MTI_GRPC_PREFIX > n) {
		snprintf(why, why_len, "%zu bytes after the one message of a unary reply",
		         len - MTI_GRPC_PREFIX - n);
		return MT_ERR_ENGINE_REPLY;
	}
	*msg = body + MTI_GRPC_PREFIX;
	*msg_len = n;
	return MT_OK;
}

bool mti_grpc_status_parse(const char *s, int *code)
{
	uint64_t v;
	size_t n = s ? strlen(s) : 0;

	/* one or two digits: a longer value (also one cut to fit a buffer)
	 * is refused, never read as another code */
	if (n == 0 || n > 2 || !mti_parse_u64(s, n, &v) || v > MTI_GRPC_MAX_CODE)
		return false;
	*code = (int)v;
	return true;
}

const char *mti_grpc_status_name(int code)
{
	static const char *const names[] = {
	    "OK",
	    "CANCELLED",
	    "UNKNOWN",
	    "INVALID_ARGUMENT",
	    "DEADLINE_EXCEEDED",
	    "NOT_FOUND",
	    "ALREADY_EXISTS",
	    "PERMISSION_DENIED",
	    "RESOURCE_EXHAUSTED",
	    "FAILED_PRECONDITION",
	    "ABORTED",
	    "OUT_OF_RANGE",
	    "UNIMPLEMENTED",
	    "INTERNAL",
	    "UNAVAILABLE",
	    "DATA_LOSS",
	    "UNAUTHENTICATED",
	};

	if (code < 0 || (size_t)code >= MTI_ARRAY_LEN(names))
		return "UNKNOWN";
	return names[code];
}

enum mt_err mti_grpc_status_err(int code)
{
	switch (code) {
	case MTI_GRPC_OK:
		return MT_OK;
	case MTI_GRPC_NOT_FOUND:
		return MT_ERR_NOT_FOUND;
	case MTI_GRPC_DEADLINE_EXCEEDED:
		return MT_ERR_ENGINE_TIMEOUT;
	case MTI_GRPC_UNAVAILABLE:
		return MT_ERR_ENGINE_UNREACHABLE;
	case MTI_GRPC_PERMISSION_DENIED:
	case MTI_GRPC_UNAUTHENTICATED:
		return MT_ERR_PERMISSION;
	case MTI_GRPC_UNIMPLEMENTED:
		return MT_ERR_UNSUPPORTED;
	default:
		return MT_ERR_ENGINE_HTTP;
	}
}

/* The value of one hex digit, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void mti_grpc_message_decode(const char *s, char *out, size_t out_len)
{
	size_t o = 0;

	if (!out_len)
		return;
	while (s && *s && o + 1 < out_len) {
		char c = *s++;

		if (c == '%') {
			int hi = hex_value(s[0]), lo = hi < 0 ? -1 : hex_value(s[1]);

			if (lo >= 0) {
				c = (char)(hi << 4 | lo);
				s += 2;
				if (c == '\0')
					c = '?';
			}
		}
		out[o++] = c;
	}
	out[o] = '\0';
}
