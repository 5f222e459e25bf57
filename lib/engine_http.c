/* HTTP over a unix socket with libcurl.
 *
 * The engine's socket may be dead, slow, hanging or lying (it may belong to
 * the attacker). Every request is bounded by the run's deadline, every reply
 * by a size cap enforced while it streams in; proxies, redirects and
 * compression are off, and only plain http over the socket is allowed.
 */
#include "engine_http.h"

#include "curl_api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <minertrace/minertrace.h>

struct mti_http {
	struct mti_curl_socket sock;
	char content_type[128];
	struct mti_http_server server;
};

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct mti_http *h = userp;
	size_t n = size * nmemb;

	mti_curl_header_value(data, n, "content-type:", h->content_type, sizeof(h->content_type));
	mti_curl_header_value(data, n, "api-version:", h->server.api_version,
	                      sizeof(h->server.api_version));
	mti_curl_header_value(data, n, "server:", h->server.server, sizeof(h->server.server));
	mti_curl_header_value(data, n, "ostype:", h->server.os_type, sizeof(h->server.os_type));
	return n;
}

enum mt_err mti_http_new(const char *socket_path, int64_t deadline_ms, size_t max_reply,
                         struct mti_http **out, char *msg, size_t msg_len)
{
	struct mti_http *h = calloc(1, sizeof(*h));
	enum mt_err e;

	*out = NULL;
	if (!h) {
		snprintf(msg, msg_len, "out of memory");
		return MT_ERR_NOMEM;
	}
	e = mti_curl_socket_open(&h->sock, socket_path, deadline_ms, max_reply, on_header, h, msg,
	                         msg_len);
	if (e) {
		free(h);
		return e;
	}
	h->sock.api->easy_setopt(h->sock.curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	*out = h;
	return MT_OK;
}

void mti_http_free(struct mti_http *h)
{
	if (!h)
		return;
	mti_curl_socket_close(&h->sock);
	free(h);
}

char *mti_http_escape(struct mti_http *h, const char *s)
{
	char *e = h->sock.api->easy_escape(h->sock.curl, s, 0);
	char *copy = mti_strdup(e);

	h->sock.api->free(e);
	return copy;
}

const struct mti_http_server *mti_http_last_server(const struct mti_http *h)
{
	return &h->server;
}

enum mt_err mti_http_get(struct mti_http *h, const char *path, bool expect_json,
                         struct mti_buf *body, long *status, char *msg, size_t msg_len)
{
	char *url;
	CURLcode rc;

	*status = 0;
	msg[0] = '\0';
	mti_buf_reset(body);
	if (!mti_curl_deadline(&h->sock)) {
		snprintf(msg, msg_len, "the engine deadline has passed");
		return MT_ERR_ENGINE_TIMEOUT;
	}
	url = mti_asprintf("http://localhost%s", path);
	if (!url)
		return MT_ERR_NOMEM;
	h->sock.body = body;
	h->sock.over_cap = false;
	h->sock.errbuf[0] = '\0';
	h->content_type[0] = '\0';
	memset(&h->server, 0, sizeof(h->server));
	h->sock.api->easy_setopt(h->sock.curl, CURLOPT_URL, url);
	rc = h->sock.api->easy_perform(h->sock.curl);
	free(url);
	h->sock.body = NULL;
	if (rc != CURLE_OK)
		return mti_curl_transport_error(&h->sock, rc, msg, msg_len);
	h->sock.api->easy_getinfo(h->sock.curl, CURLINFO_RESPONSE_CODE, status);
	if (body->data == NULL && mti_buf_reserve(body, 0))
		return MT_ERR_NOMEM;
	if (*status == 404) {
		snprintf(msg, msg_len, "HTTP 404");
		return MT_ERR_NOT_FOUND;
	}
	if (*status < 200 || *status > 299) {
		snprintf(msg, msg_len, "HTTP %ld", *status);
		return MT_ERR_ENGINE_HTTP;
	}
	if (expect_json && strncasecmp(h->content_type, "application/json", 16) != 0) {
		snprintf(msg, msg_len, "reply is not JSON (Content-Type \"%.60s\")",
		         h->content_type);
		return MT_ERR_ENGINE_REPLY;
	}
	return MT_OK;
}
