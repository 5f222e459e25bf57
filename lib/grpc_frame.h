/* gRPC's message framing and status, pure: the 5-byte prefix (a
 * compressed flag and a big-endian length) before each message, the
 * grpc-status code and the percent-encoded grpc-message of the trailers.
 * No I/O: the transport is grpc.c. */
#ifndef MTI_GRPC_FRAME_H
#define MTI_GRPC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

#include "util.h"

#define MTI_GRPC_PREFIX 5

/* gRPC status codes that the clients tell apart. */
enum {
	MTI_GRPC_OK = 0,
	MTI_GRPC_CANCELLED = 1,
	MTI_GRPC_DEADLINE_EXCEEDED = 4,
	MTI_GRPC_NOT_FOUND = 5,
	MTI_GRPC_PERMISSION_DENIED = 7,
	MTI_GRPC_UNIMPLEMENTED = 12,
	MTI_GRPC_UNAVAILABLE = 14,
	MTI_GRPC_UNAUTHENTICATED = 16,
	MTI_GRPC_MAX_CODE = 16,
};

/* Appends one uncompressed message of len bytes, with its prefix, to out.
 * MT_ERR_TOO_LARGE over 4 GiB, MT_ERR_NOMEM. */
enum mt_err mti_grpc_frame(const void *msg, size_t len, struct mti_buf *out);

/* Finds the one message of a unary reply's body (len bytes): *msg points
 * into body, *msg_len is its length. The body must be exactly one prefix
 * and its message: not compressed (no encoding is negotiated), no bytes
 * missing or left over, at most max_msg bytes. MT_ERR_ENGINE_REPLY
 * (empty, cut, trailing bytes, compressed), MT_ERR_TOO_LARGE; why (why_len
 * bytes) says which. */
enum mt_err mti_grpc_unframe(const uint8_t *body, size_t len, size_t max_msg, const uint8_t **msg,
                             size_t *msg_len, char *why, size_t why_len);

/* Parses a grpc-status value: one or two decimal digits, 0..16, nothing
 * else. */
bool mti_grpc_status_parse(const char *s, int *code);

/* The code's name ("NOT_FOUND"), "UNKNOWN" for codes outside 0..16. */
const char *mti_grpc_status_name(int code);

/* The error a non-zero status becomes: NOT_FOUND MT_ERR_NOT_FOUND,
 * DEADLINE_EXCEEDED MT_ERR_ENGINE_TIMEOUT, UNAVAILABLE
 * MT_ERR_ENGINE_UNREACHABLE, PERMISSION_DENIED and UNAUTHENTICATED
 * MT_ERR_PERMISSION, UNIMPLEMENTED MT_ERR_UNSUPPORTED, others
 * MT_ERR_ENGINE_HTTP. */
enum mt_err mti_grpc_status_err(int code);

/* Decodes a percent-encoded grpc-message into out (out_len bytes, always
 * terminated, cut when longer); a NUL or a malformed escape is kept as
 * '?' and '%', never ends the text early. */
void mti_grpc_message_decode(const char *s, char *out, size_t out_len);

#endif
