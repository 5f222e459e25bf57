/* Fuzz target: the gRPC framing and status (grpc_frame.c) and every decoder
 * of containerd's and the CRI's replies (grpc_decode.c). The first byte
 * picks (modulo 11): 0 a reply body (prefix and message), whose message
 * then goes to the decoder the second byte picks; 1-9 a message for one
 * decoder; 10 a grpc-status and grpc-message. Besides crashes: what is kept stays within
 * the caps, PIDs in range and unique, a reply about another object than
 * the one asked for is never accepted. */
#include "fuzz.h"
#include "grpc_decode.h"
#include "grpc_frame.h"
#include "oci_bundle.h"

#define ASKED "asked"

static void check_kv(const struct mti_kv_list *l)
{
	size_t i;

	FUZZ_ASSERT(l->n <= MTI_GRPC_MAX_KV);
	for (i = 0; i < l->n; i++) {
		FUZZ_ASSERT(l->items[i].key && *l->items[i].key);
		FUZZ_ASSERT(strlen(l->items[i].key) <= MTI_GRPC_MAX_STRING);
		FUZZ_ASSERT(strlen(l->items[i].value) <= MTI_GRPC_MAX_VALUE);
	}
}

static void check_str(const char *s)
{
	FUZZ_ASSERT(!s || (*s && strlen(s) <= MTI_GRPC_MAX_STRING));
}

static void decode(unsigned which, const uint8_t *m, size_t n)
{
	char why[160];
	size_t i, k;

	switch (which % 9) {
	case 0: {
		struct mti_ctd_container c;

		if (mti_ctd_container_decode(m, n, ASKED, &c, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(c.id && !strcmp(c.id, ASKED));
			check_str(c.image);
			check_str(c.runtime);
			check_kv(&c.labels);
			FUZZ_ASSERT(c.spec.n_args <= MTI_BUNDLE_MAX_ARGS);
		}
		mti_ctd_container_clear(&c);
		break;
	}
	case 1: {
		struct mti_ctd_image im;

		if (mti_ctd_image_decode(m, n, ASKED, &im, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(im.name && !strcmp(im.name, ASKED));
			FUZZ_ASSERT(!im.digest || !strncmp(im.digest, "sha", 3));
			check_kv(&im.labels);
		}
		mti_ctd_image_clear(&im);
		break;
	}
	case 2: {
		struct mti_ctd_pids p;

		if (mti_ctd_pids_decode(m, n, &p, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(p.n <= MTI_GRPC_MAX_PIDS);
			for (i = 0; i < p.n; i++) {
				FUZZ_ASSERT(p.items[i].pid > 0 && p.items[i].pid <= 4194304);
				check_str(p.items[i].exec_id);
				for (k = 0; k < i; k++)
					FUZZ_ASSERT(p.items[k].pid != p.items[i].pid);
			}
		}
		mti_ctd_pids_clear(&p);
		break;
	}
	case 3: {
		struct mti_cri_container c;

		if (mti_cri_container_decode(m, n, ASKED, &c, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(c.id && !strcmp(c.id, ASKED));
			check_str(c.name);
			check_str(c.image_ref);
			check_str(c.sandbox_id);
			check_kv(&c.labels);
			check_kv(&c.annotations);
			FUZZ_ASSERT(c.pid >= 0 && c.pid <= 4194304);
			FUZZ_ASSERT(c.created_ns >= 0 && c.state);
		}
		mti_cri_container_clear(&c);
		break;
	}
	case 4: {
		struct mti_cri_pod p;

		if (mti_cri_pod_decode(m, n, ASKED, &p, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(p.id && !strcmp(p.id, ASKED));
			check_str(p.name);
			check_str(p.namespace);
			check_kv(&p.labels);
			check_kv(&p.annotations);
			FUZZ_ASSERT(p.pid >= 0 && p.pid <= 4194304);
		}
		mti_cri_pod_clear(&p);
		break;
	}
	case 6: {
		struct mti_ctd_container_list l;

		if (mti_ctd_container_list_decode(m, n, ASKED, &l, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(l.n <= MTI_GRPC_MAX_LIST);
			for (i = 0; i < l.n; i++) {
				FUZZ_ASSERT(l.items[i].id && *l.items[i].id);
				FUZZ_ASSERT(l.items[i].image && !strcmp(l.items[i].image, ASKED));
				check_str(l.items[i].snapshot_key);
				check_kv(&l.items[i].labels);
				FUZZ_ASSERT(!l.items[i].have_spec);
			}
		}
		mti_ctd_container_list_clear(&l);
		break;
	}
	case 7: {
		struct mti_ctd_task_list l;

		if (mti_ctd_task_list_decode(m, n, &l, why, sizeof(why)) == MT_OK) {
			FUZZ_ASSERT(l.n <= MTI_GRPC_MAX_LIST);
			for (i = 0; i < l.n; i++) {
				FUZZ_ASSERT(l.items[i].container_id && *l.items[i].container_id);
				check_str(l.items[i].container_id);
				FUZZ_ASSERT(l.items[i].pid >= 0 && l.items[i].pid <= 4194304);
				FUZZ_ASSERT(l.items[i].status != NULL);
			}
		}
		mti_ctd_task_list_clear(&l);
		break;
	}
	case 8: {
		struct mti_ctd_mounts mo;

		if (mti_ctd_mounts_decode(m, n, &mo, why, sizeof(why)) == MT_OK) {
			check_str(mo.type);
			check_str(mo.upperdir);
			FUZZ_ASSERT(!mo.upperdir ||
			            (mo.upperdir[0] == '/' && !strstr(mo.upperdir, "/../") &&
			             mo.type && !strcmp(mo.type, "overlay")));
		}
		mti_ctd_mounts_clear(&mo);
		break;
	}
	default: {
		struct mti_cri_version v;

		if (mti_cri_version_decode(m, n, &v, why, sizeof(why)) == MT_OK)
			FUZZ_ASSERT(v.runtime_name != NULL);
		mti_cri_version_clear(&v);
		if (mti_ctd_version_decode(m, n, &v, why, sizeof(why)) == MT_OK)
			FUZZ_ASSERT(v.runtime_version && !strcmp(v.runtime_name, "containerd"));
		check_str(v.runtime_version);
		mti_cri_version_clear(&v);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	const uint8_t *m;
	size_t n;
	char why[160], text[64];
	int code;

	if (size < 1)
		return 0;
	buf = (uint8_t *)fuzz_copy(data + 1, size - 1, 0);
	switch (data[0] % 11) {
	case 0:
		if (size < 2)
			break;
		if (mti_grpc_unframe(buf + 1, size - 2, 1u << 20, &m, &n, why, sizeof(why)) ==
		    MT_OK) {
			FUZZ_ASSERT(m == buf + 1 + MTI_GRPC_PREFIX);
			FUZZ_ASSERT(n == size - 2 - MTI_GRPC_PREFIX && n <= 1u << 20);
			decode(buf[0], m, n);
		}
		break;
	case 10: {
		char *s = fuzz_copy(data + 1, size - 1, 1);

		if (mti_grpc_status_parse(s, &code))
			FUZZ_ASSERT(code >= 0 && code <= MTI_GRPC_MAX_CODE);
		mti_grpc_message_decode(s, text, sizeof(text));
		FUZZ_ASSERT(strlen(text) < sizeof(text));
		free(s);
		break;
	}
	default:
		decode(data[0] % 11 - 1u, buf, size - 1);
		break;
	}
	free(buf);
	return 0;
}
