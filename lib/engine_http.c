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

#define CONNECT_TIMEOUT_MS 1000

struct mti_http {
	const struct mti_curl_api *api;
	CURL *curl;
	char *socket_path;
	int64_t deadline_ms;
	size_t max_reply;
	struct mti_buf *body; /* the reply being received */
	bool over_cap;
	char content_type[128];
	struct mti_http_server server;
	char errbuf[CURL_ERROR_SIZE];
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct mti_http *h = userp;
	size_t n = size * nmemb;

	if (h->body->len + n > h->max_reply) {
		h->over_cap = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (mti_buf_append(h->body, data, n))
		return 0;
	return n;
}

/* Copies the value of header "key:" into out when data is that header,
 * without the white space around it. */
static void grab_header(const char *data, size_t n, const char *key, char *out, size_t out_len)
{
	size_t kl = strlen(key), i, o = 0;

	if (n <= kl || strncasecmp(data, key, kl) != 0)
		return;
	i = kl;
	while (i < n && (data[i] == ' ' || data[i] == '\t'))
		i++;
	while (i < n && o + 1 < out_len && data[i] != '\r' && data[i] != '\n')
		out[o++] = data[i++];
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct mti_http *h = userp;
	size_t n = size * nmemb;

	grab_header(data, n, "content-type:", h->content_type, sizeof(h->content_type));
	grab_header(data, n, "api-version:", h->server.api_version, sizeof(h->server.api_version));
	grab_header(data, n, "server:", h->server.server, sizeof(h->server.server));
	grab_header(data, n, "ostype:", h->server.os_type, sizeof(h->server.os_type));
	return n;
}

enum mt_err mti_http_new(const char *socket_path, int64_t deadline_ms, size_t max_reply,
                         struct mti_http **out, char *msg, size_t msg_len)
{
	const struct mti_curl_api *api = mti_curl_api(msg, msg_len);
	struct mti_http *h;

	*out = NULL;
	if (!api)
		return MT_ERR_UNSUPPORTED;
	/* Plain http over a unix socket: no TLS to set up. */
	if (api->global_init(CURL_GLOBAL_NOTHING) != CURLE_OK) {
		snprintf(msg, msg_len, "libcurl could not be initialised");
		return MT_ERR_NOMEM;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		api->global_cleanup();
		return MT_ERR_NOMEM;
	}
	h->api = api;
	h->socket_path = mti_strdup(socket_path);
	h->curl = api->easy_init();
	if (!h->socket_path || !h->curl) {
		mti_http_free(h);
		snprintf(msg, msg_len, "out of memory");
		return MT_ERR_NOMEM;
	}
	h->deadline_ms = deadline_ms;
	h->max_reply = max_reply;
	h->api->easy_setopt(h->curl, CURLOPT_UNIX_SOCKET_PATH, h->socket_path);
	h->api->easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http");
	h->api->easy_setopt(h->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http");
	h->api->easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	h->api->easy_setopt(h->curl, CURLOPT_PROXY, "");
	h->api->easy_setopt(h->curl, CURLOPT_NOPROXY, "*");
	h->api->easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	h->api->easy_setopt(h->curl, CURLOPT_USERAGENT, "minertrace/" MT_VERSION);
	h->api->easy_setopt(h->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_reply);
	h->api->easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	h->api->easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	h->api->easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	h->api->easy_setopt(h->curl, CURLOPT_HEADERDATA, h);
	h->api->easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->errbuf);
	h->api->easy_setopt(h->curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	*out = h;
	return MT_OK;
}

void mti_http_free(struct mti_http *h)
{
	if (!h)
		return;
	if (h->curl)
		h->api->easy_cleanup(h->curl);
	h->api->global_cleanup();
	free(h->socket_path);
	free(h);
}

char *mti_http_escape(struct mti_http *h, const char *s)
{
	char *e = h->api->easy_escape(h->curl, s, 0);
	char *copy = mti_strdup(e);

	h->api->free(e);
	return copy;
}

/* Maps a failed transfer to an error and message. */
static enum mt_err transport_error(struct mti_http *h, CURLcode rc, char *msg, size_t msg_len)
{
	long os_errno = 0;

	h->api->easy_getinfo(h->curl, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		if (os_errno == EACCES || os_errno == EPERM) {
			snprintf(msg, msg_len, "permission denied on socket %s", h->socket_path);
			return MT_ERR_PERMISSION;
		}
		snprintf(msg, msg_len, "cannot connect to %s: %s", h->socket_path,
		         os_errno == ENOENT         ? "no such socket"
		         : os_errno == ECONNREFUSED ? "nobody is listening"
		         : os_errno                 ? strerror((int)os_errno)
		                                    : h->errbuf);
		return MT_ERR_ENGINE_UNREACHABLE;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(msg, msg_len, "no complete answer from %s before the deadline",
		         h->socket_path);
		return MT_ERR_ENGINE_TIMEOUT;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (h->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
			snprintf(msg, msg_len, "reply larger than %zu bytes refused", h->max_reply);
			return MT_ERR_TOO_LARGE;
		}
		snprintf(msg, msg_len, "out of memory receiving the reply");
		return MT_ERR_NOMEM;
	default:
		snprintf(msg, msg_len, "bad reply from %s: %s", h->socket_path,
		         h->errbuf[0] ? h->errbuf : h->api->easy_strerror(rc));
		return MT_ERR_ENGINE_REPLY;
	}
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
	int64_t left = h->deadline_ms - mti_monotonic_ms();

	*status = 0;
	msg[0] = '\0';
	mti_buf_reset(body);
	if (left <= 0) {
		snprintf(msg, msg_len, "the engine deadline has passed");
		return MT_ERR_ENGINE_TIMEOUT;
	}
	url = mti_asprintf("http://localhost%s", path);
	if (!url)
		return MT_ERR_NOMEM;
	h->body = body;
	h->over_cap = false;
	h->content_type[0] = '\0';
	memset(&h->server, 0, sizeof(h->server));
	h->errbuf[0] = '\0';
	h->api->easy_setopt(h->curl, CURLOPT_URL, url);
	h->api->easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)left);
	h->api->easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
	                    (long)(left < CONNECT_TIMEOUT_MS ? left : CONNECT_TIMEOUT_MS));
	rc = h->api->easy_perform(h->curl);
	free(url);
	h->body = NULL;
	if (rc != CURLE_OK)
		return transport_error(h, rc, msg, msg_len);
	h->api->easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
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
