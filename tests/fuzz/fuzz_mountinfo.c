/* Fuzz target: /proc/PID/mountinfo, overlay options and lowerdir lists. */
#include "fuzz.h"
#include "mountinfo.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 0);
	struct mti_mounts m;
	size_t i;

	if (mti_mounts_parse(buf, size, &m) == MT_OK) {
		FUZZ_ASSERT(m.n > 0 && m.n <= MTI_MOUNTS_MAX);
		for (i = 0; i < m.n && i < 64; i++) {
			char *v = NULL, **dirs = NULL;
			size_t n = 0;

			FUZZ_ASSERT(m.v[i].mount_point && m.v[i].fstype);
			if (mti_mount_option(&m.v[i], "lowerdir", &v) == MT_OK) {
				if (mti_split_lowerdir(v, &dirs, &n) == MT_OK)
					mti_strv_free(dirs, n);
				free(v);
			}
			mti_mounts_for_file(&m, m.v[i].major, m.v[i].minor, "/tmp/x");
		}
		mti_mounts_root(&m);
		mti_mounts_free(&m);
	}
	free(buf);
	return 0;
}
