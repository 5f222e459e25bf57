/* Unit tests: the miner's own configuration (lib/miner_config.c) on
 * command lines, environment blocks and config files
 * (tests/fixtures/miner-config), hostile and malformed ones included, and
 * the reader on this process's own /proc directory. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "miner_config.h"
#include "trace_model.h"
#include "util.h"

#define DIR MT_FIXTURES_DIR "/miner-config/"
#define WALLET                                                                                     \
	"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3R"  \
	"VGQBEP3A"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);

	ck_assert(f && buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The index of the n-th value of setting (from source when not NULL), -1. */
static int find(const struct mt_miner_config *mc, enum mt_miner_setting s, const char *source,
                int nth)
{
	size_t i;

	for (i = 0; i < mc->n_values; i++)
		if (mc->values[i].setting == s &&
		    (!source || strcmp(mc->values[i].source, source) == 0) && nth-- == 0)
			return (int)i;
	return -1;
}

static const char *value(const struct mt_miner_config *mc, enum mt_miner_setting s, int nth)
{
	int i = find(mc, s, NULL, nth);

	return i < 0 ? NULL : mc->values[i].value;
}

START_TEST(argv_xmrig_long_and_short)
{
	char *argv[] = {"./xmrig",
	                "-o",
	                "pool.minexmr.com:4444",
	                "-u",
	                WALLET,
	                "-pworker1",
	                "--rig-id=rig7",
	                "--algo",
	                "rx/0",
	                "-t",
	                "2",
	                "--donate-level=1",
	                "--coin=monero",
	                "-c",
	                "/etc/x.json",
	                "--url=stratum+tcp://b:3333"};
	struct mt_miner_config mc = {0};
	char *config = NULL;

	ck_assert_int_eq(mti_miner_config_argv(&mc, argv, MTI_ARRAY_LEN(argv), &config), MT_OK);
	ck_assert(mc.checked);
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 0), "pool.minexmr.com:4444");
	ck_assert_str_eq(mc.values[find(&mc, MT_MINER_POOL, NULL, 0)].name, "-o");
	ck_assert_str_eq(mc.values[find(&mc, MT_MINER_POOL, NULL, 0)].source, "argv");
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 1), "stratum+tcp://b:3333");
	ck_assert_str_eq(mc.values[find(&mc, MT_MINER_POOL, NULL, 1)].name, "--url");
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 0), WALLET);
	ck_assert_str_eq(value(&mc, MT_MINER_PASS, 0), "worker1");
	ck_assert_str_eq(value(&mc, MT_MINER_RIG_ID, 0), "rig7");
	ck_assert_str_eq(value(&mc, MT_MINER_ALGO, 0), "rx/0");
	ck_assert_str_eq(value(&mc, MT_MINER_THREADS, 0), "2");
	ck_assert_str_eq(value(&mc, MT_MINER_DONATE, 0), "1");
	ck_assert_str_eq(value(&mc, MT_MINER_COIN, 0), "monero");
	ck_assert_uint_eq(mc.n_values, 9);
	ck_assert_str_eq(config, "/etc/x.json");
	free(config);
	mti_miner_config_clear(&mc);
}
END_TEST

/* cpuminer's --userpass, xmr-stak's spellings; an option without its value
 * at the end, "--" and look-alike options are no settings. */
START_TEST(argv_other_miners_and_edges)
{
	char *argv[] = {"minerd", "--userpass=wal.w1:x", "-r",           "stak-rig", "--currency",
	                "monero", "--urlx=nope",         "--user-agent", "ua",       "--",
	                "-o",     "after-dashes"};
	char *tail[] = {"xmrig", "--config=cfg.json", "-o"};
	struct mt_miner_config mc = {0};
	char *config = NULL;

	ck_assert_int_eq(mti_miner_config_argv(&mc, argv, MTI_ARRAY_LEN(argv), &config), MT_OK);
	ck_assert_ptr_null(config);
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 0), "wal.w1");
	ck_assert_str_eq(value(&mc, MT_MINER_PASS, 0), "x");
	ck_assert_str_eq(value(&mc, MT_MINER_RIG_ID, 0), "stak-rig");
	ck_assert_str_eq(value(&mc, MT_MINER_COIN, 0), "monero");
	ck_assert_ptr_null(value(&mc, MT_MINER_POOL, 0));
	ck_assert_uint_eq(mc.n_values, 4);
	mti_miner_config_clear(&mc);
	ck_assert_int_eq(mti_miner_config_argv(&mc, tail, MTI_ARRAY_LEN(tail), &config), MT_OK);
	ck_assert_str_eq(config, "cfg.json");
	ck_assert_uint_eq(mc.n_values, 0);
	free(config);
	mti_miner_config_clear(&mc);
}
END_TEST

START_TEST(environ_only_miner_variables)
{
	static const char env[] = "PATH=/usr/bin\0USER=www-data\0POOL_URL=pool.example:3333\0"
	                          "WALLET=" WALLET "\0MINER_USER=other\0XMRIG_THREADS=4\0"
	                          "THREADS=99\0HOME=/root\0=odd\0NOEQUALS\0WORKER=w1";
	struct mt_miner_config mc = {0};

	/* the last record has no NUL: the block is read to its length */
	ck_assert_int_eq(mti_miner_config_environ(&mc, env, sizeof(env) - 1), MT_OK);
	ck_assert_uint_eq(mc.n_values, 5);
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 0), "pool.example:3333");
	ck_assert_str_eq(mc.values[0].source, "environ");
	ck_assert_str_eq(mc.values[0].name, "POOL_URL");
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 0), WALLET);
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 1), "other");
	ck_assert_str_eq(value(&mc, MT_MINER_THREADS, 0), "4");
	ck_assert_str_eq(value(&mc, MT_MINER_RIG_ID, 0), "w1");
	mti_miner_config_clear(&mc);
}
END_TEST

START_TEST(json_xmrig_config)
{
	struct mt_miner_config mc = {0};
	size_t len;
	char *buf = slurp(DIR "xmrig.json", &len);
	int i;

	ck_assert_int_eq(mti_miner_config_json(&mc, buf, len, "/tmp/.x/config.json"), MT_OK);
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 0), "pool.supportxmr.com:443");
	i = find(&mc, MT_MINER_POOL, "/tmp/.x/config.json", 0);
	ck_assert_str_eq(mc.values[i].name, "pools[0].url");
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 1), "stratum+tcp://xmr.pool.example:3333");
	ck_assert_str_eq(mc.values[find(&mc, MT_MINER_POOL, NULL, 1)].name, "pools[1].url");
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 0), WALLET);
	ck_assert_str_eq(value(&mc, MT_MINER_PASS, 0), "rig-07");
	ck_assert_str_eq(value(&mc, MT_MINER_RIG_ID, 0), "web-frontend");
	ck_assert_str_eq(value(&mc, MT_MINER_ALGO, 0), "rx/0");
	ck_assert_str_eq(value(&mc, MT_MINER_COIN, 0), "monero");
	ck_assert_str_eq(value(&mc, MT_MINER_DONATE, 0), "0");
	ck_assert_str_eq(value(&mc, MT_MINER_THREADS, 0), "75");
	ck_assert_str_eq(mc.values[find(&mc, MT_MINER_THREADS, NULL, 0)].name,
	                 "cpu.max-threads-hint");
	ck_assert_uint_eq(mc.n_values, 11);
	free(buf);
	mti_miner_config_clear(&mc);
}
END_TEST

START_TEST(json_cpuminer_config)
{
	struct mt_miner_config mc = {0};
	size_t len;
	char *buf = slurp(DIR "cpuminer.json", &len);

	ck_assert_int_eq(mti_miner_config_json(&mc, buf, len, "cpuminer.json"), MT_OK);
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 0), "stratum+tcp://pool.example.net:3008");
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 0), "wallet.worker1");
	ck_assert_str_eq(value(&mc, MT_MINER_PASS, 0), "x");
	ck_assert_str_eq(value(&mc, MT_MINER_ALGO, 0), "cryptonight");
	ck_assert_str_eq(value(&mc, MT_MINER_THREADS, 0), "2");
	free(buf);
	mti_miner_config_clear(&mc);
}
END_TEST

/* Control bytes are kept as bytes (the renderers escape them), a long
 * value is cut, wrong types are skipped, a NUL ends a string. */
START_TEST(json_hostile_config)
{
	struct mt_miner_config mc = {0};
	size_t len;
	char *buf = slurp(DIR "hostile.json", &len);

	ck_assert_int_eq(mti_miner_config_json(&mc, buf, len, "h.json"), MT_OK);
	ck_assert_str_eq(value(&mc, MT_MINER_POOL, 0), "evil\x1b[2J\apool:3333\r\nforged: line");
	ck_assert_uint_eq(strlen(value(&mc, MT_MINER_POOL, 1)), MTI_MINER_VALUE_MAX);
	ck_assert_str_eq(value(&mc, MT_MINER_USER, 0), "1.23457e+22");
	ck_assert_ptr_null(value(&mc, MT_MINER_PASS, 0));
	ck_assert_ptr_null(value(&mc, MT_MINER_RIG_ID, 0));
	ck_assert_ptr_null(value(&mc, MT_MINER_ALGO, 0));
	ck_assert_str_eq(value(&mc, MT_MINER_DONATE, 0), "1");
	ck_assert_str_eq(value(&mc, MT_MINER_THREADS, 0), "-1.5");
	ck_assert_uint_eq(mc.n_values, 5);
	free(buf);
	mti_miner_config_clear(&mc);
}
END_TEST

START_TEST(json_malformed_configs)
{
	static const char *const files[] = {"malformed.json", "not-object.json", "deep.json"};
	struct mt_miner_config mc = {0};
	size_t i, len;

	for (i = 0; i < MTI_ARRAY_LEN(files); i++) {
		char path[256], *buf;

		snprintf(path, sizeof(path), "%s%s", DIR, files[i]);
		buf = slurp(path, &len);
		ck_assert_int_eq(mti_miner_config_json(&mc, buf, len, files[i]), MT_ERR_PARSE);
		ck_assert_uint_eq(mc.n_values, 0);
		free(buf);
	}
	ck_assert_int_eq(mti_miner_config_json(&mc, "", 0, "empty"), MT_ERR_PARSE);
}
END_TEST

/* More pools than the cap: MTI_MINER_VALUES kept, the rest said. */
START_TEST(json_many_pools_capped)
{
	struct mt_miner_config mc = {0};
	struct mti_buf b;
	int i;

	mti_buf_init(&b);
	ck_assert_int_eq(mti_buf_puts(&b, "{\"pools\":["), MT_OK);
	for (i = 0; i < 40; i++)
		ck_assert_int_eq(mti_buf_printf(&b,
		                                "%s{\"url\":\"p%d:3333\",\"user\":\"u%d\","
		                                "\"pass\":\"w%d\",\"algo\":\"a%d\"}",
		                                i ? "," : "", i, i, i, i),
		                 MT_OK);
	ck_assert_int_eq(mti_buf_puts(&b, "]}"), MT_OK);
	ck_assert_int_eq(mti_miner_config_json(&mc, b.data, b.len, "many"), MT_OK);
	ck_assert_uint_eq(mc.n_values, MTI_MINER_VALUES);
	ck_assert(mc.truncated);
	ck_assert_str_eq(mc.values[MTI_MINER_VALUES - 1].value, "a15");
	mti_buf_free(&b);
	mti_miner_config_clear(&mc);
}
END_TEST

/* The reader on this process: -c names a file (read), a symlink to it is
 * refused and said, config.json beside the binary is found. */
START_TEST(read_named_beside_and_symlink)
{
	char tmpl[] = "/tmp/mt-miner-config-XXXXXX", path[512], link[512], exe[512];
	char *argv[] = {"xmrig", "-c", path};
	struct mt_process chain[1];
	struct mt_trace t;
	size_t len;
	char *buf = slurp(DIR "xmrig.json", &len);
	int dirfd;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/config.json", tmpl);
	snprintf(link, sizeof(link), "%s/link.json", tmpl);
	snprintf(exe, sizeof(exe), "%s/xmrig", tmpl);
	f = fopen(path, "w");
	ck_assert(f && fwrite(buf, 1, len, f) == len && fclose(f) == 0);
	ck_assert_int_eq(symlink(path, link), 0);
	dirfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dirfd, 0);

	memset(&t, 0, sizeof(t));
	memset(chain, 0, sizeof(chain));
	chain[0].pid = getpid();
	chain[0].argv = argv;
	chain[0].argc = 3;
	t.chain = chain;
	t.chain_len = 1;
	ck_assert_int_eq(mti_miner_config_read(&t, dirfd), MT_OK);
	ck_assert_str_eq(t.postmortem.miner_config.config_file, path);
	ck_assert_ptr_null(t.postmortem.miner_config.config_error);
	ck_assert(t.postmortem.miner_config.environ_read);
	ck_assert_str_eq(value(&t.postmortem.miner_config, MT_MINER_RIG_ID, 0), "web-frontend");
	ck_assert_str_eq(t.postmortem.miner_config.values[0].source, path);
	mti_miner_config_clear(&t.postmortem.miner_config);

	/* the same file through a symlink: refused, in a warning */
	argv[2] = link;
	ck_assert_int_eq(mti_miner_config_read(&t, dirfd), MT_OK);
	ck_assert_ptr_null(t.postmortem.miner_config.config_file);
	ck_assert_str_eq(t.postmortem.miner_config.config_error, "a symbolic link");
	ck_assert_uint_eq(t.postmortem.miner_config.n_values, 0);
	ck_assert_uint_eq(t.n_warnings, 1);
	mti_miner_config_clear(&t.postmortem.miner_config);

	/* no -c: config.json beside the binary */
	chain[0].argc = 1;
	chain[0].exe.path = exe;
	ck_assert_int_eq(mti_miner_config_read(&t, dirfd), MT_OK);
	ck_assert_str_eq(t.postmortem.miner_config.config_file, path);
	ck_assert_str_eq(value(&t.postmortem.miner_config, MT_MINER_POOL, 0),
	                 "pool.supportxmr.com:443");
	mti_miner_config_clear(&t.postmortem.miner_config);

	t.chain = NULL;
	t.chain_len = 0;
	mti_warnings_free(t.warnings, t.n_warnings);
	close(dirfd);
	unlink(link);
	unlink(path);
	rmdir(tmpl);
	free(buf);
}
END_TEST

static Suite *miner_config_suite(void)
{
	Suite *s = suite_create("miner_config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, argv_xmrig_long_and_short);
	tcase_add_test(tc, argv_other_miners_and_edges);
	tcase_add_test(tc, environ_only_miner_variables);
	tcase_add_test(tc, json_xmrig_config);
	tcase_add_test(tc, json_cpuminer_config);
	tcase_add_test(tc, json_hostile_config);
	tcase_add_test(tc, json_malformed_configs);
	tcase_add_test(tc, json_many_pools_capped);
	tcase_add_test(tc, read_named_beside_and_symlink);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(miner_config_suite)
