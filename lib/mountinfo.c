/* Parsing /proc/PID/mountinfo: pure, no I/O.
 * Line: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
 */
#include "mountinfo.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

char *mti_unescape_octal(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	size_t i = 0;

	if (!out)
		return NULL;
	while (i < len) {
		if (s[i] == '\\' && len - i >= 4 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    is_octal(s[i + 2]) && is_octal(s[i + 3])) {
			*o++ =
			    (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 4;
		} else {
			*o++ = s[i++];
		}
	}
	*o = '\0';
	return out;
}

/* Splits one line into space-separated fields (at most max). */
static size_t split_fields(const char *s, size_t len, const char **f, size_t *fl, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t start;

		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		f[n] = s + start;
		fl[n] = i - start;
		n++;
	}
	return n;
}

static bool parse_uint(const char *s, size_t len, unsigned *out)
{
	uint64_t v;

	if (!mti_parse_u64(s, len, &v) || v > 0xffffffffu)
		return false;
	*out = (unsigned)v;
	return true;
}

static void mount_clear(struct mti_mount *m)
{
	free(m->root);
	free(m->mount_point);
	free(m->fstype);
	free(m->source);
	free(m->super_options);
	memset(m, 0, sizeof(*m));
}

/* Parses one line into *m; MT_ERR_PARSE when malformed. */
static enum mt_err parse_mount_line(const char *s, size_t len, struct mti_mount *m)
{
	const char *f[64];
	size_t fl[64], n, sep = 0, i;
	const char *colon;

	memset(m, 0, sizeof(*m));
	n = split_fields(s, len, f, fl, MTI_ARRAY_LEN(f));
	if (n < 10)
		return MT_ERR_PARSE;
	for (i = 6; i < n; i++) {
		if (fl[i] == 1 && f[i][0] == '-') {
			sep = i;
			break;
		}
	}
	if (!sep || sep + 2 >= n)
		return MT_ERR_PARSE;
	if (!parse_uint(f[0], fl[0], &m->id) || !parse_uint(f[1], fl[1], &m->parent))
		return MT_ERR_PARSE;
	colon = memchr(f[2], ':', fl[2]);
	if (!colon || !parse_uint(f[2], (size_t)(colon - f[2]), &m->major) ||
	    !parse_uint(colon + 1, fl[2] - (size_t)(colon + 1 - f[2]), &m->minor))
		return MT_ERR_PARSE;
	m->root = mti_unescape_octal(f[3], fl[3]);
	m->mount_point = mti_unescape_octal(f[4], fl[4]);
	m->fstype = mti_unescape_octal(f[sep + 1], fl[sep + 1]);
	m->source = mti_unescape_octal(f[sep + 2], fl[sep + 2]);
	m->super_options = sep + 3 < n ? mti_strndup(f[sep + 3], fl[sep + 3]) : mti_strdup("");
	if (!m->root || !m->mount_point || !m->fstype || !m->source || !m->super_options) {
		mount_clear(m);
		return MT_ERR_NOMEM;
	}
	return MT_OK;
}

enum mt_err mti_mounts_parse(const char *buf, size_t len, struct mti_mounts *out)
{
	const char *p = buf, *end = buf ? buf + len : buf;
	size_t cap = 0;
	enum mt_err err;

	out->v = NULL;
	out->n = 0;
	while (buf && p < end && out->n < MTI_MOUNTS_MAX) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct mti_mount m;

		err = parse_mount_line(p, l, &m);
		if (err == MT_ERR_NOMEM)
			goto fail;
		if (!err) {
			err = mti_grow((void **)&out->v, &cap, out->n + 1, sizeof(*out->v));
			if (err) {
				mount_clear(&m);
				goto fail;
			}
			out->v[out->n++] = m;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return out->n ? MT_OK : MT_ERR_PARSE;
fail:
	mti_mounts_free(out);
	return err;
}

void mti_mounts_free(struct mti_mounts *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		mount_clear(&m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

const struct mti_mount *mti_mounts_root(const struct mti_mounts *m)
{
	const struct mti_mount *root = NULL;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i].mount_point, "/") == 0)
			root = &m->v[i];
	return root;
}

/* True when mount point mp contains path (component-wise prefix). */
static bool covers(const char *mp, const char *path)
{
	size_t l = strlen(mp);

	if (strcmp(mp, "/") == 0)
		return path[0] == '/';
	return strncmp(mp, path, l) == 0 && (path[l] == '/' || path[l] == '\0');
}

const struct mti_mount *mti_mounts_for_file(const struct mti_mounts *m, unsigned major,
                                            unsigned minor, const char *path)
{
	const struct mti_mount *best = NULL;
	size_t i, best_len = 0;

	for (i = 0; i < m->n; i++) {
		const struct mti_mount *x = &m->v[i];
		size_t l;

		if (x->major != major || x->minor != minor || !covers(x->mount_point, path))
			continue;
		l = strlen(x->mount_point);
		/* Later mounts on the same point hide earlier ones: >= keeps the last. */
		if (!best || l >= best_len) {
			best = x;
			best_len = l;
		}
	}
	return best;
}

enum mt_err mti_mount_option(const struct mti_mount *mnt, const char *key, char **value)
{
	const char *p = mnt->super_options;
	size_t kl = strlen(key);

	*value = NULL;
	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);

		if (l > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
			*value = mti_unescape_octal(p + kl + 1, l - kl - 1);
			return *value ? MT_OK : MT_ERR_NOMEM;
		}
		p = comma ? comma + 1 : NULL;
	}
	return MT_ERR_NOT_FOUND;
}

enum mt_err mti_split_lowerdir(const char *value, char ***dirs, size_t *n)
{
	struct mti_buf cur;
	char **v = NULL;
	size_t cap = 0, count = 0;
	const char *p;
	enum mt_err err = MT_OK;

	*dirs = NULL;
	*n = 0;
	mti_buf_init(&cur);
	for (p = value;; p++) {
		if (*p == '\\' && p[1] == ':') {
			err = mti_buf_putc(&cur, ':');
			p++;
		} else if (*p == ':' || *p == '\0') {
			if (cur.len) {
				err = mti_grow((void **)&v, &cap, count + 1, sizeof(*v));
				if (!err) {
					v[count] = mti_buf_steal(&cur);
					if (!v[count])
						err = MT_ERR_NOMEM;
					else
						count++;
				}
			}
			if (*p == '\0' || err)
				break;
		} else {
			err = mti_buf_putc(&cur, *p);
		}
		if (err)
			break;
	}
	mti_buf_free(&cur);
	if (err) {
		mti_strv_free(v, count);
		return err;
	}
	*dirs = v;
	*n = count;
	return MT_OK;
}
