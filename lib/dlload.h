/* How minertrace reaches libcurl and libcrypto, in one of two flavours that
 * CMake chooses between (MT_STATIC) by compiling one of two files:
 *
 *  - dlload.c, the dynamic flavour: each library is dlopen'd by its ABI name
 *    on first use, the way systemd loads its optional dependencies, so a run
 *    that never asks the engine or hashes never pays for loading it;
 *  - linked.c, the static flavour: the libraries are linked in, and the same
 *    table of names is answered from their addresses, bound at link time.
 *    Nothing is ever dlopen'd.
 *
 * The callers (curl_api.c, hash.c) are the same in both. */
#ifndef MTI_DLLOAD_H
#define MTI_DLLOAD_H

#include <stdbool.h>
#include <stddef.h>

struct mti_dlsym {
	const char *name;
	void *out; /* address of a function pointer to fill */
};

/* Makes the library soname available and fills every symbol of syms.
 * False, with a reason in msg (msg_len bytes), when the library or one of
 * the symbols is missing. */
bool mti_dlload(const char *soname, const struct mti_dlsym *syms, size_t n, char *msg,
                size_t msg_len);

#endif
