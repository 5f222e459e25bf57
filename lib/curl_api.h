/* libcurl, loaded on first use.
 *
 * Loading libcurl and its dependency tree (on Debian: gnutls through
 * libldap, nghttp2, idn2, ...) and running their constructors costs about
 * 10 ms, more than a whole trace of /proc. Linked normally, every run pays it
 * before main(); loaded here, on the engine thread, it overlaps with the
 * /proc walk, and a run with --no-engine or a captured tree never pays it.
 */
#ifndef MTI_CURL_API_H
#define MTI_CURL_API_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

#include "util.h"

struct mti_curl_api {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
	char *(*easy_escape)(CURL *curl, const char *string, int length);
	void (*free)(void *ptr);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
	void (*slist_free_all)(struct curl_slist *list);
};

/* Loads libcurl once per process (thread-safe) and returns its entry
 * points, or NULL with a reason in msg (at least msg_len bytes). */
const struct mti_curl_api *mti_curl_api(char *msg, size_t msg_len);

/* A libcurl handle on a runtime's unix socket: what the HTTP client
 * (engine_http.c) and the gRPC client (grpc.c) share. One easy handle, so
 * one connection reused for every request; a deadline for all of them; a
 * cap on every reply, enforced while it streams into *body. */
struct mti_curl_socket {
	const struct mti_curl_api *api;
	CURL *curl;
	char *path;
	int64_t deadline_ms;
	size_t max_reply;
	struct mti_buf *body; /* where the reply being received goes */
	bool over_cap;
	char errbuf[CURL_ERROR_SIZE];
};

/* Loads libcurl and opens s on socket_path (nothing is connected yet):
 * plain http only, no proxy, no redirects, no signals, minertrace's user
 * agent, replies into s->body within max_reply bytes, each header line to
 * on_header with header_data. MT_ERR_UNSUPPORTED (libcurl cannot be
 * loaded) or MT_ERR_NOMEM, with msg (msg_len bytes) saying why; s is then
 * closed already. */
enum mt_err mti_curl_socket_open(struct mti_curl_socket *s, const char *socket_path,
                                 int64_t deadline_ms, size_t max_reply,
                                 size_t (*on_header)(char *, size_t, size_t, void *),
                                 void *header_data, char *msg, size_t msg_len);
/* Closes s; a zeroed or closed s is allowed. */
void mti_curl_socket_close(struct mti_curl_socket *s);

/* Bounds the next transfer by the deadline: total and connect time outs.
 * False when the deadline has passed. */
bool mti_curl_deadline(struct mti_curl_socket *s);

/* Maps a failed transfer to an error and a message (at least msg_len
 * bytes): MT_ERR_ENGINE_UNREACHABLE, MT_ERR_PERMISSION,
 * MT_ERR_ENGINE_TIMEOUT, MT_ERR_TOO_LARGE (the reply passed the cap),
 * MT_ERR_NOMEM, MT_ERR_ENGINE_REPLY. */
enum mt_err mti_curl_transport_error(struct mti_curl_socket *s, CURLcode rc, char *msg,
                                     size_t msg_len);

/* Pure: copies the value of header "key:" (lower case, with the colon)
 * into out when the n bytes of data are that header line, without the
 * white space around it. True when it was that header. */
bool mti_curl_header_value(const char *data, size_t n, const char *key, char *out, size_t out_len);

#endif
