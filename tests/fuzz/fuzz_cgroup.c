/* Fuzz target: /proc/PID/cgroup into a container reference. */
#include "cgroup_path.h"
#include "fuzz.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 0);
	struct mt_cgroup_info info;

	if (mti_cgroup_parse(buf, size, &info) == MT_OK) {
		const char *id = info.container.id;

		if (id) {
			enum mt_runtime rt = info.container.runtime;

			FUZZ_ASSERT(info.scope == MT_SCOPE_CONTAINER ||
			            info.scope == MT_SCOPE_RUNTIME);
			FUZZ_ASSERT(strlen(id) > 0);
			/* runtimes with 64-hex IDs never yield anything else; LXC
			 * and nspawn name their containers */
			if (rt != MT_RUNTIME_LXC && rt != MT_RUNTIME_NSPAWN)
				FUZZ_ASSERT(strlen(id) == 64 && mti_is_hex(id, 64));
		}
		mti_cgroup_info_free(&info);
	}
	free(buf);
	return 0;
}
