/* minertrace report: scan and trace documents of many hosts read as hostile
 * input, checked field by field, merged into one ranked and grouped view.
 *
 * A document is attributed to the one host it was saved for and to nothing
 * else: a nested trace that names another host stays with the document's
 * host (with a warning), two documents naming the same host are both kept,
 * and a time ahead of the reader's clock is not believed.
 */
#include <minertrace/fleet.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define MAX_SIGNALS 32
#define MAX_DIR_ENTRIES 200000u

struct mt_fleet_reader {
	struct mt_fleet_options o;
	struct mt_fleet *f;
	size_t cap_hosts;
	size_t cap_findings;
	bool limit_warned;
};

/* What one document is being read as: its host and the first type error. */
struct doc {
	struct mt_fleet_reader *r;
	size_t host;
	const char *source;
	bool type_warned;
};

void mt_fleet_options_init(struct mt_fleet_options *o)
{
	memset(o, 0, sizeof(*o));
}

const char *mt_host_state_name(enum mt_host_state state)
{
	switch (state) {
	case MT_HOST_SUSPICIOUS:
		return "suspicious";
	case MT_HOST_FAILED:
		return "failed";
	default:
		return "clean";
	}
}

static void fleet_warn(struct mt_fleet_reader *r, enum mt_err code, const char *source,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fleet_warn(struct mt_fleet_reader *r, enum mt_err code, const char *source,
                       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mti_warnings_vadd(&r->f->warnings, &r->f->n_warnings, code, 0, source, fmt, ap);
	va_end(ap);
}

struct mt_fleet_reader *mt_fleet_reader_new(const struct mt_fleet_options *o)
{
	struct mt_fleet_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (o)
		r->o = *o;
	if (!r->o.now_ms)
		r->o.now_ms = mti_now_ms();
	if (!r->o.max_file_bytes)
		r->o.max_file_bytes = MT_FLEET_MAX_FILE_BYTES;
	if (!r->o.max_documents)
		r->o.max_documents = MT_FLEET_MAX_DOCUMENTS;
	r->f = calloc(1, sizeof(*r->f));
	if (!r->f) {
		free(r);
		return NULL;
	}
	r->f->generated_ms = r->o.now_ms;
	return r;
}

static void host_clear(struct mt_fleet_host *h)
{
	free(h->name);
	free(h->source);
	free(h->boot_id);
	free(h->failure);
}

static void finding_clear(struct mt_fleet_finding *x)
{
	free(x->comm);
	free(x->exe_path);
	free(x->sha256);
	free(x->container);
	free(x->image_ref);
	free(x->image_id);
	free(x->image_digest);
	free(x->classification);
	mti_strv_free(x->signals, x->n_signals);
}

static void groups_free(struct mt_fleet_group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(g[i].key);
		free(g[i].label);
		free(g[i].detail);
	}
	free(g);
}

void mt_fleet_free(struct mt_fleet *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n_hosts; i++)
		host_clear(&f->hosts[i]);
	free(f->hosts);
	for (i = 0; i < f->n_findings; i++)
		finding_clear(&f->findings[i]);
	free(f->findings);
	groups_free(f->images, f->n_images);
	groups_free(f->binaries, f->n_binaries);
	mti_warnings_free(f->warnings, f->n_warnings);
	free(f);
}

void mt_fleet_reader_free(struct mt_fleet_reader *r)
{
	if (!r)
		return;
	mt_fleet_free(r->f);
	free(r);
}

/* A copy of s cut at MT_FLEET_MAX_STRING bytes; NULL stays NULL. */
static char *bounded_dup(const char *s)
{
	return s ? mti_strndup(s, strnlen(s, MT_FLEET_MAX_STRING)) : NULL;
}

/* Parses "2026-11-23T09:41:15.371Z" (the form minertrace writes) into ms
 * since the epoch; -1 for anything else. */
static int64_t parse_time(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	uint64_t year, mon, day, hour, min, sec, msec;
	struct tm tm;
	time_t t;
	size_t i;

	if (!s || strlen(s) != sizeof(form) - 1)
		return -1;
	for (i = 0; i < sizeof(form) - 1; i++)
		if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i])
			return -1;
	if (!mti_parse_u64(s, 4, &year) || !mti_parse_u64(s + 5, 2, &mon) ||
	    !mti_parse_u64(s + 8, 2, &day) || !mti_parse_u64(s + 11, 2, &hour) ||
	    !mti_parse_u64(s + 14, 2, &min) || !mti_parse_u64(s + 17, 2, &sec) ||
	    !mti_parse_u64(s + 20, 3, &msec))
		return -1;
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)year - 1900;
	tm.tm_mon = (int)mon - 1;
	tm.tm_mday = (int)day;
	tm.tm_hour = (int)hour;
	tm.tm_min = (int)min;
	tm.tm_sec = (int)sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != (int)day)
		return -1;
	return (int64_t)t * 1000 + (int64_t)msec;
}

/* The string under key, NULL when absent or null; a value of another type
 * is also NULL and is reported once per document. */
static const char *get_str(struct doc *d, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsString(v) && v->valuestring)
		return v->valuestring;
	if (!d->type_warned) {
		d->type_warned = true;
		fleet_warn(d->r, MT_ERR_PARSE, d->source, "\"%s\" is not a string: ignored", key);
	}
	return NULL;
}

/* An integer under key within [min, max], or fallback. */
static long long get_int(struct doc *d, const cJSON *o, const char *key, long long min,
                         long long max, long long fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double x;

	if (!v || cJSON_IsNull(v))
		return fallback;
	x = cJSON_IsNumber(v) ? v->valuedouble : -1e300;
	if (x >= (double)min && x <= (double)max && x == (double)(long long)x)
		return (long long)x;
	if (!d->type_warned) {
		d->type_warned = true;
		fleet_warn(d->r, MT_ERR_PARSE, d->source,
		           "\"%s\" is not an integer from %lld to %lld", key, min, max);
	}
	return fallback;
}

static const cJSON *get_obj(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *get_arr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsArray(v) ? v : NULL;
}

/* "sha256:" followed by 64 lower-case hex digits, from prefix on. */
static bool is_sha256_ref(const char *s, const char *prefix)
{
	const char *p;

	if (!s)
		return false;
	if (!*prefix)
		return strlen(s) == 64 && mti_is_hex(s, 64);
	p = strstr(s, prefix);
	if (!p || (p != s && prefix[0] != '@'))
		return false;
	p += strlen(prefix);
	return strlen(p) == 64 && mti_is_hex(p, 64);
}

/* Keeps a hash-like field only when it has the right form. */
static char *checked_dup(struct doc *d, const char *s, const char *prefix, const char *what)
{
	if (!s)
		return NULL;
	if (is_sha256_ref(s, prefix))
		return mti_strdup(s);
	fleet_warn(d->r, MT_ERR_PARSE, d->source, "%s is not a SHA-256 reference: ignored", what);
	return NULL;
}

static enum mt_err new_host(struct mt_fleet_reader *r, const char *source, const char *kind,
                            size_t *idx)
{
	struct mt_fleet *f = r->f;
	struct mt_fleet_host *h;

	if (mti_grow((void **)&f->hosts, &r->cap_hosts, f->n_hosts + 1, sizeof(*f->hosts)))
		return MT_ERR_NOMEM;
	h = &f->hosts[f->n_hosts];
	memset(h, 0, sizeof(*h));
	h->source = mti_strdup(source);
	if (!h->source)
		return MT_ERR_NOMEM;
	h->kind = kind;
	h->collected_ms = -1;
	h->top_score = -1;
	*idx = f->n_hosts++;
	f->n_documents++;
	return MT_OK;
}

/* Marks host idx failed; takes reason (NULL: out of memory). */
static enum mt_err fail_host(struct mt_fleet_reader *r, size_t idx, char *reason)
{
	struct mt_fleet_host *h = &r->f->hosts[idx];

	if (!reason)
		return MT_ERR_NOMEM;
	free(h->failure);
	h->failure = reason;
	h->state = MT_HOST_FAILED;
	return MT_OK;
}

/* An unusable document from source: a failed host named after the source. */
static enum mt_err add_invalid(struct mt_fleet_reader *r, const char *source, const char *why)
{
	size_t idx;
	enum mt_err err = new_host(r, source, "invalid", &idx);

	return err ? err : fail_host(r, idx, mti_asprintf("invalid document: %s", why));
}

/* A credible time: not ahead of the reader's clock nor of limit_ms (when
 * known), allowing MT_FLEET_CLOCK_SKEW_MS of skew. */
static bool credible(const struct mt_fleet_reader *r, int64_t ms, int64_t limit_ms)
{
	if (ms < 0 || ms > r->o.now_ms + MT_FLEET_CLOCK_SKEW_MS)
		return false;
	return limit_ms < 0 || ms <= limit_ms + MT_FLEET_CLOCK_SKEW_MS;
}

static enum mt_err new_finding(struct mt_fleet_reader *r, size_t host,
                               struct mt_fleet_finding **out)
{
	struct mt_fleet *f = r->f;

	if (mti_grow((void **)&f->findings, &r->cap_findings, f->n_findings + 1,
	             sizeof(*f->findings)))
		return MT_ERR_NOMEM;
	*out = &f->findings[f->n_findings++];
	memset(*out, 0, sizeof(**out));
	(*out)->host = host;
	(*out)->score = -1;
	(*out)->started_ms = -1;
	return MT_OK;
}

/* The container of the chain's first process, from containers[]. */
static const cJSON *target_container(struct doc *d, const cJSON *trace, const cJSON *p0)
{
	const char *id = get_str(d, p0, "container_id");
	const cJSON *c;

	if (!id)
		return NULL;
	cJSON_ArrayForEach (c, get_arr(trace, "containers")) {
		const char *cid = cJSON_IsObject(c) ? get_str(d, c, "id") : NULL;

		if (cid && strcmp(cid, id) == 0)
			return c;
	}
	return NULL;
}

/* Fills x from a trace document: the target's executable, container,
 * image and verdict. */
static enum mt_err read_trace(struct doc *d, const cJSON *trace, struct mt_fleet_finding *x)
{
	const cJSON *chain = get_arr(trace, "chain"), *p0, *exe, *c, *img, *digests;
	const struct mt_fleet_host *h = &d->r->f->hosts[d->host];
	const char *start;

	p0 = chain ? cJSON_GetArrayItem(chain, 0) : NULL;
	if (!cJSON_IsObject(p0))
		return MT_OK;
	if (!x->comm)
		x->comm = bounded_dup(get_str(d, p0, "comm"));
	exe = get_obj(p0, "exe");
	if (exe) {
		x->exe_path = bounded_dup(get_str(d, exe, "path"));
		x->exe_deleted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(exe, "deleted"));
		x->sha256 = checked_dup(d, get_str(d, exe, "sha256"), "", "an executable's sha256");
	}
	start = get_str(d, p0, "start_time");
	x->started_ms = parse_time(start);
	if (start && !credible(d->r, x->started_ms, h->collected_ms)) {
		fleet_warn(d->r, MT_ERR_PARSE, d->source,
		           "PID %d: start time is malformed or later than the scan: not used",
		           (int)x->pid);
		x->started_ms = -1;
	}
	c = target_container(d, trace, p0);
	if (c) {
		x->container = bounded_dup(get_str(d, c, "short_id"));
		img = get_obj(get_obj(c, "engine"), "image");
		if (img) {
			x->image_ref = bounded_dup(get_str(d, img, "reference"));
			x->image_id =
			    checked_dup(d, get_str(d, img, "id"), "sha256:", "an image id");
			digests = get_arr(img, "repo_digests");
			if (digests && cJSON_IsString(cJSON_GetArrayItem(digests, 0)))
				x->image_digest =
				    checked_dup(d, cJSON_GetArrayItem(digests, 0)->valuestring,
				                "@sha256:", "an image digest");
		}
	}
	x->classification = bounded_dup(get_str(d, get_obj(trace, "verdict"), "classification"));
	return MT_OK;
}

/* True when the evidence of a nested trace names another host than the
 * document it is in. */
static bool other_host(struct doc *d, const cJSON *trace)
{
	const struct mt_fleet_host *h = &d->r->f->hosts[d->host];
	const cJSON *ev = get_obj(trace, "evidence");
	const char *name = get_str(d, ev, "hostname"), *boot = get_str(d, ev, "boot_id");

	if (!ev)
		return false;
	if ((name || h->name) && (!name || !h->name || strcmp(name, h->name) != 0))
		return true;
	return boot && h->boot_id && strcmp(boot, h->boot_id) != 0;
}

/* The signal ids of a finding (at most MAX_SIGNALS). */
static enum mt_err read_signals(struct doc *d, const cJSON *sigs, struct mt_fleet_finding *x)
{
	const cJSON *s;

	cJSON_ArrayForEach (s, sigs) {
		const char *id = cJSON_IsObject(s) ? get_str(d, s, "id") : NULL;

		if (!id)
			continue;
		if (x->n_signals == MAX_SIGNALS)
			break;
		if (!x->signals && !(x->signals = calloc(MAX_SIGNALS, sizeof(*x->signals))))
			return MT_ERR_NOMEM;
		if (!(x->signals[x->n_signals] = mti_strndup(id, strnlen(id, 64))))
			return MT_ERR_NOMEM;
		x->n_signals++;
	}
	return MT_OK;
}

/* One finding of a scan document. */
static enum mt_err read_finding(struct doc *d, const cJSON *o, size_t n)
{
	struct mt_fleet_finding *x;
	const cJSON *trace;
	long long score = get_int(d, o, "score", 0, 100, -1);
	long long pid = get_int(d, o, "pid", 1, MTI_PID_MAX_LIMIT, -1);
	enum mt_err err;

	if (score < 0 || pid < 0) {
		fleet_warn(d->r, MT_ERR_PARSE, d->source,
		           "finding %zu has no valid score or PID: left out", n + 1);
		return MT_OK;
	}
	err = new_finding(d->r, d->host, &x);
	if (err)
		return err;
	x->score = (int)score;
	x->pid = (pid_t)pid;
	x->comm = bounded_dup(get_str(d, o, "comm"));
	err = read_signals(d, get_arr(o, "signals"), x);
	if (err)
		return err;
	trace = get_obj(o, "trace");
	if (!trace)
		return MT_OK;
	if (other_host(d, trace)) {
		fleet_warn(d->r, MT_ERR_PARSE, d->source,
		           "finding %zu (PID %d) carries a trace from another host: counted for "
		           "this document's host only",
		           n + 1, (int)x->pid);
	}
	if (get_int(d, get_obj(trace, "target"), "pid", 1, MTI_PID_MAX_LIMIT, -1) != pid) {
		fleet_warn(d->r, MT_ERR_PARSE, d->source,
		           "finding %zu: its trace is about another PID: trace not used", n + 1);
		return MT_OK;
	}
	return read_trace(d, trace, x);
}

/* The evidence every host document carries: its host name, boot ID and
 * when it was collected. */
static enum mt_err read_evidence(struct doc *d, const cJSON *root)
{
	struct mt_fleet_host *h = &d->r->f->hosts[d->host];
	const cJSON *ev = get_obj(root, "evidence");
	const char *at, *name, *boot;

	if (!ev)
		return fail_host(d->r, d->host, mti_strdup("invalid document: no evidence object"));
	name = get_str(d, ev, "hostname");
	boot = get_str(d, ev, "boot_id");
	h->name = bounded_dup(name);
	h->boot_id = bounded_dup(boot);
	if ((name && !h->name) || (boot && !h->boot_id))
		return MT_ERR_NOMEM;
	at = get_str(d, ev, "collected_at");
	h->collected_ms = parse_time(at);
	if (h->collected_ms >= 0 && !credible(d->r, h->collected_ms, -1)) {
		fleet_warn(d->r, MT_ERR_PARSE, d->source,
		           "collected_at %.40s is ahead of this clock: not used", at);
		h->collected_ms = -1;
	} else if (h->collected_ms < 0) {
		fleet_warn(d->r, MT_ERR_PARSE, d->source, "collected_at is missing or malformed");
	}
	return MT_OK;
}

static enum mt_err read_scan(struct doc *d, const cJSON *root)
{
	const cJSON *findings = get_arr(root, "findings"), *o;
	size_t n = 0;
	enum mt_err err = MT_OK;

	if (!findings)
		return fail_host(d->r, d->host, mti_strdup("invalid document: no findings array"));
	cJSON_ArrayForEach (o, findings) {
		if (n == MT_FLEET_MAX_FINDINGS) {
			fleet_warn(d->r, MT_ERR_LIMIT, d->source,
			           "more than %u findings: the rest left out",
			           MT_FLEET_MAX_FINDINGS);
			break;
		}
		err = cJSON_IsObject(o) ? read_finding(d, o, n) : MT_OK;
		if (err)
			break;
		n++;
	}
	return err;
}

static enum mt_err read_single_trace(struct doc *d, const cJSON *root)
{
	const cJSON *target = get_obj(root, "target");
	const char *status = get_str(d, target, "status");
	long long pid = get_int(d, target, "pid", 1, MTI_PID_MAX_LIMIT, -1);
	struct mt_fleet_finding *x;
	enum mt_err err;

	if (pid < 0)
		return fail_host(d->r, d->host,
		                 mti_strdup("invalid document: no valid target PID"));
	if (!status || (strcmp(status, "traced") != 0 && strcmp(status, "vanished") != 0)) {
		fleet_warn(d->r, MT_ERR_NOT_FOUND, d->source,
		           "the traced PID %lld was not found or not readable", pid);
		return MT_OK;
	}
	err = new_finding(d->r, d->host, &x);
	if (err)
		return err;
	x->pid = (pid_t)pid;
	err = read_signals(d, get_arr(get_obj(root, "verdict"), "signals"), x);
	return err ? err : read_trace(d, root, x);
}

/* A failure record: the fleet run could not scan the host. */
static enum mt_err read_failure(struct doc *d, const cJSON *root)
{
	struct mt_fleet_host *h = &d->r->f->hosts[d->host];
	const char *host = get_str(d, root, "host"), *msg = get_str(d, root, "message");

	h->name = bounded_dup(host);
	if (host && !h->name)
		return MT_ERR_NOMEM;
	return fail_host(d->r, d->host, bounded_dup(msg ? msg : "no reason given"));
}

/* Sets the host's state and top score from its findings. */
static void settle_host(struct mt_fleet *f, size_t host, size_t first_finding)
{
	struct mt_fleet_host *h = &f->hosts[host];
	size_t i;

	if (h->state == MT_HOST_FAILED)
		return;
	h->n_findings = f->n_findings - first_finding;
	for (i = first_finding; i < f->n_findings; i++)
		if (f->findings[i].score > h->top_score)
			h->top_score = f->findings[i].score;
	h->state = h->n_findings ? MT_HOST_SUSPICIOUS : MT_HOST_CLEAN;
}

/* One parsed document from source. */
static enum mt_err add_document(struct mt_fleet_reader *r, const char *source, const cJSON *root)
{
	struct doc d = {r, 0, source, false};
	const char *schema = cJSON_IsObject(root) ? get_str(&d, root, "schema") : NULL;
	size_t first = r->f->n_findings;
	enum mt_err err;

	if (!schema)
		return add_invalid(r, source, "not a minertrace document (no \"schema\")");
	if (strcmp(schema, MT_SCAN_SCHEMA) == 0)
		err = new_host(r, source, "scan", &d.host);
	else if (strcmp(schema, "minertrace/1") == 0)
		err = new_host(r, source, "trace", &d.host);
	else if (strcmp(schema, MT_HOST_FAILURE_SCHEMA) == 0)
		err = new_host(r, source, "failure", &d.host);
	else
		return add_invalid(r, source, "unknown schema");
	if (err)
		return err;
	if (strcmp(r->f->hosts[d.host].kind, "failure") == 0)
		return read_failure(&d, root);
	err = read_evidence(&d, root);
	if (!err && r->f->hosts[d.host].state != MT_HOST_FAILED)
		err = strcmp(r->f->hosts[d.host].kind, "scan") == 0 ? read_scan(&d, root)
		                                                    : read_single_trace(&d, root);
	if (!err)
		settle_host(r->f, d.host, first);
	return err;
}

/* True when no more documents may be added (and says so once). */
static bool at_limit(struct mt_fleet_reader *r, const char *source)
{
	if (r->f->n_documents < r->o.max_documents)
		return false;
	if (!r->limit_warned)
		fleet_warn(r, MT_ERR_LIMIT, source, "more than %zu documents: the rest left out",
		           r->o.max_documents);
	r->limit_warned = true;
	return true;
}

enum mt_err mt_fleet_add_buffer(struct mt_fleet_reader *r, const char *source, const char *data,
                                size_t len)
{
	size_t off = 0, n = 0;
	enum mt_err err = MT_OK;

	if (!r || !source || (!data && len))
		return MT_ERR_INVALID_ARG;
	while (!err) {
		const char *end = NULL;
		cJSON *root;
		char *label;

		while (off < len && strchr(" \t\r\n", data[off]) && data[off])
			off++;
		if (off >= len) {
			if (n == 0)
				err = add_invalid(r, source, "empty file");
			break;
		}
		if (at_limit(r, source))
			break;
		n++;
		label = n == 1 ? mti_strdup(source) : mti_asprintf("%s#%zu", source, n);
		if (!label)
			return MT_ERR_NOMEM;
		root = cJSON_ParseWithLengthOpts(data + off, len - off, &end, 0);
		if (!root) {
			char why[64];

			snprintf(why, sizeof(why), "not JSON (at byte %zu)",
			         end && end >= data ? (size_t)(end - data) : off);
			err = add_invalid(r, label, why);
			free(label);
			break; /* no way to find where the next document starts */
		}
		off = (size_t)(end - data);
		err = add_document(r, label, root);
		cJSON_Delete(root);
		free(label);
	}
	return err;
}

/* Reads one open file (fd, closed here) named source. */
static enum mt_err add_fd(struct mt_fleet_reader *r, int fd, const char *source)
{
	struct mti_buf buf;
	struct stat st;
	enum mt_err err;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		fleet_warn(r, MT_ERR_UNSUPPORTED, source, "not a regular file: not read");
		return MT_OK;
	}
	if ((uint64_t)st.st_size > r->o.max_file_bytes) {
		close(fd);
		return add_invalid(r, source, "file larger than the cap");
	}
	mti_buf_init(&buf);
	err = mti_read_fd(fd, r->o.max_file_bytes, &buf, NULL);
	close(fd);
	if (err == MT_ERR_TOO_LARGE)
		err = add_invalid(r, source, "file larger than the cap");
	else if (err && err != MT_ERR_NOMEM)
		fleet_warn(r, err, source, "cannot read: %s", mt_strerror(err));
	else if (!err)
		err = mt_fleet_add_buffer(r, source, buf.data ? buf.data : "", buf.len);
	mti_buf_free(&buf);
	return err == MT_ERR_NOMEM ? err : MT_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.json regular file directly in the directory dfd (closed here),
 * sorted by name; links and other types are left out. */
static enum mt_err add_dir(struct mt_fleet_reader *r, int dfd, const char *path)
{
	DIR *dir = fdopendir(dfd);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	enum mt_err err = MT_OK;

	if (!dir) {
		close(dfd);
		fleet_warn(r, MT_ERR_IO, path, "cannot list: %s", strerror(errno));
		return MT_OK;
	}
	while ((de = readdir(dir)) != NULL && !err) {
		if (de->d_name[0] == '.' || !mti_str_ends(de->d_name, ".json"))
			continue;
		if (n == MAX_DIR_ENTRIES) {
			fleet_warn(r, MT_ERR_LIMIT, path, "more than %u files: the rest left out",
			           MAX_DIR_ENTRIES);
			break;
		}
		err = mti_grow((void **)&names, &cap, n + 1, sizeof(*names));
		if (!err && !(names[n++] = mti_strdup(de->d_name)))
			err = MT_ERR_NOMEM;
	}
	if (names)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !err && !at_limit(r, path); i++) {
		char *source = mti_asprintf("%s/%s", path, names[i]);
		int fd = openat(dirfd(dir), names[i],
		                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

		if (!source) {
			err = MT_ERR_NOMEM;
		} else if (fd < 0) {
			fleet_warn(r, errno == ELOOP ? MT_ERR_UNSUPPORTED : mti_errno_to_err(errno),
			           source,
			           errno == ELOOP ? "a symbolic link: not followed"
			                          : "cannot open: %s",
			           strerror(errno));
		} else {
			err = add_fd(r, fd, source);
		}
		free(source);
	}
	mti_strv_free(names, n);
	closedir(dir);
	return err;
}

enum mt_err mt_fleet_add_path(struct mt_fleet_reader *r, const char *path)
{
	struct stat st;
	int fd, e;

	if (!r || !path)
		return MT_ERR_INVALID_ARG;
	/* O_NONBLOCK: a FIFO put where a document was expected cannot stall us. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		fleet_warn(r,
		           mti_errno_to_err(e) == MT_ERR_NO_PROCESS ? MT_ERR_NOT_FOUND
		                                                    : mti_errno_to_err(e),
		           path, "cannot open: %s", strerror(e));
		return e == ENOENT ? MT_ERR_NOT_FOUND : e == EACCES ? MT_ERR_PERMISSION : MT_ERR_IO;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(r, fd, path);
	return add_fd(r, fd, path);
}

/* Ordering of findings: score, then host name, then source, then PID. */
static int cmp_findings(const void *a, const void *b, void *arg)
{
	const struct mt_fleet_finding *x = a, *y = b;
	const struct mt_fleet *f = arg;
	const struct mt_fleet_host *hx = &f->hosts[x->host], *hy = &f->hosts[y->host];
	int c;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	c = strcmp(hx->name ? hx->name : "", hy->name ? hy->name : "");
	if (!c)
		c = strcmp(hx->source, hy->source);
	if (!c && x->pid != y->pid)
		c = x->pid < y->pid ? -1 : 1;
	return c;
}

/* What a group is keyed on. */
enum group_by { BY_IMAGE, BY_BINARY };

static const char *image_key(const struct mt_fleet_finding *x)
{
	return x->image_id ? x->image_id : x->image_ref;
}

static const char *group_key(const struct mt_fleet_finding *x, enum group_by by)
{
	return by == BY_IMAGE ? image_key(x) : x->sha256;
}

struct group_ctx {
	const struct mt_fleet *f;
	enum group_by by;
};

static int cmp_by_key(const void *a, const void *b, void *arg)
{
	const struct group_ctx *g = arg;
	const struct mt_fleet_finding *x = &g->f->findings[*(const size_t *)a];
	const struct mt_fleet_finding *y = &g->f->findings[*(const size_t *)b];

	return strcmp(group_key(x, g->by), group_key(y, g->by));
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x ? x : "", y ? y : "");
}

/* Number of distinct values among v[0..n) (sorted in place). */
static size_t distinct_sizes(size_t *v, size_t n)
{
	size_t i, d = 0;

	qsort(v, n, sizeof(*v), cmp_size);
	for (i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			d++;
	return d;
}

static size_t distinct_strs(const char **v, size_t n)
{
	size_t i, d = 0;

	qsort(v, n, sizeof(*v), cmp_str_ptr);
	for (i = 0; i < n; i++)
		if (v[i] && (i == 0 || !v[i - 1] || strcmp(v[i], v[i - 1]) != 0))
			d++;
	return d;
}

/* Fills g from the findings idx[0..n) that share its key. */
static enum mt_err fill_group(const struct mt_fleet *f, enum group_by by, const size_t *idx,
                              size_t n, struct mt_fleet_group *g)
{
	size_t *hosts = calloc(n, sizeof(*hosts)), i;
	const char **labels = calloc(n, sizeof(*labels)), **images = calloc(n, sizeof(*images));
	const struct mt_fleet_finding *x0 = &f->findings[idx[0]];
	enum mt_err err = MT_ERR_NOMEM;

	memset(g, 0, sizeof(*g));
	g->top_score = -1;
	g->first_seen_ms = -1;
	if (!hosts || !labels || !images)
		goto out;
	for (i = 0; i < n; i++) {
		const struct mt_fleet_finding *x = &f->findings[idx[i]];
		int64_t seen = x->started_ms >= 0 ? x->started_ms : f->hosts[x->host].collected_ms;

		hosts[i] = x->host;
		labels[i] = by == BY_IMAGE ? x->image_ref : x->exe_path;
		images[i] = image_key(x);
		g->deleted |= x->exe_deleted;
		if (x->score > g->top_score)
			g->top_score = x->score;
		if (seen >= 0 && (g->first_seen_ms < 0 || seen < g->first_seen_ms)) {
			g->first_seen_ms = seen;
			g->first_host = x->host;
		}
		if (!g->label && labels[i])
			g->label = bounded_dup(labels[i]);
		if (by == BY_IMAGE && !g->detail && x->image_digest)
			g->detail = mti_strdup(x->image_digest);
	}
	if (g->first_seen_ms < 0)
		g->first_host = x0->host;
	g->key = mti_strdup(group_key(x0, by));
	g->n_findings = n;
	g->n_hosts = distinct_sizes(hosts, n);
	g->n_labels = distinct_strs(labels, n);
	g->n_images = distinct_strs(images, n);
	if (g->key)
		err = MT_OK;
out:
	free(hosts);
	free(labels);
	free(images);
	return err;
}

static int cmp_groups(const void *a, const void *b)
{
	const struct mt_fleet_group *x = a, *y = b;

	if (x->n_hosts != y->n_hosts)
		return x->n_hosts > y->n_hosts ? -1 : 1;
	if (x->n_findings != y->n_findings)
		return x->n_findings > y->n_findings ? -1 : 1;
	if (x->top_score != y->top_score)
		return x->top_score > y->top_score ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Groups the findings that have a key (image or SHA-256). */
static enum mt_err make_groups(const struct mt_fleet *f, enum group_by by,
                               struct mt_fleet_group **out, size_t *n_out)
{
	struct group_ctx ctx = {f, by};
	size_t *idx = calloc(f->n_findings + 1, sizeof(*idx)), n = 0, i, start;
	struct mt_fleet_group *groups = NULL;
	size_t n_groups = 0;
	enum mt_err err = MT_OK;

	*out = NULL;
	*n_out = 0;
	if (!idx)
		return MT_ERR_NOMEM;
	for (i = 0; i < f->n_findings; i++)
		if (group_key(&f->findings[i], by))
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_by_key, &ctx);
	groups = calloc(n + 1, sizeof(*groups));
	if (!groups) {
		free(idx);
		return MT_ERR_NOMEM;
	}
	for (start = 0; start < n && !err; start = i) {
		for (i = start + 1; i < n && cmp_by_key(&idx[start], &idx[i], &ctx) == 0; i++)
			;
		err = fill_group(f, by, idx + start, i - start, &groups[n_groups]);
		n_groups++;
	}
	free(idx);
	if (err) {
		groups_free(groups, n_groups);
		return err;
	}
	qsort(groups, n_groups, sizeof(*groups), cmp_groups);
	*out = groups;
	*n_out = n_groups;
	return MT_OK;
}

struct dup_ctx {
	const struct mt_fleet *f;
	bool by_boot;
};

static int cmp_hosts_by(const void *a, const void *b, void *arg)
{
	const struct dup_ctx *ctx = arg;
	const struct mt_fleet *f = ctx->f;
	bool by_boot = ctx->by_boot;
	const struct mt_fleet_host *x = &f->hosts[*(const size_t *)a];
	const struct mt_fleet_host *y = &f->hosts[*(const size_t *)b];
	const char *kx = by_boot ? x->boot_id : x->name, *ky = by_boot ? y->boot_id : y->name;

	return strcmp(kx ? kx : "", ky ? ky : "");
}

/* Warns about a host name claimed by several documents, failure records
 * included (by_boot false), or a boot ID that several host names claim
 * (by_boot true). Both documents stay: one cannot hide the other. */
static enum mt_err warn_duplicates(struct mt_fleet_reader *r, bool by_boot)
{
	const struct mt_fleet *f = r->f;
	struct dup_ctx ctx = {f, by_boot};
	size_t *idx = calloc(f->n_hosts + 1, sizeof(*idx)), n = 0, i, j, k;

	if (!idx)
		return MT_ERR_NOMEM;
	for (i = 0; i < f->n_hosts; i++)
		if (by_boot ? f->hosts[i].boot_id : f->hosts[i].name)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_hosts_by, &ctx);
	for (i = 0; i < n; i = j) {
		const struct mt_fleet_host *h = &f->hosts[idx[i]];
		size_t names = 1;

		for (j = i + 1; j < n && cmp_hosts_by(&idx[i], &idx[j], &ctx) == 0; j++)
			;
		for (k = i + 1; k < j; k++)
			if (!by_boot ||
			    cmp_str_ptr(&f->hosts[idx[k]].name, &f->hosts[idx[k - 1]].name))
				names++;
		if (j - i < 2 || (by_boot && names < 2))
			continue;
		if (by_boot)
			fleet_warn(
			    r, MT_ERR_PARSE, h->source,
			    "boot ID %.40s appears in %zu documents with different host "
			    "names (also %s): copied or forged; each is counted as its own host",
			    h->boot_id, j - i, f->hosts[idx[i + 1]].source);
		else
			fleet_warn(r, MT_ERR_PARSE, h->source,
			           "host name %.64s is claimed by %zu documents (also %s): each is "
			           "counted as its own host, none replaces another",
			           h->name, j - i, f->hosts[idx[i + 1]].source);
	}
	free(idx);
	return MT_OK;
}

enum mt_err mt_fleet_finish(struct mt_fleet_reader *r, struct mt_fleet **out)
{
	struct mt_fleet *f;
	enum mt_err err;
	size_t i;

	*out = NULL;
	if (!r)
		return MT_ERR_INVALID_ARG;
	f = r->f;
	if (f->n_findings)
		qsort_r(f->findings, f->n_findings, sizeof(*f->findings), cmp_findings, f);
	err = make_groups(f, BY_IMAGE, &f->images, &f->n_images);
	if (!err)
		err = make_groups(f, BY_BINARY, &f->binaries, &f->n_binaries);
	if (!err)
		err = warn_duplicates(r, false);
	if (!err)
		err = warn_duplicates(r, true);
	for (i = 0; i < f->n_hosts; i++) {
		f->n_clean += f->hosts[i].state == MT_HOST_CLEAN;
		f->n_suspicious += f->hosts[i].state == MT_HOST_SUSPICIOUS;
		f->n_failed += f->hosts[i].state == MT_HOST_FAILED;
	}
	if (err) {
		mt_fleet_reader_free(r);
		return err;
	}
	r->f = NULL;
	mt_fleet_reader_free(r);
	*out = f;
	return MT_OK;
}
