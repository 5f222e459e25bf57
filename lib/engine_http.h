/* HTTP over a unix socket with libcurl: one connection reused for every
 * request, a total deadline, a cap on every reply. */
#ifndef MTI_ENGINE_HTTP_H
#define MTI_ENGINE_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

#include "util.h"

struct mti_http;

/* Creates a client for the unix socket at socket_path. Requests must end
 * by deadline_ms (mti_monotonic_ms clock); replies over max_reply bytes are
 * refused. Loads libcurl on first use: MT_ERR_UNSUPPORTED when it cannot
 * be loaded; msg (msg_len bytes) says why. */
enum mt_err mti_http_new(const char *socket_path, int64_t deadline_ms, size_t max_reply,
                         struct mti_http **out, char *msg, size_t msg_len);
void mti_http_free(struct mti_http *h);

/* Headers of the last reply that say who answered. */
struct mti_http_server {
	char api_version[32]; /* Api-Version */
	char server[128];     /* Server: Docker/20.10.24 (linux), Libpod/4.3.1 ... */
	char os_type[32];     /* Ostype */
};

/* GETs path ("/v1.41/containers/ID/json"). On MT_OK the status is 2xx and
 * body holds the reply (NUL-terminated); with expect_json a reply whose
 * Content-Type is not application/json is MT_ERR_ENGINE_REPLY. Errors: MT_ERR_ENGINE_UNREACHABLE,
 * MT_ERR_PERMISSION (socket not accessible), MT_ERR_ENGINE_TIMEOUT,
 * MT_ERR_TOO_LARGE, MT_ERR_ENGINE_REPLY (closed early, not HTTP, not JSON),
 * MT_ERR_NOT_FOUND (404), MT_ERR_ENGINE_HTTP (other status); msg (at least
 * msg_len bytes) says more. *status is the HTTP status or 0. */
enum mt_err mti_http_get(struct mti_http *h, const char *path, bool expect_json,
                         struct mti_buf *body, long *status, char *msg, size_t msg_len);

/* The identifying headers of the last reply. */
const struct mti_http_server *mti_http_last_server(const struct mti_http *h);

/* Percent-encodes s for a query string; new string or NULL. */
char *mti_http_escape(struct mti_http *h, const char *s);

#endif
