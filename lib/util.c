/* Small helpers shared by the library. */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void mti_buf_init(struct mti_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void mti_buf_free(struct mti_buf *b)
{
	free(b->data);
	mti_buf_init(b);
}

void mti_buf_reset(struct mti_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

enum mt_err mti_buf_reserve(struct mti_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return MT_ERR_NOMEM;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return MT_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->data, cap);
	if (!p)
		return MT_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return MT_OK;
}

enum mt_err mti_buf_append(struct mti_buf *b, const void *data, size_t n)
{
	enum mt_err err = mti_buf_reserve(b, n);

	if (err)
		return err;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return MT_OK;
}

enum mt_err mti_buf_puts(struct mti_buf *b, const char *s)
{
	return mti_buf_append(b, s, strlen(s));
}

enum mt_err mti_buf_putc(struct mti_buf *b, char c)
{
	return mti_buf_append(b, &c, 1);
}

enum mt_err mti_buf_vprintf(struct mti_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	enum mt_err err;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return MT_ERR_INVALID_ARG;
	err = mti_buf_reserve(b, (size_t)n);
	if (err)
		return err;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return MT_OK;
}

enum mt_err mti_buf_printf(struct mti_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum mt_err err;

	va_start(ap, fmt);
	err = mti_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

char *mti_buf_steal(struct mti_buf *b)
{
	char *p;

	if (!b->data && mti_buf_reserve(b, 0))
		return NULL;
	p = b->data;
	if (!p) /* mti_buf_reserve always allocates; a guard for the analyzer */
		return NULL;
	p[b->len] = '\0';
	mti_buf_init(b);
	return p;
}

enum mt_err mti_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *p;

	if (need <= *cap)
		return MT_OK;
	n = *cap ? *cap : 4;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return MT_ERR_NOMEM;
		n *= 2;
	}
	if (!elem)
		return MT_ERR_INVALID_ARG;
	if (n > SIZE_MAX / elem)
		return MT_ERR_NOMEM;
	p = realloc(*ptr, n * elem);
	if (!p)
		return MT_ERR_NOMEM;
	*ptr = p;
	*cap = n;
	return MT_OK;
}

char *mti_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *mti_strndup(const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mti_vasprintf(const char *fmt, va_list ap)
{
	struct mti_buf b;

	mti_buf_init(&b);
	if (mti_buf_vprintf(&b, fmt, ap)) {
		mti_buf_free(&b);
		return NULL;
	}
	return mti_buf_steal(&b);
}

char *mti_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = mti_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

const char *mti_base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

void mti_strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

enum mt_err mti_strv_dup(char *const *src, size_t n, char ***out)
{
	char **v;
	size_t i;

	*out = NULL;
	if (!n)
		return MT_OK;
	v = calloc(n, sizeof(*v));
	if (!v)
		return MT_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		v[i] = mti_strdup(src[i] ? src[i] : "");
		if (!v[i]) {
			mti_strv_free(v, i);
			return MT_ERR_NOMEM;
		}
	}
	*out = v;
	return MT_OK;
}

bool mti_str_starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool mti_str_ends(const char *s, const char *suffix)
{
	size_t a, b;

	if (!s)
		return false;
	a = strlen(s);
	b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

bool mti_mem_starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

bool mti_str_ends_n(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

bool mti_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s || len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool mti_parse_i64(const char *s, size_t len, int64_t *out)
{
	uint64_t v;
	bool neg = false;

	if (len && s[0] == '-') {
		neg = true;
		s++;
		len--;
	}
	if (!mti_parse_u64(s, len, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

bool mti_parse_pid(const char *s, pid_t *out)
{
	uint64_t v;

	if (!s || !mti_parse_u64(s, strlen(s), &v))
		return false;
	if (v < 1 || v > MTI_PID_MAX_LIMIT)
		return false;
	*out = (pid_t)v;
	return true;
}

bool mti_is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

int64_t mti_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mti_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *mti_format_utc_ms(int64_t ms, char *buf, size_t len)
{
	time_t secs;
	struct tm tm;
	int64_t frac;

	if (len < 32) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	secs = (time_t)(ms / 1000);
	frac = ms % 1000;
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "invalid");
		return buf;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
	return buf;
}

char *mti_strlcpy(char *dst, const char *src, size_t n)
{
	size_t l;

	if (!n)
		return dst;
	l = strnlen(src, n - 1);
	memcpy(dst, src, l);
	dst[l] = '\0';
	return dst;
}

bool mti_sync_init(pthread_mutex_t *lock, pthread_cond_t *cond)
{
	if (pthread_mutex_init(lock, NULL) != 0)
		return false;
	if (pthread_cond_init(cond, NULL) != 0) {
		pthread_mutex_destroy(lock);
		return false;
	}
	return true;
}

void mti_sync_destroy(pthread_mutex_t *lock, pthread_cond_t *cond)
{
	pthread_cond_destroy(cond);
	pthread_mutex_destroy(lock);
}

enum mt_err mti_append_capped(void **arr, size_t *n, size_t max, size_t elem, bool *truncated,
                              void **slot)
{
	size_t cap = *n;

	*slot = NULL;
	if (*n >= max) {
		*truncated = true;
		return MT_OK;
	}
	if (mti_grow(arr, &cap, *n + 1, elem))
		return MT_ERR_NOMEM;
	*slot = (char *)*arr + *n * elem;
	memset(*slot, 0, elem);
	(*n)++;
	return MT_OK;
}
