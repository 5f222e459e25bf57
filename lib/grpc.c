/* Unary gRPC over a unix socket with libcurl (see grpc.h).
 *
 * The runtime's socket may be dead, slow, hanging, speaking HTTP/1.1 only
 * or lying: every call is bounded by the run's deadline (also sent as
 * grpc-timeout), every reply by a size cap enforced while it streams in,
 * and the reply must be HTTP/2 200, application/grpc, one uncompressed
 * message and a grpc-status. libcurl hands the trailers to the header
 * callback, like the headers: grpc-status may come in either (a
 * "trailers-only" error reply has no body).
 *
 * One connection for every call: the first is made with HTTP/2 prior
 * knowledge; the calls that follow ask for plain HTTP/2 on the connection
 * already speaking it. libcurl 7.88 (Debian 12) fails a request with prior
 * knowledge on a reused connection ("Error in the HTTP2 framing layer": it
 * sets up HTTP/2 a second time on it; fixed in curl 8.0). Should the
 * runtime have closed the connection meanwhile, plain HTTP/2 would open a
 * new one as HTTP/1.1 asking for an upgrade, which gRPC servers refuse: the
 * call is then made once more with prior knowledge.
 */
#include "grpc.h"

#include "curl_api.h"
#include "grpc_frame.h"
#include "shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct mti_grpc {
	struct mti_curl_socket sock;
	char namespace_header[32 + MTI_CONTAINERD_ID_MAX];
	long connections;
	bool h2_up; /* the connection speaks HTTP/2: reuse it without prior knowledge */
	long last_connects;
	/* the call in progress */
	struct mti_buf body;
	char content_type[64];
	char status_text[32];
	char message[256];
};

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct mti_grpc *g = userp;
	size_t n = size * nmemb;

	mti_curl_header_value(data, n, "content-type:", g->content_type, sizeof(g->content_type));
	mti_curl_header_value(data, n, "grpc-status:", g->status_text, sizeof(g->status_text));
	mti_curl_header_value(data, n, "grpc-message:", g->message, sizeof(g->message));
	return n;
}

enum mt_err mti_grpc_new(const char *socket_path, int64_t deadline_ms, size_t max_reply,
                         struct mti_grpc **out, char *msg, size_t msg_len)
{
	struct mti_grpc *g = calloc(1, sizeof(*g));
	enum mt_err e;

	*out = NULL;
	if (!g) {
		snprintf(msg, msg_len, "out of memory");
		return MT_ERR_NOMEM;
	}
	mti_buf_init(&g->body);
	e = mti_curl_socket_open(&g->sock, socket_path, deadline_ms, max_reply, on_header, g, msg,
	                         msg_len);
	if (e) {
		free(g);
		return e;
	}
	g->sock.body = &g->body;
	g->sock.api->easy_setopt(g->sock.curl, CURLOPT_POST, 1L);
	*out = g;
	return MT_OK;
}

void mti_grpc_free(struct mti_grpc *g)
{
	if (!g)
		return;
	mti_curl_socket_close(&g->sock);
	mti_buf_free(&g->body);
	free(g);
}

enum mt_err mti_grpc_set_namespace(struct mti_grpc *g, const char *ns)
{
	if (!ns || !ns[0]) {
		g->namespace_header[0] = '\0';
		return MT_OK;
	}
	if (!mti_containerd_identifier(ns))
		return MT_ERR_INVALID_ARG;
	snprintf(g->namespace_header, sizeof(g->namespace_header), "containerd-namespace: %s", ns);
	return MT_OK;
}

long mti_grpc_connections(const struct mti_grpc *g)
{
	return g->connections;
}

/* The request headers of one call; NULL when memory ran out. */
static struct curl_slist *call_headers(struct mti_grpc *g)
{
	const struct mti_curl_api *a = g->sock.api;
	struct curl_slist *list = NULL, *next;
	char timeout[48];
	int64_t left = g->sock.deadline_ms - mti_monotonic_ms();
	const char *lines[6];
	size_t i, n = 0;

	/* The server gives up too when the run's deadline passes. */
	snprintf(timeout, sizeof(timeout), "grpc-timeout: %lldm", (long long)(left > 0 ? left : 1));
	lines[n++] = "content-type: application/grpc";
	lines[n++] = "te: trailers";
	lines[n++] = timeout;
	lines[n++] = "Expect:";
	lines[n++] = "Accept:";
	if (g->namespace_header[0])
		lines[n++] = g->namespace_header;
	for (i = 0; i < n; i++) {
		next = a->slist_append(list, lines[i]);
		if (!next) {
			a->slist_free_all(list);
			return NULL;
		}
		list = next;
	}
	return list;
}

/* One transfer of the framed request; its connections counted. */
static CURLcode perform(struct mti_grpc *g, const char *url, struct curl_slist *headers,
                        const struct mti_buf *framed)
{
	const struct mti_curl_api *a = g->sock.api;
	CURL *curl = g->sock.curl;
	long connects = 0, version = 0;
	CURLcode rc;

	mti_buf_reset(&g->body);
	g->sock.over_cap = false;
	g->content_type[0] = g->status_text[0] = g->message[0] = g->sock.errbuf[0] = '\0';
	a->easy_setopt(
	    curl, CURLOPT_HTTP_VERSION,
	    (long)(g->h2_up ? CURL_HTTP_VERSION_2_0 : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
	a->easy_setopt(curl, CURLOPT_URL, url);
	a->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	a->easy_setopt(curl, CURLOPT_POSTFIELDS, framed->data);
	a->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)framed->len);
	rc = a->easy_perform(curl);
	a->easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
	a->easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
	g->last_connects = connects;
	g->connections += connects;
	/* The connection spoke HTTP/2, whether or not this call failed: libcurl
	 * keeps it after a refused reply. */
	g->h2_up = version == CURL_HTTP_VERSION_2_0;
	/* Nothing of this call's may be used by the next one. */
	a->easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	a->easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
	return rc;
}

/* Checks the finished transfer and finds its message. */
static enum mt_err check_reply(struct mti_grpc *g, struct mti_buf *reply, int *status, char *msg,
                               size_t msg_len)
{
	long http = 0, version = 0;
	const uint8_t *m;
	size_t m_len;
	char text[sizeof(g->message)];
	enum mt_err e;

	g->sock.api->easy_getinfo(g->sock.curl, CURLINFO_RESPONSE_CODE, &http);
	g->sock.api->easy_getinfo(g->sock.curl, CURLINFO_HTTP_VERSION, &version);
	if (version != CURL_HTTP_VERSION_2_0 || http != 200) {
		snprintf(msg, msg_len, "%s answered HTTP%s %ld, not a gRPC reply", g->sock.path,
		         version == CURL_HTTP_VERSION_2_0 ? "/2" : "/1", http);
		return MT_ERR_ENGINE_REPLY;
	}
	if (g->status_text[0] && !mti_grpc_status_parse(g->status_text, status)) {
		snprintf(msg, msg_len, "invalid grpc-status \"%.16s\"", g->status_text);
		return MT_ERR_ENGINE_REPLY;
	}
	if (*status > 0) {
		mti_grpc_message_decode(g->message, text, sizeof(text));
		snprintf(msg, msg_len, "%s: %s", mti_grpc_status_name(*status), text);
		return mti_grpc_status_err(*status);
	}
	if (strncasecmp(g->content_type, "application/grpc", 16) != 0 ||
	    (g->content_type[16] != '\0' && g->content_type[16] != '+' &&
	     g->content_type[16] != ';')) {
		snprintf(msg, msg_len, "reply is not gRPC (content-type \"%.60s\")",
		         g->content_type);
		return MT_ERR_ENGINE_REPLY;
	}
	if (*status < 0) {
		snprintf(msg, msg_len, "reply without a grpc-status (trailers missing)");
		return MT_ERR_ENGINE_REPLY;
	}
	e = mti_grpc_unframe((const uint8_t *)g->body.data, g->body.len, g->sock.max_reply, &m,
	                     &m_len, msg, msg_len);
	if (e == MT_OK)
		e = mti_buf_append(reply, m, m_len);
	if (e == MT_OK && !reply->data)
		e = mti_buf_reserve(reply, 0);
	return e;
}

enum mt_err mti_grpc_call(struct mti_grpc *g, const char *method, const void *req, size_t req_len,
                          struct mti_buf *reply, int *status, char *msg, size_t msg_len)
{
	struct mti_buf framed;
	struct curl_slist *headers = NULL;
	char *url = NULL;
	bool was_up;
	CURLcode rc;
	enum mt_err e;

	*status = -1;
	msg[0] = '\0';
	mti_buf_reset(reply);
	mti_buf_init(&framed);
	if (!mti_curl_deadline(&g->sock)) {
		snprintf(msg, msg_len, "the runtime deadline has passed");
		return MT_ERR_ENGINE_TIMEOUT;
	}
	if (method[0] != '/' || strpbrk(method, " \r\n?#")) {
		snprintf(msg, msg_len, "invalid method %.80s", method);
		return MT_ERR_INVALID_ARG;
	}
	e = mti_grpc_frame(req, req_len, &framed);
	url = e == MT_OK ? mti_asprintf("http://localhost%s", method) : NULL;
	headers = url ? call_headers(g) : NULL;
	if (!headers) {
		e = e == MT_OK ? MT_ERR_NOMEM : e;
		snprintf(msg, msg_len, "out of memory");
		goto out;
	}
	was_up = g->h2_up;
	rc = perform(g, url, headers, &framed);
	if (was_up && !g->h2_up && g->last_connects > 0) {
		/* The runtime had closed the connection and the new one did not
		 * speak HTTP/2: once more with prior knowledge. */
		if (!mti_curl_deadline(&g->sock)) {
			snprintf(msg, msg_len, "the runtime deadline has passed");
			e = MT_ERR_ENGINE_TIMEOUT;
			goto out;
		}
		g->sock.api->easy_setopt(g->sock.curl, CURLOPT_FRESH_CONNECT, 1L);
		rc = perform(g, url, headers, &framed);
		g->sock.api->easy_setopt(g->sock.curl, CURLOPT_FRESH_CONNECT, 0L);
	}
	if (rc != CURLE_OK) {
		e = mti_curl_transport_error(&g->sock, rc, msg, msg_len);
		goto out;
	}
	e = check_reply(g, reply, status, msg, msg_len);
out:
	if (headers)
		g->sock.api->slist_free_all(headers);
	free(url);
	mti_buf_free(&framed);
	return e;
}

enum mt_err mti_grpc_rpc(struct mti_grpc *g, const char *ns, enum mti_rpc rpc, const char *id,
                         void *out, struct mti_buf *raw, char *msg, size_t msg_len)
{
	struct mti_buf req, reply;
	int status;
	enum mt_err e;

	mti_buf_init(&req);
	mti_buf_init(&reply);
	e = mti_grpc_set_namespace(g, mti_rpc_namespaced(rpc) ? ns : NULL);
	if (e)
		snprintf(msg, msg_len, "invalid containerd namespace");
	if (e == MT_OK && (e = mti_rpc_request(rpc, id, &req)) == MT_ERR_INVALID_ARG)
		snprintf(msg, msg_len, "\"%s\" cannot be asked for", id ? id : "");
	if (e == MT_OK)
		e = mti_grpc_call(g, mti_rpc_method(rpc), req.data, req.len, &reply, &status, msg,
		                  msg_len);
	if (raw) {
		mti_buf_reset(raw);
		if (e == MT_OK && mti_buf_append(raw, reply.data, reply.len))
			e = MT_ERR_NOMEM;
	}
	if (e == MT_OK)
		e = mti_rpc_decode(rpc, (const uint8_t *)reply.data, reply.len, id, out, msg,
		                   msg_len);
	mti_buf_free(&req);
	mti_buf_free(&reply);
	return e;
}
