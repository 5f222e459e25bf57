/* The start-up check for preload rootkits (see include/minertrace/preload.h).
 *
 * Three signs, any of which is enough: /etc/ld.so.preload lists something,
 * LD_PRELOAD is set, or a shared object is loaded that no loaded object
 * names as DT_NEEDED. The last one catches a library that hides its own
 * line of the preload file (by hooking open or read): the loader still had
 * to map it, and dl_iterate_phdr walks the loader's own list.
 *
 * A statically linked minertrace has no loader: nothing named by the file
 * or the variable is mapped into it, and it never needs to run again. It
 * still reports both. Every library they name is hashed as evidence
 * (mti_preload_libraries, once the session has the report: after running
 * again, so a hooked read cannot fake the digest).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>
#include <minertrace/preload.h>

#include "hash.h"
#include "procfs.h"
#include "trace_model.h"
#include "util.h"

#define PRELOAD_FILE_CAP 4096
#define MAX_OBJECTS 512
#define MAX_LIBRARIES 64
/* A preload library is small; this bounds the time spent on a hostile
 * path. */
#define LIBRARY_HASH_CAP (256ull * 1024 * 1024)

struct loaded_object {
	char *path;
	char *soname; /* or NULL */
};

struct object_list {
	char **needed; /* every DT_NEEDED name of every loaded object */
	size_t n_needed, cap_needed;
	struct loaded_object *objects; /* other than the program and the vDSO */
	size_t n_objects, cap_objects;
	uintptr_t vdso;
	bool first_seen;
	enum mt_err err;
};

static bool has_content(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ':')
			return true;
	return false;
}

/* valgrind runs its client with its own libraries in LD_PRELOAD: a tool
 * the user chose, not a rootkit, when they are the packaged files (under
 * /usr, owned by root, writable by no one else). */
static bool is_valgrind_library(const char *path, size_t len)
{
	char copy[4096];
	const char *base;
	struct stat st;

	if (len == 0 || len >= sizeof(copy))
		return false;
	memcpy(copy, path, len);
	copy[len] = '\0';
	base = strrchr(copy, '/');
	if (!base || !mti_str_starts(copy, "/usr/") || strstr(copy, "/.") ||
	    !strstr(copy, "/valgrind/") || !mti_str_starts(base + 1, "vgpreload_"))
		return false;
	return lstat(copy, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 &&
	       !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* True when LD_PRELOAD lists valgrind's libraries and nothing else. */
static bool only_valgrind(const char *list)
{
	bool any = false;

	while (list && *list) {
		size_t len = strcspn(list, ": \t");

		if (len) {
			if (!is_valgrind_library(list, len))
				return false;
			any = true;
		}
		list += len + (list[len] != '\0');
	}
	return any;
}

static enum mt_err push(char ***v, size_t *n, size_t *cap, const char *s)
{
	char *copy = s ? mti_strdup(s) : NULL;

	if (s && !copy)
		return MT_ERR_NOMEM;
	if (mti_grow((void **)v, cap, *n + 1, sizeof(**v))) {
		free(copy);
		return MT_ERR_NOMEM;
	}
	(*v)[(*n)++] = copy;
	return MT_OK;
}

/* The string at offset off of a string table of size strsz, or NULL. */
static const char *dyn_string(uintptr_t strtab, size_t strsz, ElfW(Xword) off)
{
	const char *s;

	if (!strtab || off >= strsz)
		return NULL;
	/* the loader hands out addresses as integers */
	s = (const char *)(strtab + off); /* NOLINT(performance-no-int-to-ptr) */
	return memchr(s, '\0', strsz - off) ? s : NULL;
}

static const ElfW(Dyn) * find_dynamic(const struct dl_phdr_info *info)
{
	ElfW(Half) i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ElfW(Addr) at;

		if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
			continue;
		at = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		return (const ElfW(Dyn) *)at; /* NOLINT(performance-no-int-to-ptr) */
	}
	return NULL;
}

static int visit_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct object_list *l = data;
	struct loaded_object *o;
	const ElfW(Dyn) * dyn, *d;
	uintptr_t strtab = 0;
	size_t strsz = 0, n = 0;
	const char *soname = NULL;
	bool program = !l->first_seen;

	(void)size;
	l->first_seen = true;
	if (l->n_objects >= MAX_OBJECTS || l->err)
		return 1;
	dyn = find_dynamic(info);
	for (d = dyn; d && d->d_tag != DT_NULL && n < 4096; d++, n++) {
		if (d->d_tag == DT_STRTAB)
			strtab = d->d_un.d_ptr;
		else if (d->d_tag == DT_STRSZ)
			strsz = d->d_un.d_val;
	}
	/* The loader rewrites these addresses in place, except where the
	 * dynamic section is read-only (the vDSO): then they are offsets. */
	if (strtab && strtab < info->dlpi_addr)
		strtab += info->dlpi_addr;
	for (d = dyn, n = 0; d && d->d_tag != DT_NULL && n < 4096 && !l->err; d++, n++) {
		const char *s = dyn_string(strtab, strsz, d->d_un.d_val);

		if (d->d_tag == DT_NEEDED && s)
			l->err = push(&l->needed, &l->n_needed, &l->cap_needed, s);
		else if (d->d_tag == DT_SONAME)
			soname = s;
	}
	if (program || info->dlpi_addr == l->vdso || !info->dlpi_name || !info->dlpi_name[0] ||
	    l->err)
		return l->err ? 1 : 0;
	if (mti_grow((void **)&l->objects, &l->cap_objects, l->n_objects + 1,
	             sizeof(*l->objects))) {
		l->err = MT_ERR_NOMEM;
		return 1;
	}
	o = &l->objects[l->n_objects];
	o->path = mti_strdup(info->dlpi_name);
	o->soname = soname ? mti_strdup(soname) : NULL;
	l->n_objects++;
	if (!o->path || (soname && !o->soname))
		l->err = MT_ERR_NOMEM;
	return l->err ? 1 : 0;
}

static bool is_needed(const struct object_list *l, const char *name)
{
	size_t i;

	for (i = 0; name && i < l->n_needed; i++)
		if (!strcmp(l->needed[i], name))
			return true;
	return false;
}

static void object_list_free(struct object_list *l)
{
	size_t i;

	mti_strv_free(l->needed, l->n_needed);
	for (i = 0; i < l->n_objects; i++) {
		free(l->objects[i].path);
		free(l->objects[i].soname);
	}
	free(l->objects);
}

/* Loaded objects nobody needs: what LD_PRELOAD or ld.so.preload added. */
static enum mt_err unexpected_objects(struct mt_preload_report *r)
{
	struct object_list l;
	size_t i, cap = 0;
	enum mt_err err;

	memset(&l, 0, sizeof(l));
	l.vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	dl_iterate_phdr(visit_object, &l);
	err = l.err;
	for (i = 0; i < l.n_objects && !err; i++) {
		const struct loaded_object *o = &l.objects[i];
		const char *base = strrchr(o->path, '/');

		base = base ? base + 1 : o->path;
		if (is_needed(&l, base) || is_needed(&l, o->soname) ||
		    is_valgrind_library(o->path, strlen(o->path)))
			continue;
		err = push(&r->unexpected_libs, &r->n_unexpected_libs, &cap, o->path);
	}
	object_list_free(&l);
	return err;
}

static enum mt_err read_preload_file(const char *etc_root, struct mt_preload_report *r,
                                     struct mti_buf *note)
{
	char path[4096];
	struct mti_buf buf;
	bool truncated = false;
	enum mt_err err = MT_OK;
	int fd;

	snprintf(path, sizeof(path), "%s/ld.so.preload", etc_root ? etc_root : "/etc");
	/* The loader follows a symlink here, and so do we. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? MT_OK
		                       : mti_buf_printf(note, "%s could not be read (%s). ", path,
		                                        strerror(errno));
	mti_buf_init(&buf);
	if (mti_read_fd(fd, PRELOAD_FILE_CAP, &buf, &truncated))
		err = mti_buf_printf(note, "%s could not be read. ", path);
	else if (has_content(buf.data) && !(r->preload_file = mti_strdup(buf.data)))
		err = MT_ERR_NOMEM;
	else if (truncated)
		err = mti_buf_printf(note, "%s is longer than %d bytes; only the start is shown. ",
		                     path, PRELOAD_FILE_CAP);
	close(fd);
	mti_buf_free(&buf);
	return err;
}

static enum mt_err add_env_libs(struct mt_preload_report *r, const char *libs)
{
	size_t cap = r->n_unexpected_libs;
	enum mt_err err = MT_OK;

	while (libs && *libs && !err && r->n_unexpected_libs < MAX_OBJECTS) {
		size_t len = strcspn(libs, "\n");
		char *one = mti_strndup(libs, len);

		err = one ? push(&r->unexpected_libs, &r->n_unexpected_libs, &cap, one)
		          : MT_ERR_NOMEM;
		free(one);
		libs += len + (libs[len] == '\n');
	}
	return err;
}

/* True when the running program names no interpreter: the dynamic loader
 * never ran in it, so /etc/ld.so.preload and LD_PRELOAD did nothing. */
static bool program_is_static(void)
{
	const ElfW(Phdr) *ph =
	    (const ElfW(Phdr) *)getauxval(AT_PHDR); /* NOLINT(performance-no-int-to-ptr) */
	unsigned long i, n = getauxval(AT_PHNUM);

	for (i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			return false;
	return ph != NULL;
}

static bool found_anything(const struct mt_preload_report *r)
{
	return r->preload_file || r->ld_preload_env || r->n_unexpected_libs;
}

/* The second run: the report is what the first run saw; this run's own
 * findings only decide whether running again helped. */
static enum mt_err second_run(const struct mt_preload_report *now, struct mt_preload_report *r,
                              struct mti_buf *note)
{
	const char *file = getenv(MT_PRELOAD_ENV_FILE), *ld = getenv(MT_PRELOAD_ENV_LD);

	r->reexecuted = true;
	r->detected = true;
	if ((has_content(file) && !(r->preload_file = mti_strdup(file))) ||
	    (has_content(ld) && !(r->ld_preload_env = mti_strdup(ld))) ||
	    add_env_libs(r, getenv(MT_PRELOAD_ENV_LIBS)))
		return MT_ERR_NOMEM;
	if (found_anything(now))
		return mti_buf_puts(note, "Ran again without the preload library, but it is still "
		                          "loaded: what readdir lists may still be filtered.");
	return mti_buf_printf(note,
	                      "Ran again %swithout %s: this run has no preloaded library. "
	                      "The host was not changed.",
	                      r->preload_file ? "in a private mount namespace, " : "",
	                      r->preload_file
	                          ? "/etc/ld.so.preload (an empty file is mounted over it)"
	                          : "LD_PRELOAD");
}

enum mt_err mt_preload_check(const char *etc_root, struct mt_preload_report *r)
{
	struct mt_preload_report now;
	struct mti_buf note;
	const char *ld = getenv("LD_PRELOAD"), *again = getenv(MT_PRELOAD_ENV_REEXEC);
	enum mt_err err;

	memset(r, 0, sizeof(*r));
	memset(&now, 0, sizeof(now));
	mti_buf_init(&note);
	err = read_preload_file(etc_root, &now, &note);
	if (!err && only_valgrind(ld))
		err = mti_buf_puts(&note,
		                   "LD_PRELOAD lists only valgrind's own libraries: not counted. ");
	else if (!err && has_content(ld) && !(now.ld_preload_env = mti_strdup(ld)))
		err = MT_ERR_NOMEM;
	if (!err)
		err = unexpected_objects(&now);
	if (!err && again && !strcmp(again, "1")) {
		err = second_run(&now, r, &note);
		mti_preload_clear(&now);
	} else if (!err) {
		*r = now;
		r->detected = found_anything(r);
		r->statically_linked = program_is_static();
		if (r->detected && r->statically_linked)
			err = mti_buf_puts(&note,
			                   "minertrace is statically linked: no loader ran in it, "
			                   "so no preload library was loaded into it and it did "
			                   "not need to run again. What it lists is still "
			                   "loaded into every dynamically linked program.");
		else if (r->detected)
			err = mti_buf_puts(&note,
			                   "A preload library is loaded into minertrace: it can "
			                   "hide processes from the /proc listing.");
	} else {
		mti_preload_clear(&now);
	}
	r->checked = true;
	while (note.len && note.data[note.len - 1] == ' ')
		note.data[--note.len] = '\0';
	if (!err && note.len && !(r->note = mti_buf_steal(&note)))
		err = MT_ERR_NOMEM;
	mti_buf_free(&note);
	if (err)
		mti_preload_clear(r);
	return err;
}

bool mt_preload_wants_reexec(const struct mt_preload_report *r)
{
	return r && r->detected && !r->reexecuted && !r->statically_linked &&
	       !getenv(MT_PRELOAD_ENV_REEXEC);
}

/* Adds each entry of list (separated by any byte of seps) that is not
 * listed yet. */
static enum mt_err add_library_names(struct mt_preload_report *r, size_t *cap, const char *list,
                                     const char *seps)
{
	while (list && *list && r->n_libraries < MAX_LIBRARIES) {
		size_t len = strcspn(list, seps), i;
		struct mt_preload_library *l;

		for (i = 0; len && i < r->n_libraries; i++)
			if (strlen(r->libraries[i].path) == len &&
			    !memcmp(r->libraries[i].path, list, len))
				break;
		if (len && i == r->n_libraries) {
			if (mti_grow((void **)&r->libraries, cap, r->n_libraries + 1,
			             sizeof(*r->libraries)))
				return MT_ERR_NOMEM;
			l = &r->libraries[r->n_libraries];
			memset(l, 0, sizeof(*l));
			if (!(l->path = mti_strndup(list, len)))
				return MT_ERR_NOMEM;
			r->n_libraries++;
		}
		list += len + (list[len] != '\0');
	}
	return MT_OK;
}

/* The error for a failed stat or open of a library. */
static enum mt_err library_err(int e)
{
	return e == ENOENT ? MT_ERR_NOT_FOUND : mti_errno_to_err(e);
}

/* Reads one library the way the loader would (following links) and hashes
 * it. Only a regular file is opened (a device could act on being opened),
 * without blocking, and it must still be one once open. */
static void hash_library(struct mt_preload_library *l)
{
	struct stat st;
	int fd;

	if (stat(l->path, &st)) {
		l->err = library_err(errno);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		l->err = MT_ERR_UNSUPPORTED;
		return;
	}
	fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		l->err = library_err(errno);
		return;
	}
	if (fstat(fd, &st)) {
		l->err = mti_errno_to_err(errno);
	} else if (!S_ISREG(st.st_mode)) {
		l->err = MT_ERR_UNSUPPORTED;
	} else {
		l->size = (uint64_t)st.st_size;
		l->dev = (uint64_t)st.st_dev;
		l->ino = (uint64_t)st.st_ino;
		l->err = mti_sha256_fd(fd, LIBRARY_HASH_CAP, l->sha256, NULL);
	}
	close(fd);
}

enum mt_err mti_preload_libraries(struct mt_preload_report *r)
{
	size_t cap = r->n_libraries, i;
	enum mt_err err;

	/* The loader splits both lists at blanks and colons. */
	err = add_library_names(r, &cap, r->preload_file, " \t\n\r:");
	if (!err)
		err = add_library_names(r, &cap, r->ld_preload_env, " \t\n\r:");
	for (i = 0; !err && i < r->n_unexpected_libs; i++)
		err = add_library_names(r, &cap, r->unexpected_libs[i], "");
	for (i = 0; !err && i < r->n_libraries; i++)
		if (!r->libraries[i].sha256[0] && !r->libraries[i].err)
			hash_library(&r->libraries[i]);
	return err;
}

bool mt_preload_needs_namespace(const struct mt_preload_report *r)
{
	/* A library nobody needs and LD_PRELOAD does not explain came from the
	 * preload file, even when the file hides its own content. */
	return r && (r->preload_file || (r->n_unexpected_libs && !r->ld_preload_env));
}

void mt_preload_report_clear(struct mt_preload_report *r)
{
	mti_preload_clear(r);
}

enum mt_err mt_preload_set_note(struct mt_preload_report *r, const char *note)
{
	char *copy = mti_strdup(note);

	if (!copy)
		return MT_ERR_NOMEM;
	free(r->note);
	r->note = copy;
	return MT_OK;
}
