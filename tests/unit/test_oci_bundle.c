/* Unit tests: lib/oci_bundle.c on config.json files captured from the e2e
 * containerd (ctr run, a CRI container and its sandbox) and hostile ones. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minertrace/minertrace.h>

#include "check_main.h"
#include "oci_bundle.h"
#include "trace_model.h"

#define SANDBOX "4a17c7ef73ba6586ae98ef96c0b8ce567ef86f33c91bf41de903076f43a03453"

static enum mt_err parse_file(const char *name, struct mt_oci_bundle *b)
{
	char path[512], *buf = malloc(64 * 1024);
	size_t n;
	FILE *f;
	enum mt_err err;

	snprintf(path, sizeof(path), "%s/bundle/%s", MT_FIXTURES_DIR, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, 64 * 1024, f);
	fclose(f);
	err = mti_oci_bundle_parse(buf, n, b);
	free(buf);
	return err;
}

static enum mt_err parse_str(const char *json, struct mt_oci_bundle *b)
{
	return mti_oci_bundle_parse(json, strlen(json), b);
}

START_TEST(real_cri_container)
{
	struct mt_oci_bundle b;

	ck_assert_int_eq(parse_file("containerd-1.6-cri-container.json", &b), MT_OK);
	ck_assert_str_eq(b.container_type, "container");
	ck_assert_str_eq(b.container_name, "api");
	ck_assert_str_eq(b.image_name, "docker.io/metabase/metabase:v0.46.6");
	ck_assert_str_eq(b.sandbox_id, SANDBOX);
	ck_assert_str_eq(b.pod_name, "billing-api-7d9f");
	ck_assert_str_eq(b.pod_namespace, "shop");
	ck_assert_str_eq(b.pod_uid, "3c1f9e2a-5b7d-4f60-8a9e-2d4c6b8f0e13");
	ck_assert_uint_eq(b.n_args, 6);
	ck_assert_str_eq(b.args[0], "/init");
	ck_assert_str_eq(b.args[5], "/tmp/kworker");
	ck_assert(!b.args_truncated);
	ck_assert_str_eq(b.root, "rootfs");
	mti_oci_bundle_clear(&b);
}
END_TEST

START_TEST(real_cri_sandbox)
{
	struct mt_oci_bundle b;

	ck_assert_int_eq(parse_file("containerd-1.6-cri-sandbox.json", &b), MT_OK);
	ck_assert_str_eq(b.container_type, "sandbox");
	ck_assert_ptr_null(b.container_name);
	ck_assert_ptr_null(b.image_name);
	ck_assert_str_eq(b.pod_name, "billing-api-7d9f");
	ck_assert_str_eq(b.args[0], "/pause");
	mti_oci_bundle_clear(&b);
}
END_TEST

/* ctr run: no CRI annotation at all, the spec still gives args and root. */
START_TEST(real_ctr_run)
{
	struct mt_oci_bundle b;

	ck_assert_int_eq(parse_file("containerd-1.6-ctr-run.json", &b), MT_OK);
	ck_assert_ptr_null(b.container_type);
	ck_assert_ptr_null(b.pod_name);
	ck_assert_uint_eq(b.n_args, 5);
	ck_assert_str_eq(b.args[0], "/usr/bin/xmrig");
	ck_assert_str_eq(b.args[2], "stratum+tcp://pool.minexmr.example:4444");
	ck_assert_str_eq(b.root, "rootfs");
	mti_oci_bundle_clear(&b);
}
END_TEST

START_TEST(hostile)
{
	struct mt_oci_bundle b;
	char *big, *many;
	size_t i, n;

	ck_assert_int_eq(parse_str("", &b), MT_ERR_PARSE);
	ck_assert_int_eq(parse_str("[1,2]", &b), MT_ERR_PARSE);
	ck_assert_int_eq(parse_str("{\"annotations\":", &b), MT_ERR_PARSE);
	/* wrong types are ignored, not trusted */
	ck_assert_int_eq(parse_str("{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":7,"
	                           "\"io.kubernetes.cri.sandbox-namespace\":[\"x\"]},"
	                           "\"process\":{\"args\":[\"a\",3,null,\"b\"]},\"root\":\"/x\"}",
	                           &b),
	                 MT_OK);
	ck_assert_ptr_null(b.pod_name);
	ck_assert_ptr_null(b.pod_namespace);
	ck_assert_uint_eq(b.n_args, 2);
	ck_assert_str_eq(b.args[1], "b");
	ck_assert(b.args_truncated);
	ck_assert_ptr_null(b.root);
	mti_oci_bundle_clear(&b);
	/* an over-long name is dropped; bytes are kept for the renderers to escape */
	big = malloc(4096);
	ck_assert_ptr_nonnull(big);
	n = (size_t)snprintf(big, 4096, "{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"");
	for (i = 0; i < 600; i++)
		big[n++] = 'a';
	snprintf(big + n, 4096 - n,
	         "\",\"io.kubernetes.cri.container-name\":\"x\\u001b[2Jy\"}}");
	ck_assert_int_eq(parse_str(big, &b), MT_OK);
	ck_assert_ptr_null(b.pod_name);
	ck_assert_str_eq(b.container_name, "x\x1b[2Jy");
	mti_oci_bundle_clear(&b);
	free(big);
	/* more arguments than kept */
	many = malloc(16 * 1024);
	ck_assert_ptr_nonnull(many);
	n = (size_t)snprintf(many, 16 * 1024, "{\"process\":{\"args\":[");
	for (i = 0; i < 400; i++)
		n += (size_t)snprintf(many + n, 16 * 1024 - n, "%s\"a\"", i ? "," : "");
	snprintf(many + n, 16 * 1024 - n, "]}}");
	ck_assert_int_eq(parse_str(many, &b), MT_OK);
	ck_assert_uint_eq(b.n_args, MTI_BUNDLE_MAX_ARGS);
	ck_assert(b.args_truncated);
	mti_oci_bundle_clear(&b);
	free(many);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("oci_bundle");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_cri_container);
	tcase_add_test(tc, real_cri_sandbox);
	tcase_add_test(tc, real_ctr_run);
	tcase_add_test(tc, hostile);
	suite_add_tcase(s, tc);
	return s;
}

MT_CHECK_MAIN(suite)
