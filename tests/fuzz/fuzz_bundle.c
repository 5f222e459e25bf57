/* Fuzz target: a containerd task's OCI bundle config.json (oci_bundle.c),
 * and the shim command line (shim.c) split from the same bytes at NULs. */
#include "fuzz.h"
#include "oci_bundle.h"
#include "shim.h"
#include "trace_model.h"

#define MAX_ARGV 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 1), *argv[MAX_ARGV];
	struct mt_oci_bundle b;
	struct mti_shim shim;
	size_t i, argc = 0;

	if (mti_oci_bundle_parse(buf, size, &b) == MT_OK) {
		FUZZ_ASSERT(b.n_args <= MTI_BUNDLE_MAX_ARGS);
		for (i = 0; i < b.n_args; i++)
			FUZZ_ASSERT(b.args[i] != NULL);
		FUZZ_ASSERT(!b.pod_name || strlen(b.pod_name) <= 512);
		mti_oci_bundle_clear(&b);
	}
	for (i = 0; i < size && argc < MAX_ARGV; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	if (mti_shim_parse(argv, argc, &shim)) {
		FUZZ_ASSERT(shim.namespace && *shim.namespace && !strchr(shim.namespace, '/'));
		FUZZ_ASSERT(!shim.id || (*shim.id && !strchr(shim.id, '/')));
		FUZZ_ASSERT(!shim.address || shim.address[0] == '/');
	}
	free(buf);
	return 0;
}
