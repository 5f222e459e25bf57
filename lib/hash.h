/* SHA-256 of files, through OpenSSL's libcrypto. */
#ifndef MTI_HASH_H
#define MTI_HASH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <minertrace/model.h>

/* Largest file we hash (a miner is a few MB; this bounds the time spent). */
#define MTI_HASH_MAX_BYTES (2ull * 1024 * 1024 * 1024)

/* Hashes fd from its current offset to the end into out (64 hex + NUL).
 * Errors: MT_ERR_TOO_LARGE past max_bytes, MT_ERR_IO, MT_ERR_NOMEM. */
enum mt_err mti_sha256_fd(int fd, uint64_t max_bytes, char out[65], uint64_t *bytes);

/* Hashes len bytes of memory. */
enum mt_err mti_sha256_mem(const void *data, size_t len, char out[65]);

/* Hashing the executables of a chain on worker threads while the caller
 * goes on walking /proc and asking the engine (whose round-trips leave the
 * CPU idle). Files are queued as they are found; a file whose device and
 * inode were queued before is hashed once. */
#define MTI_HASH_WORKERS 1

struct mti_hash_item {
	int fd;
	size_t tag; /* the caller's index */
	uint64_t dev, ino;
	long alias; /* index of the item with the same file, or -1 */
	enum mt_err err;
	char sha256[65];
};

struct mti_hash_batch {
	struct mti_hash_item *items; /* fixed capacity: never moves while hashing */
	size_t n;
	size_t cap;
	size_t next;  /* next item for a worker */
	bool closed;  /* no more items will come */
	bool started; /* workers may run */
	bool sync_ready;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t threads[MTI_HASH_WORKERS];
	int n_threads;
};

/* Prepares a batch for at most cap files. */
enum mt_err mti_hash_batch_init(struct mti_hash_batch *b, size_t cap);
/* Queues fd (the batch owns it from now on, also on failure); once the
 * batch is started, a worker takes it. dev/ino identify the file (0/0:
 * unknown). */
enum mt_err mti_hash_batch_add(struct mti_hash_batch *b, int fd, size_t tag, uint64_t dev,
                               uint64_t ino);
/* Lets the workers start hashing what is queued and what comes later. */
void mti_hash_batch_start(struct mti_hash_batch *b);
/* Waits until every queued file is hashed (hashing inline when no worker
 * could be started); afterwards items[] hold the results. */
void mti_hash_batch_finish(struct mti_hash_batch *b);
/* Finishes, closes the files and frees the batch. */
void mti_hash_batch_free(struct mti_hash_batch *b);

#endif
