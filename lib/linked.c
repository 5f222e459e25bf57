/* The static flavour: libcurl and libcrypto linked in (see dlload.h). The
 * callers ask for symbols by name as in the dynamic flavour; the answers
 * are addresses bound at link time, so nothing is ever dlopen'd. */
#include "dlload.h"

/* SHA-256's low-level entry points: OpenSSL 3 calls them deprecated, but
 * its EVP layer would link in the provider machinery (3 MB) for the same
 * digest. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <curl/curl.h>
#include <nghttp2/nghttp2.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <minertrace/minertrace.h>

#include "util.h"

/* A function's address under its name, as void (*)(void): the one
 * function pointer type that any other converts to without a warning. */
/* clang-format off */
#define LINKED(f) { .name = #f, .fn = (void (*)(void))(f) }
/* clang-format on */

static const struct linked_symbol {
	const char *name;
	void (*fn)(void);
} linked[] = {
    /* libcurl */
    LINKED(curl_global_init),
    LINKED(curl_global_cleanup),
    LINKED(curl_easy_init),
    LINKED(curl_easy_setopt),
    LINKED(curl_easy_perform),
    LINKED(curl_easy_getinfo),
    LINKED(curl_easy_cleanup),
    LINKED(curl_easy_strerror),
    LINKED(curl_easy_escape),
    LINKED(curl_free),
    LINKED(curl_slist_append),
    LINKED(curl_slist_free_all),
    /* libcrypto */
    LINKED(SHA256_Init),
    LINKED(SHA256_Update),
    LINKED(SHA256_Final),
};

bool mti_dlload(const char *soname, const struct mti_dlsym *syms, size_t n, char *msg,
                size_t msg_len)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < MTI_ARRAY_LEN(linked); k++)
			if (!strcmp(linked[k].name, syms[i].name))
				break;
		if (k == MTI_ARRAY_LEN(linked)) {
			snprintf(msg, msg_len, "%s (%s) is not linked into this static build",
			         syms[i].name, soname);
			return false;
		}
		memcpy(syms[i].out, &linked[k].fn, sizeof(linked[k].fn));
	}
	return true;
}

#define MTI_STR2(x) #x
#define MTI_STR(x) MTI_STR2(x)
#define CJSON_V                                                                                    \
	MTI_STR(CJSON_VERSION_MAJOR)                                                               \
	"." MTI_STR(CJSON_VERSION_MINOR) "." MTI_STR(CJSON_VERSION_PATCH)
#define GLIBC_V MTI_STR(__GLIBC__) "." MTI_STR(__GLIBC_MINOR__)

const char *mt_build_info(void)
{
	/* Every version from the headers of the archives linked in, so that
	 * --version runs none of their code: it costs about what an empty
	 * static program does. */
	return "static; libcurl " LIBCURL_VERSION ", nghttp2 " NGHTTP2_VERSION ", cJSON " CJSON_V
	       ", libcgroup " MTI_CGROUP_VERSION ", protobuf-c " PROTOBUF_C_VERSION
	       ", " OPENSSL_VERSION_TEXT ", glibc " GLIBC_V;
}
