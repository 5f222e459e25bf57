/* A fixture file read whole, for the suites that decode captured replies. */
#ifndef MT_SLURP_H
#define MT_SLURP_H

#include <check.h>
#include <stdio.h>

#include "util.h"

/* The whole file at path (the caller frees), its length in *len. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	struct mti_buf b;
	char chunk[4096];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	mti_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ck_assert_int_eq(mti_buf_append(&b, chunk, n), MT_OK);
	fclose(f);
	*len = b.len;
	return mti_buf_steal(&b);
}

#endif
