/* The Docker Engine API replies captured from the dropper incident
 * (tests/fixtures/engine/docker-20.10-dropper), for the suites that decode
 * them. */
#ifndef MT_ENGINE_FIXTURE_H
#define MT_ENGINE_FIXTURE_H

#include <check.h>
#include <stdio.h>

#include "util.h"

#define DIR MT_FIXTURES_DIR "/engine/docker-20.10-dropper/"
#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"
#define XID "86054809e9607f4b6ba9b9e61cd00c52958937892584d298bdc825c4648778f9"
#define IMG "sha256:20c3af9d76f245a7e61f8dc8312d8246d9ee6136925a1eb48d7279c45d777561"

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
