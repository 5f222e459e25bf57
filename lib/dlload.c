/* The dynamic flavour: libraries loaded on first use (see dlload.h). */
#include "dlload.h"

#include <curl/curlver.h>
#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <openssl/opensslv.h>
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <minertrace/minertrace.h>

bool mti_dlload(const char *soname, const struct mti_dlsym *syms, size_t n, char *msg,
                size_t msg_len)
{
	void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
	const char *e;
	size_t i;

	if (!lib) {
		e = dlerror();
		snprintf(msg, msg_len, "cannot load %s: %s", soname, e ? e : "unknown error");
		return false;
	}
	for (i = 0; i < n; i++) {
		void *p = dlsym(lib, syms[i].name);

		if (!p) {
			/* The library stays loaded: unloading one with constructors
			 * is not safe. */
			snprintf(msg, msg_len, "%s lacks %s", soname, syms[i].name);
			return false;
		}
		memcpy(syms[i].out, &p, sizeof(p));
	}
	return true;
}

const char *mt_build_info(void)
{
	static char info[256];

	/* libcurl and libcrypto are not loaded for this: the versions built
	 * against. */
	if (!info[0])
		snprintf(info, sizeof(info),
		         "dynamic; loaded on first use: libcurl (built with " LIBCURL_VERSION
		         "), libcrypto (built with " OPENSSL_VERSION_STR "); linked: cJSON %s, "
		         "libcgroup " MTI_CGROUP_VERSION ", protobuf-c " PROTOBUF_C_VERSION
		         ", glibc %s",
		         cJSON_Version(), gnu_get_libc_version());
	return info;
}
