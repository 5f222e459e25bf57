/* Loading a library on first use (see dlload.h). */
#include "dlload.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

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
