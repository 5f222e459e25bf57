/* libcurl, loaded on first use (see curl_api.h). */
#include "curl_api.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <minertrace/minertrace.h>

#include "dlload.h"
#include "util.h"

/* The ABI name of libcurl since 2006 (curl 7.16). */
#define LIBCURL_SONAME "libcurl.so.4"
#define CONNECT_TIMEOUT_MS 1000

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct mti_curl_api api;
static bool loaded;
static char load_error[256];

static void load(void)
{
	const struct mti_dlsym syms[] = {
	    {"curl_global_init", &api.global_init},   {"curl_global_cleanup", &api.global_cleanup},
	    {"curl_easy_init", &api.easy_init},       {"curl_easy_setopt", &api.easy_setopt},
	    {"curl_easy_perform", &api.easy_perform}, {"curl_easy_getinfo", &api.easy_getinfo},
	    {"curl_easy_cleanup", &api.easy_cleanup}, {"curl_easy_strerror", &api.easy_strerror},
	    {"curl_easy_escape", &api.easy_escape},   {"curl_free", &api.free},
	    {"curl_slist_append", &api.slist_append}, {"curl_slist_free_all", &api.slist_free_all},
	};

	loaded =
	    mti_dlload(LIBCURL_SONAME, syms, MTI_ARRAY_LEN(syms), load_error, sizeof(load_error));
}

const struct mti_curl_api *mti_curl_api(char *msg, size_t msg_len)
{
	pthread_once(&load_once, load);
	if (!loaded) {
		if (msg && msg_len)
			mti_strlcpy(msg, load_error, msg_len);
		return NULL;
	}
	return &api;
}

/* Receives the reply into s->body, within the cap. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct mti_curl_socket *s = userp;
	size_t n = size * nmemb;

	if (s->body->len + n > s->max_reply) {
		s->over_cap = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	if (mti_buf_append(s->body, data, n))
		return 0;
	return n;
}

enum mt_err mti_curl_socket_open(struct mti_curl_socket *s, const char *socket_path,
                                 int64_t deadline_ms, size_t max_reply,
                                 size_t (*on_header)(char *, size_t, size_t, void *),
                                 void *header_data, char *msg, size_t msg_len)
{
	const struct mti_curl_api *a = mti_curl_api(msg, msg_len);

	memset(s, 0, sizeof(*s));
	if (!a)
		return MT_ERR_UNSUPPORTED;
	/* Plain http over a unix socket: no TLS to set up. */
	if (a->global_init(CURL_GLOBAL_NOTHING) != CURLE_OK) {
		snprintf(msg, msg_len, "libcurl could not be initialised");
		return MT_ERR_NOMEM;
	}
	s->api = a;
	s->path = mti_strdup(socket_path);
	s->curl = a->easy_init();
	if (!s->path || !s->curl) {
		mti_curl_socket_close(s);
		snprintf(msg, msg_len, "out of memory");
		return MT_ERR_NOMEM;
	}
	s->deadline_ms = deadline_ms;
	s->max_reply = max_reply;
	a->easy_setopt(s->curl, CURLOPT_UNIX_SOCKET_PATH, s->path);
	a->easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http");
	a->easy_setopt(s->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http");
	a->easy_setopt(s->curl, CURLOPT_FOLLOWLOCATION, 0L);
	a->easy_setopt(s->curl, CURLOPT_PROXY, "");
	a->easy_setopt(s->curl, CURLOPT_NOPROXY, "*");
	a->easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	a->easy_setopt(s->curl, CURLOPT_USERAGENT, "minertrace/" MT_VERSION);
	a->easy_setopt(s->curl, CURLOPT_ERRORBUFFER, s->errbuf);
	a->easy_setopt(s->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max_reply);
	a->easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body);
	a->easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
	a->easy_setopt(s->curl, CURLOPT_HEADERFUNCTION, on_header);
	a->easy_setopt(s->curl, CURLOPT_HEADERDATA, header_data);
	return MT_OK;
}

void mti_curl_socket_close(struct mti_curl_socket *s)
{
	if (!s->api)
		return;
	if (s->curl)
		s->api->easy_cleanup(s->curl);
	s->api->global_cleanup();
	free(s->path);
	memset(s, 0, sizeof(*s));
}

bool mti_curl_deadline(struct mti_curl_socket *s)
{
	int64_t left = s->deadline_ms - mti_monotonic_ms();

	if (left <= 0)
		return false;
	s->api->easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, (long)left);
	s->api->easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT_MS,
	                    (long)(left < CONNECT_TIMEOUT_MS ? left : CONNECT_TIMEOUT_MS));
	return true;
}

enum mt_err mti_curl_transport_error(struct mti_curl_socket *s, CURLcode rc, char *msg,
                                     size_t msg_len)
{
	long os_errno = 0;

	s->api->easy_getinfo(s->curl, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		if (os_errno == EACCES || os_errno == EPERM) {
			snprintf(msg, msg_len, "permission denied on socket %s", s->path);
			return MT_ERR_PERMISSION;
		}
		snprintf(msg, msg_len, "cannot connect to %s: %s", s->path,
		         os_errno == ENOENT         ? "no such socket"
		         : os_errno == ECONNREFUSED ? "nobody is listening"
		         : os_errno                 ? strerror((int)os_errno)
		                                    : s->errbuf);
		return MT_ERR_ENGINE_UNREACHABLE;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(msg, msg_len, "no complete answer from %s before the deadline", s->path);
		return MT_ERR_ENGINE_TIMEOUT;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (s->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
			snprintf(msg, msg_len, "reply larger than %zu bytes refused", s->max_reply);
			return MT_ERR_TOO_LARGE;
		}
		snprintf(msg, msg_len, "out of memory receiving the reply");
		return MT_ERR_NOMEM;
	default:
		snprintf(msg, msg_len, "bad reply from %s: %s", s->path,
		         s->errbuf[0] ? s->errbuf : s->api->easy_strerror(rc));
		return MT_ERR_ENGINE_REPLY;
	}
}

bool mti_curl_header_value(const char *data, size_t n, const char *key, char *out, size_t out_len)
{
	size_t kl = strlen(key), i, o = 0;

	if (n <= kl || strncasecmp(data, key, kl) != 0)
		return false;
	i = kl;
	while (i < n && (data[i] == ' ' || data[i] == '\t'))
		i++;
	while (i < n && o + 1 < out_len && data[i] != '\r' && data[i] != '\n')
		out[o++] = data[i++];
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
	return true;
}
