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
#include <stddef.h>

#include <minertrace/model.h>

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
};

/* Loads libcurl once per process (thread-safe) and returns its entry
 * points, or NULL with a reason in msg (at least msg_len bytes). */
const struct mti_curl_api *mti_curl_api(char *msg, size_t msg_len);

#endif
