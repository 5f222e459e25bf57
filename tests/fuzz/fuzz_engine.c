/* Fuzz target: every Docker Engine API reply decoder (and the API version
 * parser, on /version's ApiVersion). The first byte picks the decoder; the
 * rest is the reply body. A reply about another object
 * than the one asked for must never be accepted. */
#include "engine_decode.h"
#include "fuzz.h"
#include "trace_model.h"
#include "util.h"

#define CID "d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295"
#define IMG "sha256:20c3af9d76f245a7e61f8dc8312d8246d9ee6136925a1eb48d7279c45d777561"
#define XID "86054809e9607f4b6ba9b9e61cd00c52958937892584d298bdc825c4648778f9"

static void container(const char *body, size_t len, struct mt_trace *t)
{
	struct mt_engine_container ec;
	char **ids = NULL;
	size_t n = 0;

	if (mti_decode_container(body, len, CID, t, &ec, &ids, &n) == MT_OK) {
		FUZZ_ASSERT(ec.id && strcmp(ec.id, CID) == 0);
		FUZZ_ASSERT(n <= MTI_ENGINE_MAX_EXECS && ec.n_labels <= MTI_ENGINE_MAX_LABELS);
		mti_strv_free(ids, n);
		mti_engine_container_clear(&ec);
	}
}

static void image(const char *body, size_t len, struct mt_trace *t)
{
	struct mt_image img;

	if (mti_decode_image(body, len, IMG, t, &img) == MT_OK) {
		FUZZ_ASSERT(img.id && strcmp(img.id, IMG) == 0);
		mti_image_clear(&img);
	}
}

static void exec_session(const char *body, size_t len, struct mt_trace *t)
{
	struct mt_exec_session x;

	if (mti_decode_exec(body, len, XID, CID, t, &x) == MT_OK) {
		FUZZ_ASSERT(x.id && strcmp(x.id, XID) == 0);
		mti_exec_session_clear(&x);
	}
}

static void events(const char *body, size_t len, struct mt_trace *t)
{
	struct mt_event *ev = NULL;
	size_t n = 0, i;

	if (mti_decode_events(body, len, CID, t, &ev, &n) == MT_OK) {
		FUZZ_ASSERT(n <= MTI_ENGINE_MAX_EVENTS);
		for (i = 0; i < n; i++)
			mti_event_clear(&ev[i]);
		free(ev);
	}
}

static void changes(const char *body, size_t len, struct mt_trace *t)
{
	struct mt_engine_container ec;

	memset(&ec, 0, sizeof(ec));
	if (mti_decode_changes(body, len, "/tmp/kinsing", t, &ec) == MT_OK)
		FUZZ_ASSERT(ec.n_changes <= MTI_ENGINE_MAX_CHANGES);
	mti_engine_container_clear(&ec);
}

static void version(const char *body, size_t len, struct mt_trace *t)
{
	char *api = NULL, *ver = NULL, *os = NULL;
	struct mti_api_version v;

	mti_decode_version(body, len, t, &api, &ver, &os);
	/* what the version parser accepts is digits and one dot, bounded */
	if (api && mti_parse_api_version(api, &v))
		FUZZ_ASSERT(v.major <= 9999 && v.minor <= 9999 &&
		            strspn(api, "0123456789.") == strlen(api));
	free(api);
	free(ver);
	free(os);
}

static void container_list(const char *body, size_t len, struct mt_trace *t)
{
	struct mt_spread_image si;
	size_t i;

	memset(&si, 0, sizeof(si));
	if (mti_decode_container_list(body, len, IMG, CID, t, &si) == MT_OK) {
		FUZZ_ASSERT(si.n_containers <= MTI_ENGINE_MAX_SAME_IMAGE);
		for (i = 0; i < si.n_containers; i++)
			FUZZ_ASSERT(si.containers[i].id && strlen(si.containers[i].id) == 64 &&
			            strcmp(si.containers[i].id, CID) != 0);
	}
	mti_spread_image_clear(&si);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const decoders[])(const char *, size_t, struct mt_trace *) = {
	    container, image, exec_session, events, changes, version, container_list};
	struct mt_trace *t;
	char *body;

	if (size < 1)
		return 0;
	t = calloc(1, sizeof(*t));
	FUZZ_ASSERT(t);
	body = fuzz_copy(data + 1, size - 1, 0);
	decoders[data[0] % MTI_ARRAY_LEN(decoders)](body, size - 1, t);
	free(body);
	mt_trace_free(t);
	return 0;
}
