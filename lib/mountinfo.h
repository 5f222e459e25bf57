/* Parsing /proc/PID/mountinfo: pure, no I/O. */
#ifndef MTI_MOUNTINFO_H
#define MTI_MOUNTINFO_H

#include <stddef.h>

#include <minertrace/model.h>

#define MTI_MOUNTS_MAX 16384

struct mti_mount {
	unsigned id;
	unsigned parent;
	unsigned major, minor;
	char *root;        /* unescaped */
	char *mount_point; /* unescaped, relative to the process's root */
	char *fstype;
	char *source;
	char *super_options; /* still escaped: split on ',' first */
};

struct mti_mounts {
	struct mti_mount *v;
	size_t n;
};

/* Parses the whole file. Malformed lines are skipped; MT_ERR_PARSE when
 * no line could be read. Free with mti_mounts_free. */
enum mt_err mti_mounts_parse(const char *buf, size_t len, struct mti_mounts *out);
void mti_mounts_free(struct mti_mounts *m);

/* The mount visible at "/" (the last one mounted there), or NULL. */
const struct mti_mount *mti_mounts_root(const struct mti_mounts *m);

/* The mount that holds path on device major:minor: among mounts of that
 * device, the one whose mount point is the longest prefix of path. */
const struct mti_mount *mti_mounts_for_file(const struct mti_mounts *m, unsigned major,
                                            unsigned minor, const char *path);

/* The unescaped value of key=value in the mount's super options (*value,
 * caller frees), MT_ERR_NOT_FOUND when absent. */
enum mt_err mti_mount_option(const struct mti_mount *mnt, const char *key, char **value);

/* Splits an overlay lowerdir value on ':' (a "\:" is a literal colon).
 * *dirs is a new vector (mti_strv_free). */
enum mt_err mti_split_lowerdir(const char *value, char ***dirs, size_t *n);

/* Decodes the \ooo escapes the kernel writes for space, tab, newline and
 * backslash. Returns a new string. */
char *mti_unescape_octal(const char *s, size_t len);

#endif
