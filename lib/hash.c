/* SHA-256 of files, through OpenSSL's libcrypto. */
#include "hash.h"

#include <errno.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlload.h"
#include "procfs.h"
#include "util.h"

#define CHUNK (64u * 1024u)

/* OpenSSL 3's libcrypto, by its ABI name, loaded on first use: a run that
 * hashes late (or never) does not pay for it at start-up. */
#define MTI_STR2(x) #x
#define MTI_STR(x) MTI_STR2(x)
#define LIBCRYPTO_SONAME "libcrypto.so." MTI_STR(OPENSSL_VERSION_MAJOR)

/* SHA-256's low-level entry points: the same digest as EVP's without its
 * provider machinery (which the static flavour would have to link in) and
 * without any initialisation, so OpenSSL's configuration file is never
 * read. */
static struct {
	int (*init)(SHA256_CTX *c);
	int (*update)(SHA256_CTX *c, const void *data, size_t len);
	int (*final)(unsigned char *md, SHA256_CTX *c);
} crypto;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static bool sha256_ready;

/* Loads libcrypto once. */
static void sha256_init(void)
{
	const struct mti_dlsym syms[] = {
	    {"SHA256_Init", &crypto.init},
	    {"SHA256_Update", &crypto.update},
	    {"SHA256_Final", &crypto.final},
	};
	char msg[256];

	sha256_ready = mti_dlload(LIBCRYPTO_SONAME, syms, MTI_ARRAY_LEN(syms), msg, sizeof(msg));
}

/* True when SHA-256 is available (libcrypto could be loaded). */
static bool sha256_available(void)
{
	pthread_once(&sha256_once, sha256_init);
	return sha256_ready;
}

static void to_hex(const unsigned char *md, unsigned len, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < len && i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * i] = '\0';
}

/* Finishes ctx into out as hex; false on failure. */
static bool sha256_finish(SHA256_CTX *ctx, char out[65])
{
	unsigned char digest[SHA256_DIGEST_LENGTH];

	if (crypto.final(digest, ctx) != 1)
		return false;
	to_hex(digest, SHA256_DIGEST_LENGTH, out);
	return true;
}

enum mt_err mti_sha256_fd(int fd, uint64_t max_bytes, char out[65], uint64_t *bytes)
{
	SHA256_CTX ctx;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	enum mt_err err = MT_OK;

	out[0] = '\0';
	if (!sha256_available()) {
		err = MT_ERR_UNSUPPORTED;
		goto out;
	}
	buf = malloc(CHUNK);
	if (!buf) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	if (crypto.init(&ctx) != 1) {
		err = MT_ERR_IO;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = mti_errno_to_err(errno);
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > max_bytes) {
			err = MT_ERR_TOO_LARGE;
			goto out;
		}
		if (crypto.update(&ctx, buf, (size_t)n) != 1) {
			err = MT_ERR_IO;
			goto out;
		}
	}
	if (!sha256_finish(&ctx, out))
		err = MT_ERR_IO;
out:
	if (bytes)
		*bytes = total;
	free(buf);
	return err;
}

enum mt_err mti_sha256_mem(const void *data, size_t len, char out[65])
{
	SHA256_CTX ctx;

	out[0] = '\0';
	if (!sha256_available())
		return MT_ERR_UNSUPPORTED;
	if (crypto.init(&ctx) == 1 && crypto.update(&ctx, data, len) == 1 &&
	    sha256_finish(&ctx, out))
		return MT_OK;
	return MT_ERR_IO;
}

enum mt_err mti_hash_batch_init(struct mti_hash_batch *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->items = calloc(cap ? cap : 1, sizeof(*b->items));
	if (!b->items)
		return MT_ERR_NOMEM;
	b->cap = cap;
	b->sync_ready = mti_sync_init(&b->lock, &b->cond);
	return MT_OK;
}

static void hash_item(struct mti_hash_item *it)
{
	if (it->alias < 0)
		it->err = mti_sha256_fd(it->fd, MTI_HASH_MAX_BYTES, it->sha256, NULL);
}

static void *worker(void *arg)
{
	struct mti_hash_batch *b = arg;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct mti_hash_item *it;

		while (b->next >= b->n && !b->closed)
			pthread_cond_wait(&b->cond, &b->lock);
		if (b->next >= b->n)
			break;
		it = &b->items[b->next++];
		pthread_mutex_unlock(&b->lock);
		hash_item(it);
		pthread_mutex_lock(&b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

static void start_workers(struct mti_hash_batch *b)
{
	while (b->sync_ready && b->n_threads < MTI_HASH_WORKERS && b->n_threads < (int)b->n &&
	       pthread_create(&b->threads[b->n_threads], NULL, worker, b) == 0)
		b->n_threads++;
}

enum mt_err mti_hash_batch_add(struct mti_hash_batch *b, int fd, size_t tag, uint64_t dev,
                               uint64_t ino)
{
	struct mti_hash_item *it;
	size_t i;

	if (b->closed || b->n >= b->cap) {
		close(fd);
		return MT_ERR_LIMIT;
	}
	it = &b->items[b->n];
	memset(it, 0, sizeof(*it));
	it->fd = fd;
	it->tag = tag;
	it->dev = dev;
	it->ino = ino;
	it->alias = -1;
	for (i = 0; (dev || ino) && i < b->n; i++)
		if (b->items[i].alias < 0 && b->items[i].dev == dev && b->items[i].ino == ino)
			it->alias = (long)i;
	if (b->sync_ready)
		pthread_mutex_lock(&b->lock);
	b->n++;
	if (b->sync_ready) {
		pthread_cond_signal(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
	if (b->started)
		start_workers(b);
	return MT_OK;
}

void mti_hash_batch_start(struct mti_hash_batch *b)
{
	b->started = true;
	start_workers(b);
}

void mti_hash_batch_finish(struct mti_hash_batch *b)
{
	size_t i;
	int k;

	if (b->sync_ready) {
		pthread_mutex_lock(&b->lock);
		b->closed = true;
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
		for (k = 0; k < b->n_threads; k++)
			pthread_join(b->threads[k], NULL);
		b->n_threads = 0;
	}
	b->closed = true;
	/* what no worker took (none could be started) is hashed here */
	for (; b->next < b->n; b->next++)
		hash_item(&b->items[b->next]);
	for (i = 0; i < b->n; i++) {
		struct mti_hash_item *it = &b->items[i];

		if (it->alias >= 0) {
			it->err = b->items[it->alias].err;
			memcpy(it->sha256, b->items[it->alias].sha256, sizeof(it->sha256));
			it->alias = -1;
		}
	}
}

void mti_hash_batch_free(struct mti_hash_batch *b)
{
	size_t i;

	if (!b->items)
		return;
	mti_hash_batch_finish(b);
	for (i = 0; i < b->n; i++)
		close(b->items[i].fd);
	free(b->items);
	if (b->sync_ready)
		mti_sync_destroy(&b->lock, &b->cond);
	memset(b, 0, sizeof(*b));
}
