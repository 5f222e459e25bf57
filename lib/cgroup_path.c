/* Resolving /proc/PID/cgroup to a container: pure, no I/O.
 *
 * Each line "hierarchy:controllers:path" is read on its own; the line that
 * says the most (a container beats a runtime cgroup beats a host path beats
 * a bare "/") wins, v2 before name=systemd before other v1 hierarchies.
 * Layouts understood, by path component:
 *   docker cgroupfs      /docker/<64hex>            (nested: /docker/<a>/docker/<b>)
 *   systemd drivers      docker-<id>.scope  cri-containerd-<id>.scope  crio-<id>.scope
 *                        libpod-<id>.scope[/container]
 *   runtime host side    libpod-conmon-<id>.scope  crio-conmon-<id>.scope  lxc.monitor.<n>
 *   kubernetes           kubepods[/burstable|/besteffort]/pod<uid>/<id>
 *                        kubepods-<qos>-pod<uid_with_underscores>.slice
 *                        <slice>:cri-containerd:<id>  (and :docker:, :crio:)
 *   others               lxc.payload.<name>  lxc/<name>  systemd-nspawn@<name>.service
 *   namespaces           "/" = root of our cgroup namespace, "/.." = outside it
 */
#include "cgroup_path.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ID_LEN 64
#define POD_UID_LEN 36

struct ref {
	const char *id; /* points into the line */
	size_t id_len;
	enum mt_runtime runtime;
	bool runtime_side;
};

struct candidate {
	enum mt_cgroup_scope scope;
	struct ref refs[MTI_CGROUP_MAX_NEST + 1];
	size_t n_refs;
	bool kube;
	char pod_uid[POD_UID_LEN + 1];
	enum mt_qos qos;
	int score;
};

/* True when comp is exactly prefix + 64 lower-case hex + suffix. */
static bool match_id(const char *comp, size_t len, const char *prefix, const char *suffix,
                     const char **id)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (len != pl + ID_LEN + sl)
		return false;
	if (memcmp(comp, prefix, pl) != 0 || memcmp(comp + pl + ID_LEN, suffix, sl) != 0)
		return false;
	if (!mti_is_hex(comp + pl, ID_LEN))
		return false;
	*id = comp + pl;
	return true;
}

/* Normalises a pod UID (dashes or systemd underscores, or a 32-hex static
 * pod hash) into out. */
static bool parse_pod_uid(const char *s, size_t len, char out[POD_UID_LEN + 1])
{
	size_t i;

	if (len == 32 && mti_is_hex(s, 32)) {
		memcpy(out, s, 32);
		out[32] = '\0';
		return true;
	}
	if (len != POD_UID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-' && c != '_')
				return false;
			out[i] = '-';
		} else {
			if (!mti_is_hex(&c, 1))
				return false;
			out[i] = c;
		}
	}
	out[len] = '\0';
	return true;
}

static bool comp_is(const char *comp, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(comp, word, len) == 0;
}

static void add_ref(struct candidate *c, const char *id, size_t id_len, enum mt_runtime rt,
                    bool runtime_side)
{
	if (c->n_refs >= MTI_CGROUP_MAX_NEST + 1)
		return;
	c->refs[c->n_refs].id = id;
	c->refs[c->n_refs].id_len = id_len;
	c->refs[c->n_refs].runtime = rt;
	c->refs[c->n_refs].runtime_side = runtime_side;
	c->n_refs++;
}

/* Reads a kubepods systemd slice name: kubepods[-<qos>]-pod<uid>.slice. */
static bool kube_slice(struct candidate *c, const char *comp, size_t len)
{
	static const struct {
		const char *prefix;
		enum mt_qos qos;
	} forms[] = {
	    {"kubepods-burstable-pod", MT_QOS_BURSTABLE},
	    {"kubepods-besteffort-pod", MT_QOS_BESTEFFORT},
	    {"kubepods-pod", MT_QOS_GUARANTEED},
	};
	size_t i;

	if (!mti_str_ends_n(comp, len, ".slice"))
		return false;
	for (i = 0; i < MTI_ARRAY_LEN(forms); i++) {
		size_t pl = strlen(forms[i].prefix);

		if (len > pl + 6 && memcmp(comp, forms[i].prefix, pl) == 0 &&
		    parse_pod_uid(comp + pl, len - pl - 6, c->pod_uid)) {
			c->kube = true;
			c->qos = forms[i].qos;
			return true;
		}
	}
	return false;
}

static enum mt_runtime colon_runtime(const char *s, size_t len)
{
	if (comp_is(s, len, "cri-containerd"))
		return MT_RUNTIME_CONTAINERD;
	if (comp_is(s, len, "docker"))
		return MT_RUNTIME_DOCKER;
	if (comp_is(s, len, "crio") || comp_is(s, len, "cri-o"))
		return MT_RUNTIME_CRIO;
	return MT_RUNTIME_UNKNOWN;
}

/* Handles "<slice>:<runtime>:<id>" (kubelet systemd driver, cgroupfs runtime). */
static bool colon_form(struct candidate *c, const char *comp, size_t len)
{
	const char *c1 = memchr(comp, ':', len), *c2;
	enum mt_runtime rt;

	if (!c1)
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - comp));
	if (!c2 || memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - comp)))
		return false;
	rt = colon_runtime(c1 + 1, (size_t)(c2 - c1 - 1));
	if (rt == MT_RUNTIME_UNKNOWN)
		return false;
	if ((size_t)(comp + len - (c2 + 1)) != ID_LEN || !mti_is_hex(c2 + 1, ID_LEN))
		return false;
	kube_slice(c, comp, (size_t)(c1 - comp));
	add_ref(c, c2 + 1, ID_LEN, rt, false);
	return true;
}

static void analyze_component(struct candidate *c, const char *comp, size_t len, const char *prev,
                              size_t prev_len)
{
	const char *id;

	if (comp_is(comp, len, "kubepods") || comp_is(comp, len, "kubepods.slice")) {
		c->kube = true;
		return;
	}
	if (c->kube &&
	    (comp_is(comp, len, "burstable") || comp_is(comp, len, "kubepods-burstable.slice"))) {
		c->qos = MT_QOS_BURSTABLE;
		return;
	}
	if (c->kube &&
	    (comp_is(comp, len, "besteffort") || comp_is(comp, len, "kubepods-besteffort.slice"))) {
		c->qos = MT_QOS_BESTEFFORT;
		return;
	}
	if (c->kube && len > 3 && memcmp(comp, "pod", 3) == 0 &&
	    parse_pod_uid(comp + 3, len - 3, c->pod_uid))
		return;
	if (kube_slice(c, comp, len))
		return;
	if (colon_form(c, comp, len))
		return;
	if (match_id(comp, len, "docker-", ".scope", &id)) {
		add_ref(c, id, ID_LEN, MT_RUNTIME_DOCKER, false);
	} else if (match_id(comp, len, "cri-containerd-", ".scope", &id)) {
		add_ref(c, id, ID_LEN, MT_RUNTIME_CONTAINERD, false);
	} else if (match_id(comp, len, "crio-conmon-", ".scope", &id)) {
		add_ref(c, id, ID_LEN, MT_RUNTIME_CRIO, true);
	} else if (match_id(comp, len, "crio-", ".scope", &id) ||
	           match_id(comp, len, "crio-", "", &id)) {
		add_ref(c, id, ID_LEN, MT_RUNTIME_CRIO, false);
	} else if (match_id(comp, len, "libpod-conmon-", ".scope", &id)) {
		add_ref(c, id, ID_LEN, MT_RUNTIME_PODMAN, true);
	} else if (match_id(comp, len, "libpod-", ".scope", &id) ||
	           match_id(comp, len, "libpod-", "", &id)) {
		add_ref(c, id, ID_LEN, MT_RUNTIME_PODMAN, false);
	} else if (match_id(comp, len, "", "", &id)) {
		enum mt_runtime rt = MT_RUNTIME_UNKNOWN;

		if (prev && comp_is(prev, prev_len, "docker"))
			rt = MT_RUNTIME_DOCKER;
		else if (prev && comp_is(prev, prev_len, "libpod_parent"))
			rt = MT_RUNTIME_PODMAN;
		add_ref(c, id, ID_LEN, rt, false);
	} else if (len > 12 && memcmp(comp, "lxc.payload.", 12) == 0) {
		add_ref(c, comp + 12, len - 12, MT_RUNTIME_LXC, false);
	} else if (len > 12 && memcmp(comp, "lxc.monitor.", 12) == 0) {
		add_ref(c, comp + 12, len - 12, MT_RUNTIME_LXC, true);
	} else if (prev && comp_is(prev, prev_len, "lxc") && len > 0) {
		add_ref(c, comp, len, MT_RUNTIME_LXC, false);
	} else if (len > 15 + 8 && memcmp(comp, "systemd-nspawn@", 15) == 0 &&
	           mti_str_ends_n(comp, len, ".service")) {
		add_ref(c, comp + 15, len - 15 - 8, MT_RUNTIME_NSPAWN, false);
	}
}

static void analyze_path(struct candidate *c, const char *path, size_t len)
{
	const char *p = path, *end = path + len, *prev = NULL;
	size_t prev_len = 0;
	bool outside = false;

	memset(c, 0, sizeof(*c));
	if (len >= 3 && memcmp(path, "/..", 3) == 0 && (len == 3 || path[3] == '/'))
		outside = true;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *comp_end = slash ? slash : end;
		size_t clen = (size_t)(comp_end - p);

		if (clen && !comp_is(p, clen, "..") && !comp_is(p, clen, ".")) {
			analyze_component(c, p, clen, prev, prev_len);
			prev = p;
			prev_len = clen;
		}
		if (!slash)
			break;
		p = slash + 1;
	}
	if (c->kube && c->pod_uid[0] && c->qos == MT_QOS_NONE)
		c->qos = MT_QOS_GUARANTEED;
	if (c->n_refs && c->refs[c->n_refs - 1].runtime_side) {
		c->scope = MT_SCOPE_RUNTIME;
		c->score = 900;
	} else if (c->n_refs) {
		c->scope = MT_SCOPE_CONTAINER;
		c->score = 1000 + (int)c->n_refs * 10;
	} else if (outside) {
		c->scope = MT_SCOPE_OUTSIDE_NAMESPACE;
		c->score = 300;
	} else if (len == 1 && path[0] == '/') {
		c->scope = MT_SCOPE_NAMESPACE_ROOT;
		c->score = 100;
	} else {
		c->scope = MT_SCOPE_HOST;
		c->score = 200;
	}
}

void mti_cgroup_info_free(struct mt_cgroup_info *info)
{
	size_t i;

	if (!info)
		return;
	free(info->container.id);
	for (i = 0; info->outer && i < info->n_outer; i++)
		free(info->outer[i].id);
	free(info->outer);
	free(info->pod_uid);
	free(info->path);
	for (i = 0; info->lines && i < info->n_lines; i++) {
		free(info->lines[i].controllers);
		free(info->lines[i].path);
	}
	free(info->lines);
	memset(info, 0, sizeof(*info));
}

/* Fills out from the winning candidate. */
static enum mt_err fill_info(struct mt_cgroup_info *out, const struct candidate *c,
                             const struct mt_cgroup_line *line)
{
	size_t i;

	out->scope = c->scope;
	out->hierarchy = line->hierarchy;
	out->path = mti_strdup(line->path);
	if (!out->path)
		return MT_ERR_NOMEM;
	if (c->pod_uid[0]) {
		out->pod_uid = mti_strdup(c->pod_uid);
		if (!out->pod_uid)
			return MT_ERR_NOMEM;
		out->qos = c->qos;
	}
	if (!c->n_refs)
		return MT_OK;
	out->container.id = mti_strndup(c->refs[c->n_refs - 1].id, c->refs[c->n_refs - 1].id_len);
	if (!out->container.id)
		return MT_ERR_NOMEM;
	out->container.runtime = c->refs[c->n_refs - 1].runtime;
	if (c->n_refs > 1) {
		out->outer = calloc(c->n_refs - 1, sizeof(*out->outer));
		if (!out->outer)
			return MT_ERR_NOMEM;
		for (i = 0; i + 1 < c->n_refs; i++) {
			out->outer[i].id = mti_strndup(c->refs[i].id, c->refs[i].id_len);
			if (!out->outer[i].id)
				return MT_ERR_NOMEM;
			out->outer[i].runtime = c->refs[i].runtime;
			out->n_outer = i + 1;
		}
	}
	return MT_OK;
}

/* Parses one "N:controllers:path" line into *line (strings allocated). */
static enum mt_err parse_line(const char *s, size_t len, struct mt_cgroup_line *line)
{
	const char *c1 = memchr(s, ':', len), *c2;
	uint64_t h;

	if (!c1)
		return MT_ERR_PARSE;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (!c2)
		return MT_ERR_PARSE;
	if (!mti_parse_u64(s, (size_t)(c1 - s), &h) || h > 0xffff)
		return MT_ERR_PARSE;
	if (c2 + 1 >= s + len || c2[1] != '/')
		return MT_ERR_PARSE;
	if (memchr(c2 + 1, '\0', len - (size_t)(c2 + 1 - s)))
		return MT_ERR_PARSE;
	line->hierarchy = (unsigned)h;
	line->controllers = mti_strndup(c1 + 1, (size_t)(c2 - c1 - 1));
	line->path = mti_strndup(c2 + 1, len - (size_t)(c2 + 1 - s));
	if (!line->controllers || !line->path) {
		free(line->controllers);
		free(line->path);
		return MT_ERR_NOMEM;
	}
	return MT_OK;
}

/* Preference among lines of equal score: v2, then name=systemd. */
static int line_bonus(const struct mt_cgroup_line *l)
{
	if (l->hierarchy == 0 && l->controllers[0] == '\0')
		return 2;
	if (strcmp(l->controllers, "name=systemd") == 0)
		return 1;
	return 0;
}

enum mt_err mti_cgroup_parse(const char *buf, size_t len, struct mt_cgroup_info *out)
{
	const char *p = buf, *end = buf ? buf + len : buf;
	size_t cap = 0, best = 0;
	struct candidate cand, best_cand;
	int best_score = -1;
	enum mt_err err;

	memset(out, 0, sizeof(*out));
	memset(&best_cand, 0, sizeof(best_cand));
	while (buf && p < end && out->n_lines < MTI_CGROUP_MAX_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct mt_cgroup_line line;

		/* an empty line ("\n\n") has l == 0 */
		if (l) { /* cppcheck-suppress knownConditionTrueFalse */
			err = parse_line(p, l, &line);
			if (err == MT_ERR_NOMEM)
				goto fail;
			if (!err) {
				int score;

				err = mti_grow((void **)&out->lines, &cap, out->n_lines + 1,
				               sizeof(*out->lines));
				if (err) {
					free(line.controllers);
					free(line.path);
					goto fail;
				}
				out->lines[out->n_lines] = line;
				analyze_path(&cand, line.path, strlen(line.path));
				score = cand.score * 4 + line_bonus(&line);
				if (score > best_score) {
					best_score = score;
					best = out->n_lines;
					best_cand = cand;
				}
				out->n_lines++;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!out->n_lines) {
		out->scope = MT_SCOPE_UNKNOWN;
		return MT_ERR_PARSE;
	}
	err = fill_info(out, &best_cand, &out->lines[best]);
	if (err)
		goto fail;
	return MT_OK;
fail:
	mti_cgroup_info_free(out);
	return err;
}

enum mt_err mti_cgroup_info_copy(const struct mt_cgroup_info *src, struct mt_cgroup_info *dst)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->scope = src->scope;
	dst->qos = src->qos;
	dst->hierarchy = src->hierarchy;
	dst->container.runtime = src->container.runtime;
	if ((src->container.id && !(dst->container.id = mti_strdup(src->container.id))) ||
	    (src->pod_uid && !(dst->pod_uid = mti_strdup(src->pod_uid))) ||
	    (src->path && !(dst->path = mti_strdup(src->path))))
		goto fail;
	if (src->n_outer) {
		dst->outer = calloc(src->n_outer, sizeof(*dst->outer));
		if (!dst->outer)
			goto fail;
		for (i = 0; i < src->n_outer; i++) {
			dst->outer[i].runtime = src->outer[i].runtime;
			dst->outer[i].id = mti_strdup(src->outer[i].id);
			if (!dst->outer[i].id)
				goto fail;
			dst->n_outer = i + 1;
		}
	}
	if (src->n_lines) {
		dst->lines = calloc(src->n_lines, sizeof(*dst->lines));
		if (!dst->lines)
			goto fail;
		for (i = 0; i < src->n_lines; i++) {
			dst->lines[i].hierarchy = src->lines[i].hierarchy;
			dst->lines[i].controllers = mti_strdup(src->lines[i].controllers);
			dst->lines[i].path = mti_strdup(src->lines[i].path);
			dst->n_lines = i + 1;
			if (!dst->lines[i].controllers || !dst->lines[i].path)
				goto fail;
		}
	}
	return MT_OK;
fail:
	mti_cgroup_info_free(dst);
	return MT_ERR_NOMEM;
}

/* True when the comma-separated list holds word. */
static bool list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);

		if (l == wl && memcmp(p, word, wl) == 0)
			return true;
		p = comma ? comma + 1 : NULL;
	}
	return false;
}

const char *mti_cgroup_path_for(const struct mt_cgroup_info *info, const char *controller)
{
	size_t i;

	for (i = 0; i < info->n_lines; i++) {
		const struct mt_cgroup_line *l = &info->lines[i];

		if (!controller || !controller[0]) {
			if (l->hierarchy == 0 && l->controllers[0] == '\0')
				return l->path;
		} else if (list_has(l->controllers, controller)) {
			return l->path;
		}
	}
	return NULL;
}
