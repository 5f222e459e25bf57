/* Pure parsers for /proc text: no I/O, every input is hostile. */
#include "proc_parse.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Advances *p past one space-separated token of buf[0..end); returns its
 * start and length, or NULL when none is left. */
static const char *next_token(const char **p, const char *end, size_t *tok_len)
{
	const char *s = *p, *e;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return NULL;
	e = s;
	while (e < end && *e != ' ' && *e != '\n')
		e++;
	*tok_len = (size_t)(e - s);
	*p = e;
	return s;
}

static bool token_u64(const char *tok, size_t len, unsigned long long *out)
{
	uint64_t v;

	if (!tok || !mti_parse_u64(tok, len, &v))
		return false;
	*out = v;
	return true;
}

static bool token_i64(const char *tok, size_t len, long long *out)
{
	int64_t v;

	if (!tok || !mti_parse_i64(tok, len, &v))
		return false;
	*out = v;
	return true;
}

enum mt_err mti_parse_stat(const char *buf, size_t len, struct mti_stat *st)
{
	const char *open, *close, *p, *end = buf + len, *tok;
	size_t tlen;
	uint64_t pid;
	long long sval;
	unsigned long long uval;
	int field;

	memset(st, 0, sizeof(*st));
	if (!buf || len == 0)
		return MT_ERR_PARSE;
	open = memchr(buf, '(', len);
	if (!open)
		return MT_ERR_PARSE;
	/* The name may itself hold ')', so the LAST ')' closes it. */
	close = NULL;
	for (p = end; p > open + 1; p--) {
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	}
	if (!close)
		return MT_ERR_PARSE;
	if (open == buf || open[-1] != ' ')
		return MT_ERR_PARSE;
	if (!mti_parse_u64(buf, (size_t)(open - 1 - buf), &pid) || pid == 0 || pid > 0x7fffffff)
		return MT_ERR_PARSE;
	st->pid = (pid_t)pid;
	st->comm = open + 1;
	st->comm_len = (size_t)(close - open - 1);

	p = close + 1;
	/* field 3: state, a single character */
	tok = next_token(&p, end, &tlen);
	if (!tok || tlen != 1)
		return MT_ERR_PARSE;
	st->state = tok[0];
	for (field = 4; field <= 24; field++) {
		tok = next_token(&p, end, &tlen);
		if (!tok)
			return MT_ERR_PARSE;
		switch (field) {
		case 4:
			if (!token_i64(tok, tlen, &sval) || sval < 0 || sval > 0x7fffffff)
				return MT_ERR_PARSE;
			st->ppid = (pid_t)sval;
			break;
		case 9:
			if (!token_u64(tok, tlen, &st->flags))
				return MT_ERR_PARSE;
			break;
		case 14:
			if (!token_u64(tok, tlen, &st->utime))
				return MT_ERR_PARSE;
			break;
		case 15:
			if (!token_u64(tok, tlen, &st->stime))
				return MT_ERR_PARSE;
			break;
		case 20:
			if (!token_i64(tok, tlen, &st->num_threads))
				return MT_ERR_PARSE;
			break;
		case 22:
			if (!token_u64(tok, tlen, &st->starttime))
				return MT_ERR_PARSE;
			break;
		case 24:
			if (token_u64(tok, tlen, &uval))
				st->rss_pages = uval;
			else if (!token_i64(tok, tlen, &sval))
				return MT_ERR_PARSE;
			break;
		default:
			/* Fields we skip must still look like numbers. */
			if (!token_i64(tok, tlen, &sval) && !token_u64(tok, tlen, &uval))
				return MT_ERR_PARSE;
			break;
		}
	}
	return MT_OK;
}

/* Parses up to max whitespace-separated decimal numbers of one line. */
static size_t parse_num_list(const char *s, const char *end, uint64_t *vals, size_t max, bool *bad)
{
	size_t n = 0;

	*bad = false;
	while (s < end) {
		const char *e;

		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s >= end)
			break;
		e = s;
		while (e < end && *e != ' ' && *e != '\t')
			e++;
		if (n >= max || !mti_parse_u64(s, (size_t)(e - s), &vals[n])) {
			*bad = true;
			return n;
		}
		n++;
		s = e;
	}
	return n;
}

enum mt_err mti_parse_status(const char *buf, size_t len, struct mti_status *st)
{
	const char *p = buf, *end = buf ? buf + len : buf;

	memset(st, 0, sizeof(*st));
	if (!buf)
		return MT_ERR_PARSE;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *colon = memchr(p, ':', (size_t)(line_end - p));
		uint64_t vals[MTI_NSPID_MAX];
		size_t n, i;
		bool bad;

		if (colon) {
			size_t klen = (size_t)(colon - p);
			const char *v = colon + 1;

			n = parse_num_list(v, line_end, vals, MTI_NSPID_MAX, &bad);
			if (klen == 3 && memcmp(p, "Uid", 3) == 0 && n == 4 && !bad) {
				for (i = 0; i < 4; i++)
					st->uid[i] = (uid_t)vals[i];
				st->have_uid = vals[0] <= UINT32_MAX && vals[1] <= UINT32_MAX &&
				               vals[2] <= UINT32_MAX && vals[3] <= UINT32_MAX;
			} else if (klen == 3 && memcmp(p, "Gid", 3) == 0 && n == 4 && !bad) {
				for (i = 0; i < 4; i++)
					st->gid[i] = (gid_t)vals[i];
				st->have_gid = vals[0] <= UINT32_MAX && vals[1] <= UINT32_MAX &&
				               vals[2] <= UINT32_MAX && vals[3] <= UINT32_MAX;
			} else if (klen == 5 && memcmp(p, "NSpid", 5) == 0 && !bad && n > 0) {
				bool ok = true;

				for (i = 0; i < n; i++)
					if (vals[i] == 0 || vals[i] > 0x7fffffff)
						ok = false;
				if (ok) {
					for (i = 0; i < n; i++)
						st->nspid[i] = (pid_t)vals[i];
					st->n_nspid = n;
				}
			} else if (klen == 4 && memcmp(p, "Tgid", 4) == 0 && n == 1 && !bad &&
			           vals[0] <= 0x7fffffff) {
				st->tgid = (pid_t)vals[0];
			} else if (klen == 4 && memcmp(p, "PPid", 4) == 0 && n == 1 && !bad &&
			           vals[0] <= 0x7fffffff) {
				st->ppid = (pid_t)vals[0];
			} else if (klen == 7 && memcmp(p, "Threads", 7) == 0 && n == 1 && !bad &&
			           vals[0] <= UINT32_MAX) {
				st->threads = (unsigned)vals[0];
			} else if (klen == 5 && memcmp(p, "VmRSS", 5) == 0) {
				/* "VmRSS:\t  1234 kB" */
				const char *s = v, *e;

				while (s < line_end && (*s == ' ' || *s == '\t'))
					s++;
				e = s;
				while (e < line_end && *e >= '0' && *e <= '9')
					e++;
				if (e > s && mti_parse_u64(s, (size_t)(e - s), &vals[0])) {
					st->vm_rss_kb = vals[0];
					st->have_rss = true;
				}
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return MT_OK;
}

enum mt_err mti_split_nul(const char *buf, size_t len, size_t max_items, char ***argv, size_t *argc,
                          bool *truncated)
{
	char **v = NULL;
	size_t n = 0, cap = 0, i = 0;
	enum mt_err err;

	*argv = NULL;
	*argc = 0;
	if (truncated)
		*truncated = false;
	while (i < len) {
		const char *s = buf + i;
		const char *z = memchr(s, '\0', len - i);
		size_t l = z ? (size_t)(z - s) : len - i;

		if (n >= max_items) {
			if (truncated)
				*truncated = true;
			break;
		}
		err = mti_grow((void **)&v, &cap, n + 1, sizeof(*v));
		if (err)
			goto fail;
		v[n] = mti_strndup(s, l);
		if (!v[n]) {
			err = MT_ERR_NOMEM;
			goto fail;
		}
		n++;
		i += l + 1;
	}
	*argv = v;
	*argc = n;
	return MT_OK;
fail:
	mti_strv_free(v, n);
	return err;
}

enum mt_err mti_parse_btime(const char *buf, size_t len, uint64_t *btime)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;

		if (mti_mem_starts(p, (size_t)(line_end - p), "btime ")) {
			const char *s = p + 6;

			if (mti_parse_u64(s, (size_t)(line_end - s), btime))
				return MT_OK;
			return MT_ERR_PARSE;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return MT_ERR_PARSE;
}

bool mti_parse_ns_link(const char *link, uint64_t *inode)
{
	const char *open, *close;

	if (!link)
		return false;
	open = strchr(link, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!open || !close || close[1] != '\0')
		return false;
	return mti_parse_u64(open + 1, (size_t)(close - open - 1), inode);
}

const char *mti_env_find(const char *buf, size_t len, const char *key, size_t *value_len)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		const char *s = buf + i;
		const char *z = memchr(s, '\0', len - i);
		size_t l = z ? (size_t)(z - s) : len - i;

		if (l > klen && memcmp(s, key, klen) == 0 && s[klen] == '=') {
			*value_len = l - klen - 1;
			return s + klen + 1;
		}
		i += l + 1;
	}
	return NULL;
}
