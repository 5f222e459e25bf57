/* Fuzz target: /proc/PID/status, and cmdline/environ splitting. */
#include "fuzz.h"
#include "proc_parse.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 0), **argv = NULL;
	struct mti_status st;
	size_t argc = 0, i, total = 0, vlen;
	bool truncated = false;

	if (mti_parse_status(buf, size, &st) == MT_OK)
		FUZZ_ASSERT(st.n_nspid <= MTI_NSPID_MAX);
	if (mti_split_nul(buf, size, 64, &argv, &argc, &truncated) == MT_OK) {
		FUZZ_ASSERT(argc <= 64);
		for (i = 0; i < argc; i++)
			total += strlen(argv[i]);
		FUZZ_ASSERT(total <= size);
		mti_strv_free(argv, argc);
	}
	mti_env_find(buf, size, "PATH", &vlen);
	free(buf);
	return 0;
}
