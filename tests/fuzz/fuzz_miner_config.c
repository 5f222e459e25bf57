/* Fuzz target: the miner's configuration: a config file (first byte 0),
 * an environment block (1) or a command line split at NUL bytes (2). */
#include "fuzz.h"
#include "miner_config.h"
#include "proc_parse.h"
#include "trace_model.h"
#include "util.h"

/* Every value kept is capped, named and sourced. */
static void check(const struct mt_miner_config *mc)
{
	size_t i;

	FUZZ_ASSERT(mc->n_values <= MTI_MINER_VALUES);
	for (i = 0; i < mc->n_values; i++) {
		FUZZ_ASSERT(mc->values[i].value && mc->values[i].value[0]);
		FUZZ_ASSERT(strlen(mc->values[i].value) <= MTI_MINER_VALUE_MAX);
		FUZZ_ASSERT(mc->values[i].source && mc->values[i].name);
		FUZZ_ASSERT(mc->values[i].setting <= MT_MINER_THREADS);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_miner_config mc = {0};
	char *buf, *config = NULL, **argv = NULL;
	size_t argc = 0;

	if (!size)
		return 0;
	buf = fuzz_copy(data + 1, size - 1, 0);
	switch (data[0] % 3) {
	case 0:
		mti_miner_config_json(&mc, buf, size - 1, "config.json");
		break;
	case 1:
		mti_miner_config_environ(&mc, buf, size - 1);
		break;
	default:
		if (mti_split_nul(buf, size - 1, 256, &argv, &argc, NULL) == MT_OK)
			mti_miner_config_argv(&mc, argv, argc, &config);
		mti_strv_free(argv, argc);
		free(config);
		break;
	}
	check(&mc);
	mti_miner_config_clear(&mc);
	free(buf);
	return 0;
}
