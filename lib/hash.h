/* SHA-256 of files, through OpenSSL's libcrypto. */
#ifndef MTI_HASH_H
#define MTI_HASH_H

#include <stdint.h>

#include <minertrace/model.h>

/* Largest file we hash (a miner is a few MB; this bounds the time spent). */
#define MTI_HASH_MAX_BYTES (2ull * 1024 * 1024 * 1024)

/* Hashes fd from its current offset to the end into out (64 hex + NUL).
 * Errors: MT_ERR_TOO_LARGE past max_bytes, MT_ERR_IO, MT_ERR_NOMEM. */
enum mt_err mti_sha256_fd(int fd, uint64_t max_bytes, char out[65], uint64_t *bytes);

/* Hashes len bytes of memory. */
enum mt_err mti_sha256_mem(const void *data, size_t len, char out[65]);

#endif
