/* Shared by the libFuzzer targets: the input copied into a buffer of its
 * exact size (so AddressSanitizer sees any read past the end), and an
 * invariant check that aborts, which libFuzzer reports as a crash. */
#ifndef MT_FUZZ_H
#define MT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A malloc'd copy of size bytes; with nul, one more byte holding '\0'. */
static inline char *fuzz_copy(const uint8_t *data, size_t size, int nul)
{
	char *p = malloc(size + (nul ? 1 : 0) + (size == 0 && !nul));

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	if (nul)
		p[size] = '\0';
	return p;
}

#endif
