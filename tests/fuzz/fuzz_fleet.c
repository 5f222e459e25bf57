/* Fuzz target: minertrace report's reader of host documents (fleet.c) and
 * its renderers. Whatever a compromised host writes, the report keeps at
 * most one host per document, every finding points at a host, and the JSON
 * report parses again. */
#include <cjson/cJSON.h>

#include <minertrace/minertrace.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_render_options ro = {MT_COLOR_NEVER, 80, false};
	struct mt_fleet_options o;
	struct mt_fleet_reader *r;
	struct mt_fleet *f = NULL;
	char *buf = fuzz_copy(data, size, 0), *out = NULL;
	size_t len = 0, i;
	FILE *m;

	mt_fleet_options_init(&o);
	o.now_ms = 1795000000000LL;
	r = mt_fleet_reader_new(&o);
	FUZZ_ASSERT(r);
	FUZZ_ASSERT(mt_fleet_add_buffer(r, "fuzz.json", buf, size) == MT_OK);
	FUZZ_ASSERT(mt_fleet_finish(r, &f) == MT_OK);
	FUZZ_ASSERT(f->n_hosts == f->n_documents);
	FUZZ_ASSERT(f->n_clean + f->n_suspicious + f->n_failed == f->n_hosts);
	for (i = 0; i < f->n_findings; i++)
		FUZZ_ASSERT(f->findings[i].host < f->n_hosts);
	m = open_memstream(&out, &len);
	FUZZ_ASSERT(m);
	FUZZ_ASSERT(mt_render_fleet_json(f, &ro, m) == MT_OK);
	fclose(m);
	{
		cJSON *back = cJSON_ParseWithLength(out, len);

		FUZZ_ASSERT(back);
		cJSON_Delete(back);
	}
	free(out);
	m = open_memstream(&out, &len);
	FUZZ_ASSERT(m);
	FUZZ_ASSERT(mt_render_fleet_text(f, &ro, m) == MT_OK);
	FUZZ_ASSERT(mt_render_fleet_markdown(f, &ro, m) == MT_OK);
	fclose(m);
	FUZZ_ASSERT(!memchr(out, '\033', len));
	free(out);
	mt_fleet_free(f);
	free(buf);
	return 0;
}
