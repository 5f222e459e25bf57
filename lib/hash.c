/* SHA-256 of files, through OpenSSL's libcrypto. */
#include "hash.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
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

static struct {
	int (*init_crypto)(uint64_t opts, const OPENSSL_INIT_SETTINGS *settings);
	EVP_MD *(*md_fetch)(OSSL_LIB_CTX *ctx, const char *algorithm, const char *properties);
	EVP_MD_CTX *(*ctx_new)(void);
	void (*ctx_free)(EVP_MD_CTX *ctx);
	int (*init)(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl);
	int (*update)(EVP_MD_CTX *ctx, const void *d, size_t cnt);
	int (*final)(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s);
} crypto;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

/* Loads libcrypto and fetches SHA-256 once: OpenSSL 3 would otherwise look
 * it up for every digest. OpenSSL's configuration file is not read:
 * nothing in it concerns a plain digest. */
static void sha256_init(void)
{
	const struct mti_dlsym syms[] = {
	    {"OPENSSL_init_crypto", &crypto.init_crypto}, {"EVP_MD_fetch", &crypto.md_fetch},
	    {"EVP_MD_CTX_new", &crypto.ctx_new},          {"EVP_MD_CTX_free", &crypto.ctx_free},
	    {"EVP_DigestInit_ex", &crypto.init},          {"EVP_DigestUpdate", &crypto.update},
	    {"EVP_DigestFinal_ex", &crypto.final},
	};
	char msg[256];

	if (!mti_dlload(LIBCRYPTO_SONAME, syms, MTI_ARRAY_LEN(syms), msg, sizeof(msg)))
		return;
	crypto.init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	sha256_md = crypto.md_fetch(NULL, "SHA256", NULL);
}

/* The SHA-256 implementation, or NULL when libcrypto is not available. */
static const EVP_MD *sha256(void)
{
	pthread_once(&sha256_once, sha256_init);
	return sha256_md;
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

enum mt_err mti_sha256_fd(int fd, uint64_t max_bytes, char out[65], uint64_t *bytes)
{
	const EVP_MD *md = sha256();
	EVP_MD_CTX *ctx = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len = 0;
	unsigned char *buf = NULL;
	uint64_t total = 0;
	enum mt_err err = MT_OK;

	out[0] = '\0';
	if (!md) {
		err = MT_ERR_UNSUPPORTED;
		goto out;
	}
	ctx = crypto.ctx_new();
	buf = malloc(CHUNK);
	if (!ctx || !buf) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	if (crypto.init(ctx, md, NULL) != 1) {
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
		if (crypto.update(ctx, buf, (size_t)n) != 1) {
			err = MT_ERR_IO;
			goto out;
		}
	}
	if (crypto.final(ctx, digest, &digest_len) != 1) {
		err = MT_ERR_IO;
		goto out;
	}
	to_hex(digest, digest_len, out);
out:
	if (bytes)
		*bytes = total;
	free(buf);
	if (ctx)
		crypto.ctx_free(ctx);
	return err;
}

enum mt_err mti_sha256_mem(const void *data, size_t len, char out[65])
{
	const EVP_MD *md = sha256();
	EVP_MD_CTX *ctx;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned digest_len = 0;
	enum mt_err err = MT_ERR_IO;

	out[0] = '\0';
	if (!md)
		return MT_ERR_UNSUPPORTED;
	ctx = crypto.ctx_new();
	if (!ctx)
		return MT_ERR_NOMEM;
	if (crypto.init(ctx, md, NULL) == 1 && crypto.update(ctx, data, len) == 1 &&
	    crypto.final(ctx, digest, &digest_len) == 1) {
		to_hex(digest, digest_len, out);
		err = MT_OK;
	}
	crypto.ctx_free(ctx);
	return err;
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
