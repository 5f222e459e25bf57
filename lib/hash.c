/* SHA-256 of files, through OpenSSL's libcrypto. */
#include "hash.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include "procfs.h"

#define CHUNK (256u * 1024u)

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
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	unsigned char *buf = malloc(CHUNK);
	uint64_t total = 0;
	enum mt_err err = MT_OK;

	out[0] = '\0';
	if (!ctx || !buf) {
		err = MT_ERR_NOMEM;
		goto out;
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
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
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
			err = MT_ERR_IO;
			goto out;
		}
	}
	if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1) {
		err = MT_ERR_IO;
		goto out;
	}
	to_hex(md, md_len, out);
out:
	if (bytes)
		*bytes = total;
	free(buf);
	EVP_MD_CTX_free(ctx);
	return err;
}

enum mt_err mti_sha256_mem(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;

	out[0] = '\0';
	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1)
		return MT_ERR_IO;
	to_hex(md, md_len, out);
	return MT_OK;
}
