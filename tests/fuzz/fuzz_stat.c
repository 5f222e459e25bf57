/* Fuzz target: /proc/PID/stat, /proc/stat's btime and namespace links. */
#include "fuzz.h"
#include "proc_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size, 0), *str;
	struct mti_stat st;
	uint64_t btime, ino;

	if (mti_parse_stat(buf, size, &st) == MT_OK) {
		/* the name lies inside the input, between '(' and ')' */
		FUZZ_ASSERT(st.comm >= buf && st.comm + st.comm_len <= buf + size);
		FUZZ_ASSERT(st.comm > buf && st.comm[-1] == '(');
		FUZZ_ASSERT(st.comm + st.comm_len < buf + size && st.comm[st.comm_len] == ')');
	}
	mti_parse_btime(buf, size, &btime);
	free(buf);
	str = fuzz_copy(data, size, 1);
	mti_parse_ns_link(str, &ino);
	free(str);
	return 0;
}
