/* Host user names, read from passwd directly (NSS is not consulted: no
 * network lookups, no modules loaded into a root process on a compromised
 * host). */
#ifndef MTI_PASSWD_H
#define MTI_PASSWD_H

#include <stddef.h>
#include <sys/types.h>

#include <minertrace/model.h>

struct mti_user {
	uid_t uid;
	char *name;
};

struct mti_passwd {
	struct mti_user *v;
	size_t n;
};

/* Parses passwd text; malformed lines are skipped. */
enum mt_err mti_passwd_parse(const char *buf, size_t len, struct mti_passwd *out);
/* Loads <etc_root>/passwd. */
enum mt_err mti_passwd_load(const char *etc_root, struct mti_passwd *out);
void mti_passwd_free(struct mti_passwd *pw);
/* The first name with this uid, or NULL. Points into pw. */
const char *mti_passwd_name(const struct mti_passwd *pw, uid_t uid);

#endif
