/* Host user names, read from passwd directly. */
#include "passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "util.h"

#define PASSWD_CAP (8u * 1024u * 1024u)
#define PASSWD_MAX_USERS 100000

enum mt_err mti_passwd_parse(const char *buf, size_t len, struct mti_passwd *out)
{
	const char *p = buf, *end = buf + len;
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	while (p < end && out->n < PASSWD_MAX_USERS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *c1 = memchr(p, ':', (size_t)(le - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		const char *c3 = c2 ? memchr(c2 + 1, ':', (size_t)(le - c2 - 1)) : NULL;
		uint64_t uid;

		if (c3 && c1 > p && mti_parse_u64(c2 + 1, (size_t)(c3 - c2 - 1), &uid) &&
		    uid <= UINT32_MAX) {
			if (mti_grow((void **)&out->v, &cap, out->n + 1, sizeof(*out->v)))
				goto nomem;
			out->v[out->n].uid = (uid_t)uid;
			out->v[out->n].name = mti_strndup(p, (size_t)(c1 - p));
			if (!out->v[out->n].name)
				goto nomem;
			out->n++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return MT_OK;
nomem:
	mti_passwd_free(out);
	return MT_ERR_NOMEM;
}

enum mt_err mti_passwd_load(const char *etc_root, struct mti_passwd *out)
{
	struct mti_buf b;
	enum mt_err err;
	int dfd;

	out->v = NULL;
	out->n = 0;
	dfd = open(etc_root ? etc_root : "/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return mti_errno_to_err(errno);
	mti_buf_init(&b);
	err = mti_read_at(dfd, "passwd", PASSWD_CAP, &b, NULL);
	close(dfd);
	if (!err)
		err = mti_passwd_parse(b.data, b.len, out);
	mti_buf_free(&b);
	return err;
}

void mti_passwd_free(struct mti_passwd *pw)
{
	size_t i;

	if (!pw)
		return;
	for (i = 0; i < pw->n; i++)
		free(pw->v[i].name);
	free(pw->v);
	pw->v = NULL;
	pw->n = 0;
}

const char *mti_passwd_name(const struct mti_passwd *pw, uid_t uid)
{
	size_t i;

	for (i = 0; i < pw->n; i++)
		if (pw->v[i].uid == uid)
			return pw->v[i].name;
	return NULL;
}
