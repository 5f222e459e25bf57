/* libcurl, loaded on first use (see curl_api.h). */
#include "curl_api.h"

#include <pthread.h>

#include "dlload.h"
#include "util.h"

/* The ABI name of libcurl since 2006 (curl 7.16). */
#define LIBCURL_SONAME "libcurl.so.4"

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
