/* Loading a library on first use, the way systemd loads its optional
 * dependencies: dlopen by ABI name, then a table of symbols. */
#ifndef MTI_DLLOAD_H
#define MTI_DLLOAD_H

#include <stdbool.h>
#include <stddef.h>

struct mti_dlsym {
	const char *name;
	void *out; /* address of a function pointer to fill */
};

/* dlopens soname (lazily bound, local) and fills every symbol of syms.
 * False, with a reason in msg (msg_len bytes), when the library or one of
 * the symbols is missing. */
bool mti_dlload(const char *soname, const struct mti_dlsym *syms, size_t n, char *msg,
                size_t msg_len);

#endif
