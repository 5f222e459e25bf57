/* Small helpers shared by the library: growing buffers, strings, numbers. */
#ifndef MTI_UTIL_H
#define MTI_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

#define MTI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A growing byte buffer, always NUL-terminated when data is not NULL. */
struct mti_buf {
	char *data;
	size_t len;
	size_t cap;
};

void mti_buf_init(struct mti_buf *b);
void mti_buf_free(struct mti_buf *b);
void mti_buf_reset(struct mti_buf *b);
/* Makes room for extra more bytes (plus the NUL). */
enum mt_err mti_buf_reserve(struct mti_buf *b, size_t extra);
enum mt_err mti_buf_append(struct mti_buf *b, const void *data, size_t n);
enum mt_err mti_buf_puts(struct mti_buf *b, const char *s);
enum mt_err mti_buf_putc(struct mti_buf *b, char c);
enum mt_err mti_buf_printf(struct mti_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum mt_err mti_buf_vprintf(struct mti_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Hands the data to the caller (never NULL on success: "" for empty). */
char *mti_buf_steal(struct mti_buf *b);

/* Grows *ptr (an array of elem-sized items with *cap slots) to hold need
 * items. Overflow-checked. */
enum mt_err mti_grow(void **ptr, size_t *cap, size_t need, size_t elem);

/* Appends one zeroed item to the array *arr of *n items of elem bytes,
 * holding at most max: *slot is the new item, or NULL with *truncated set
 * when the array is full (not an error). Returns MT_OK or MT_ERR_NOMEM. */
enum mt_err mti_append_capped(void **arr, size_t *n, size_t max, size_t elem, bool *truncated,
                              void **slot);

/* strdup that maps NULL to NULL. */
char *mti_strdup(const char *s);
/* Copies n bytes and adds a NUL. */
char *mti_strndup(const char *s, size_t n);
char *mti_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* mti_asprintf with a va_list. */
char *mti_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* The part of path after its last '/' (path itself without one; NULL for
 * NULL). Points into path. */
const char *mti_base_name(const char *path);
/* Frees n strings and the vector. */
void mti_strv_free(char **v, size_t n);
/* Duplicates a string vector. */
enum mt_err mti_strv_dup(char *const *src, size_t n, char ***out);

bool mti_str_starts(const char *s, const char *prefix);
bool mti_str_ends(const char *s, const char *suffix);
bool mti_mem_starts(const char *s, size_t len, const char *prefix);
/* True when the len bytes at s end with suffix. */
bool mti_str_ends_n(const char *s, size_t len, const char *suffix);

/* The kernel's PID_MAX_LIMIT on 64-bit systems: no PID is larger. */
#define MTI_PID_MAX_LIMIT 4194304

/* Parses exactly len bytes of decimal digits into *out. No sign, no
 * spaces, no overflow. */
bool mti_parse_u64(const char *s, size_t len, uint64_t *out);
/* Like mti_parse_u64 with an optional leading '-'. */
bool mti_parse_i64(const char *s, size_t len, int64_t *out);
/* Parses a NUL-terminated decimal PID in 1..PID_MAX_LIMIT. */
bool mti_parse_pid(const char *s, pid_t *out);

/* True when s is exactly n lower-case hex digits. */
bool mti_is_hex(const char *s, size_t n);

/* Current wall clock in ms since the epoch, and monotonic ms. */
int64_t mti_now_ms(void);
int64_t mti_monotonic_ms(void);

/* Formats ms since the epoch as "2026-01-02T03:04:05.678Z" into buf (>= 32). */
char *mti_format_utc_ms(int64_t ms, char *buf, size_t len);

/* Initialises a mutex and a condition variable together; false (both
 * unusable, nothing to destroy) when either fails. */
bool mti_sync_init(pthread_mutex_t *lock, pthread_cond_t *cond);
void mti_sync_destroy(pthread_mutex_t *lock, pthread_cond_t *cond);

/* Copies src into dst of size n, always terminating; returns dst. */
char *mti_strlcpy(char *dst, const char *src, size_t n);

#endif
