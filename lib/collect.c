/* Evidence collection: before a responder removes a container, the evidence
 * goes into a directory of their choosing.
 *
 *   binary/<pid>-<name>      executables copied through /proc/PID/exe (even
 *                            deleted ones): the target's and every process's
 *                            inside the container
 *   proc/<pid>/...           status stat cmdline environ maps mountinfo cgroup,
 *                            fd.txt (the fd links) and links.txt (exe, cwd, root)
 *   preload/<n>-<name>       the libraries /etc/ld.so.preload or LD_PRELOAD
 *                            named (a userland rootkit), the file that was
 *                            hashed, n its place in the report's list
 *   engine/<id>/...          the engine's raw replies, as received
 *   report.json report.md    the reports
 *   MANIFEST.sha256          SHA-256 of every file above (sha256sum -c format)
 *
 * Nothing outside the directory is written. Every file is created with
 * O_EXCL|O_NOFOLLOW relative to the directory's own fd, mode 0600 (an
 * environment may hold secrets). A process is collected only while its start
 * time is the one the trace saw, so a reused PID is never mixed in.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minertrace/minertrace.h>

#include "escape.h"
#include "hash.h"
#include "proc_parse.h"
#include "procfs.h"
#include "session.h"
#include "util.h"

#define COLLECT_CAP (64u * 1024u * 1024u)
#define BINARY_CAP (2ull * 1024 * 1024 * 1024)

struct collector {
	int dirfd;
	char **files; /* relative paths written, for the manifest */
	size_t n_files;
	size_t cap_files;
	struct mti_buf notes; /* what could not be collected, and why */
	enum mt_err err;      /* first hard failure */
	char *detail;
	size_t detail_len;
};

static void note(struct collector *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct collector *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mti_buf_vprintf(&c->notes, fmt, ap);
	va_end(ap);
	mti_buf_putc(&c->notes, '\n');
}

static void fail(struct collector *c, enum mt_err err, const char *what)
{
	if (c->err)
		return;
	c->err = err;
	if (c->detail && c->detail_len)
		snprintf(c->detail, c->detail_len, "%s: %s", what, mt_strerror(err));
}

static void remember(struct collector *c, const char *rel)
{
	char *copy = mti_strdup(rel);

	if (!copy ||
	    mti_grow((void **)&c->files, &c->cap_files, c->n_files + 1, sizeof(*c->files))) {
		free(copy);
		fail(c, MT_ERR_NOMEM, rel);
		return;
	}
	c->files[c->n_files++] = copy;
}

/* mkdir relative to the collection directory; EEXIST is fine. */
static bool make_dir(struct collector *c, const char *rel)
{
	if (mkdirat(c->dirfd, rel, 0700) == 0 || errno == EEXIST)
		return true;
	fail(c, mti_errno_to_err(errno), rel);
	return false;
}

/* Creates rel (it must not exist) and returns its fd, or -1. */
static int create_file(struct collector *c, const char *rel)
{
	int fd = openat(c->dirfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		fail(c, errno == EEXIST ? MT_ERR_EXISTS : mti_errno_to_err(errno), rel);
		return -1;
	}
	return fd;
}

static bool write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void write_file(struct collector *c, const char *rel, const void *data, size_t len)
{
	int fd = create_file(c, rel);

	if (fd < 0)
		return;
	if (!write_all(fd, data, len) || close(fd) != 0) {
		fail(c, mti_errno_to_err(errno), rel);
		return;
	}
	remember(c, rel);
}

/* Copies an open fd into rel. */
static void copy_fd(struct collector *c, int in, const char *rel, uint64_t cap)
{
	char buf[65536];
	uint64_t total = 0;
	int out = create_file(c, rel);

	if (out < 0)
		return;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			note(c, "%s: read error: %s (copy incomplete)", rel, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > cap) {
			note(c, "%s: larger than %llu bytes, cut there", rel,
			     (unsigned long long)cap);
			break;
		}
		if (!write_all(out, buf, (size_t)n)) {
			fail(c, mti_errno_to_err(errno), rel);
			close(out);
			return;
		}
	}
	if (close(out) != 0) {
		fail(c, mti_errno_to_err(errno), rel);
		return;
	}
	remember(c, rel);
}

/* An untrusted name made of safe characters only: [A-Za-z0-9._-], at
 * most 64 of them, never starting with a dot, never empty. */
static void safe_chars(const char *base, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; base[i] && o + 1 < len && o < 64; i++) {
		char ch = base[i];

		out[o++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		                   (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'
		               ? ch
		               : '_';
	}
	if (!o)
		out[o++] = 'x';
	out[o] = '\0';
	if (out[0] == '.')
		out[0] = '_';
}

/* A file name from an untrusted path: its last component, made safe. */
static void safe_name(const char *path, char *out, size_t len)
{
	const char *base = path ? strrchr(path, '/') : NULL;

	safe_chars(base ? base + 1 : (path ? path : ""), out, len);
}

/* Opens the process dir only if it is still the process the trace saw. */
static int open_same_process(const struct mti_procfs *pfs, struct collector *c,
                             const struct mt_process *p)
{
	struct mti_buf b;
	struct mti_stat st;
	int dirfd;

	if (mti_proc_open_pid(pfs, p->pid, &dirfd)) {
		note(c, "PID %d exited before it could be collected", (int)p->pid);
		return -1;
	}
	mti_buf_init(&b);
	if (mti_read_at(dirfd, "stat", MTI_CAP_SMALL, &b, NULL) ||
	    mti_parse_stat(b.data, b.len, &st) || st.starttime != p->start_ticks) {
		note(c, "PID %d is no longer the traced process (exited or reused): not collected",
		     (int)p->pid);
		close(dirfd);
		dirfd = -1;
	}
	mti_buf_free(&b);
	return dirfd;
}

static void collect_binary(const struct mti_procfs *pfs, struct collector *c,
                           const struct mt_process *p)
{
	char name[80], rel[128];
	int dirfd, fd;

	if (!p->exe.readable || !pfs->live)
		return;
	dirfd = open_same_process(pfs, c, p);
	if (dirfd < 0)
		return;
	/* Through the exe link: the running file, even deleted, never a path
	 * inside the container that the attacker could have swapped. */
	fd = openat(dirfd, "exe", O_RDONLY | O_CLOEXEC);
	close(dirfd);
	if (fd < 0) {
		note(c, "PID %d: executable not readable: %s", (int)p->pid, strerror(errno));
		return;
	}
	safe_name(p->exe.memfd ? p->exe.memfd_name : p->exe.path, name, sizeof(name));
	snprintf(rel, sizeof(rel), "binary/%d-%s", (int)p->pid, name);
	copy_fd(c, fd, rel, BINARY_CAP);
	close(fd);
}

/* fd.txt: "N -> target" per open file, targets escaped. */
static void collect_fds(struct collector *c, int dirfd, const char *rel)
{
	struct mti_buf out;
	struct dirent *de;
	DIR *d;
	int fdfd = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t n = 0;

	if (fdfd < 0) {
		note(c, "%s: %s", rel, strerror(errno));
		return;
	}
	d = fdopendir(fdfd);
	if (!d) {
		close(fdfd);
		return;
	}
	mti_buf_init(&out);
	while ((de = readdir(d)) && n++ < 65536) {
		char *target = NULL;

		if (de->d_name[0] == '.')
			continue;
		if (mti_readlink_at(fdfd, de->d_name, &target) == MT_OK) {
			mti_buf_printf(&out, "%s -> ", de->d_name);
			mti_escape_text(&out, target, strlen(target));
			mti_buf_putc(&out, '\n');
		}
		free(target);
	}
	closedir(d);
	write_file(c, rel, out.data ? out.data : "", out.len);
	mti_buf_free(&out);
}

static void collect_links(struct collector *c, int dirfd, const char *rel)
{
	static const char *const links[] = {"exe", "cwd", "root"};
	struct mti_buf out;
	size_t i;

	mti_buf_init(&out);
	for (i = 0; i < MTI_ARRAY_LEN(links); i++) {
		char *target = NULL;
		enum mt_err err = mti_readlink_at(dirfd, links[i], &target);

		mti_buf_printf(&out, "%s -> ", links[i]);
		if (err)
			mti_buf_printf(&out, "(unreadable: %s)", mt_strerror(err));
		else
			mti_escape_text(&out, target, strlen(target));
		mti_buf_putc(&out, '\n');
		free(target);
	}
	write_file(c, rel, out.data, out.len);
	mti_buf_free(&out);
}

static void collect_proc(const struct mti_procfs *pfs, struct collector *c,
                         const struct mt_process *p)
{
	static const char *const files[] = {"status", "stat",      "cmdline", "environ",
	                                    "maps",   "mountinfo", "cgroup"};
	char rel[96];
	struct mti_buf b;
	size_t i;
	int dirfd = open_same_process(pfs, c, p);

	if (dirfd < 0)
		return;
	snprintf(rel, sizeof(rel), "proc/%d", (int)p->pid);
	if (!make_dir(c, rel)) {
		close(dirfd);
		return;
	}
	mti_buf_init(&b);
	for (i = 0; i < MTI_ARRAY_LEN(files) && !c->err; i++) {
		bool trunc = false;
		enum mt_err err = mti_read_at(dirfd, files[i], COLLECT_CAP, &b, &trunc);

		snprintf(rel, sizeof(rel), "proc/%d/%s", (int)p->pid, files[i]);
		if (err) {
			note(c, "%s: %s", rel, mt_strerror(err));
			continue;
		}
		if (trunc)
			note(c, "%s: cut at %u bytes", rel, COLLECT_CAP);
		write_file(c, rel, b.data ? b.data : "", b.len);
	}
	mti_buf_free(&b);
	snprintf(rel, sizeof(rel), "proc/%d/fd.txt", (int)p->pid);
	if (!c->err)
		collect_fds(c, dirfd, rel);
	snprintf(rel, sizeof(rel), "proc/%d/links.txt", (int)p->pid);
	if (!c->err)
		collect_links(c, dirfd, rel);
	close(dirfd);
}

/* Writes reply r as dir/name and its line of requests.tsv. The name and
 * the path asked may carry a runtime's words (an ID, an image name): the
 * name is made safe, the path escaped so that it stays one field. */
static void write_reply(struct collector *c, const char *dir, const char *name,
                        const struct mti_reply *r, struct mti_buf *index)
{
	char rel[256], file[72];

	if (!r || !r->asked)
		return;
	safe_chars(name, file, sizeof(file));
	mti_buf_printf(index, "%s\tGET ", file);
	mti_escape_text(index, r->path ? r->path : "?", r->path ? strlen(r->path) : 1);
	mti_buf_printf(index, "\t%ld\t%s\n", r->status, r->err ? mt_err_name(r->err) : "ok");
	if (!r->body)
		return;
	snprintf(rel, sizeof(rel), "%s/%s", dir, file);
	write_file(c, rel, r->body, r->len);
}

struct reply_dir {
	struct collector *c;
	const char *dir;
	bool made;
	struct mti_buf *index;
};

/* Writes one raw reply of the runtime into its directory, made on the
 * first. */
static void visit_reply(void *ctx, const char *name, const struct mti_reply *r)
{
	struct reply_dir *d = ctx;

	if (d->c->err || (!d->made && !(d->made = make_dir(d->c, d->dir))))
		return;
	write_reply(d->c, d->dir, name, r, d->index);
}

static void collect_engine(struct mti_runtime *rt, struct collector *c, const struct mt_trace *t)
{
	struct mti_buf index;
	struct reply_dir d = {c, "engine", false, &index};
	size_t i;

	if (!t->engine.enabled || !t->n_containers)
		return;
	mti_buf_init(&index);
	if (!make_dir(c, "engine"))
		return;
	d.made = true;
	mti_runtime_replies(rt, NULL, visit_reply, &d);
	for (i = 0; i < t->n_containers && !c->err; i++) {
		char dir[96], shortid[16];

		snprintf(dir, sizeof(dir), "engine/%s",
		         mt_short_id(t->containers[i].id, shortid, sizeof(shortid)));
		d = (struct reply_dir){c, dir, false, &index};
		mti_runtime_replies(rt, t->containers[i].id, visit_reply, &d);
	}
	if (!c->err)
		write_file(c, "engine/requests.tsv", index.data ? index.data : "", index.len);
	mti_buf_free(&index);
}

static void collect_report(struct collector *c, const struct mt_trace *t, const char *rel,
                           enum mt_err (*render)(const struct mt_trace *,
                                                 const struct mt_render_options *, FILE *))
{
	struct mt_render_options ro = {MT_COLOR_NEVER, 0, true};
	int fd = create_file(c, rel);
	FILE *f;

	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		fail(c, MT_ERR_NOMEM, rel);
		return;
	}
	if (render(t, &ro, f) || fclose(f) != 0) {
		fail(c, MT_ERR_IO, rel);
		return;
	}
	remember(c, rel);
}

static void write_manifest(struct collector *c)
{
	struct mti_buf m;
	size_t i;

	mti_buf_init(&m);
	for (i = 0; i < c->n_files && !c->err; i++) {
		char sum[65];
		int fd = openat(c->dirfd, c->files[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		enum mt_err err =
		    fd < 0 ? mti_errno_to_err(errno) : mti_sha256_fd(fd, UINT64_MAX, sum, NULL);

		if (fd >= 0)
			close(fd);
		if (err) {
			fail(c, err, c->files[i]);
			break;
		}
		mti_buf_printf(&m, "%s  %s\n", sum, c->files[i]);
	}
	if (!c->err)
		write_file(c, "MANIFEST.sha256", m.data ? m.data : "", m.len);
	mti_buf_free(&m);
}

/* True when the directory open as fd holds anything, or cannot be listed. */
static bool holds_files(int fd, enum mt_err *err)
{
	struct dirent *de;
	bool found = false;
	int probe = dup(fd);
	DIR *d = probe >= 0 ? fdopendir(probe) : NULL;

	if (!d) {
		if (probe >= 0)
			close(probe);
		*err = MT_ERR_IO;
		return true;
	}
	while (!found && (de = readdir(d)))
		found = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	if (found)
		*err = MT_ERR_EXISTS;
	return found;
}

/* Opens path (trailing slashes already cut, so a symbolic link is not
 * followed) when it is an empty directory; otherwise -1 with *err set and
 * the reason in detail. */
static int open_evidence_dir(const char *path, enum mt_err *err, char *detail, size_t detail_len)
{
	const char *why = NULL;
	struct stat st;
	int fd = -1;

	if (lstat(path, &st) != 0) {
		*err = mti_errno_to_err(errno);
		why = strerror(errno);
	} else if (S_ISLNK(st.st_mode)) {
		/* Evidence goes where the responder named, not where a link
		 * (perhaps planted) points. */
		*err = MT_ERR_EXISTS;
		why = "is a symbolic link: refused, not followed (name the directory itself)";
	} else if (!S_ISDIR(st.st_mode)) {
		*err = MT_ERR_EXISTS;
		why = "is not a directory";
	} else if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		*err = errno == ELOOP || errno == ENOTDIR ? MT_ERR_EXISTS : mti_errno_to_err(errno);
		why = strerror(errno);
	} else if (holds_files(fd, err)) {
		why = *err == MT_ERR_EXISTS ? "not an empty directory: it already holds files"
		                            : "cannot be listed";
		close(fd);
		fd = -1;
	}
	if (why && detail && detail_len)
		snprintf(detail, detail_len, "%s: %s", path, why);
	return fd;
}

/* dir without its trailing slashes ("/" stays), or NULL without memory. */
static char *trim_dir(const char *dir)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	return mti_strndup(dir, len);
}

enum mt_err mt_collect_check_dir(const char *dir, char *detail, size_t detail_len)
{
	enum mt_err err = MT_OK;
	struct stat st;
	char *path;
	int fd;

	if (detail && detail_len)
		detail[0] = '\0';
	if (!dir || !*dir)
		return MT_ERR_INVALID_ARG;
	path = trim_dir(dir);
	if (!path)
		return MT_ERR_NOMEM;
	if (lstat(path, &st) != 0 && errno == ENOENT) {
		/* mt_collect creates it, in a directory that must exist. */
		char *slash = strrchr(path, '/');

		if (slash)
			slash[slash == path ? 1 : 0] = '\0';
		if (stat(slash ? path : ".", &st) != 0 || !S_ISDIR(st.st_mode)) {
			err = MT_ERR_NOT_FOUND;
			if (detail && detail_len)
				snprintf(detail, detail_len,
				         "%s: no such directory to create it in", dir);
		}
		free(path);
		return err;
	}
	fd = open_evidence_dir(path, &err, detail, detail_len);
	if (fd >= 0)
		close(fd);
	free(path);
	return err;
}

/* Opens dir, creating it when absent; refuses anything but an empty
 * directory (see open_evidence_dir). */
static int open_empty_dir(const char *dir, enum mt_err *err, char *detail, size_t detail_len)
{
	char *path = trim_dir(dir);
	int fd = -1;

	if (!path) {
		*err = MT_ERR_NOMEM;
		return -1;
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		*err = mti_errno_to_err(errno);
		if (detail && detail_len)
			snprintf(detail, detail_len, "%s: %s", path, strerror(errno));
	} else {
		fd = open_evidence_dir(path, err, detail, detail_len);
	}
	free(path);
	return fd;
}

/* The preload libraries the report hashed, each only if the path still
 * leads to the very file that was hashed. */
static void collect_preload(struct collector *c, const struct mt_preload_report *p)
{
	char name[80], rel[128];
	struct stat st;
	size_t i;
	int fd;

	if (!p->n_libraries || !make_dir(c, "preload"))
		return;
	for (i = 0; i < p->n_libraries && !c->err; i++) {
		const struct mt_preload_library *l = &p->libraries[i];

		if (l->err)
			continue;
		fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_dev != l->dev || (uint64_t)st.st_ino != l->ino) {
			note(c, "preload library %zu changed since it was hashed: not collected",
			     i + 1);
		} else {
			safe_name(l->path, name, sizeof(name));
			snprintf(rel, sizeof(rel), "preload/%zu-%s", i + 1, name);
			copy_fd(c, fd, rel, BINARY_CAP);
		}
		if (fd >= 0)
			close(fd);
	}
}

enum mt_err mt_collect(struct mt_session *s, const struct mt_trace *t, const char *dir,
                       size_t *files_written, char *detail, size_t detail_len)
{
	struct mti_runtime *rt = NULL;
	struct mti_host *host;
	struct collector c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.detail = detail;
	c.detail_len = detail_len;
	if (detail && detail_len)
		detail[0] = '\0';
	if (files_written)
		*files_written = 0;
	if (!s || !t || !dir)
		return MT_ERR_INVALID_ARG;
	host = mti_session_host(s);
	if (mti_session_runtime(s, &rt))
		return MT_ERR_NOMEM;
	c.dirfd = open_empty_dir(dir, &c.err, detail, detail_len);
	if (c.dirfd < 0)
		return c.err;
	mti_buf_init(&c.notes);
	if (make_dir(&c, "binary") && make_dir(&c, "proc")) {
		/* The binary first: it is what a removal destroys. */
		for (i = 0; i < t->chain_len && !c.err; i++)
			if (i == 0 || t->chain[i].container_index >= 0 || t->chain[i].n_nspid > 1)
				collect_binary(&host->pfs, &c, &t->chain[i]);
		for (i = 0; i < t->chain_len && !c.err; i++)
			collect_proc(&host->pfs, &c, &t->chain[i]);
	}
	if (!c.err)
		collect_preload(&c, &t->evidence.preload);
	if (!c.err)
		collect_engine(rt, &c, t);
	if (!c.err)
		collect_report(&c, t, "report.json", mt_render_json);
	if (!c.err)
		collect_report(&c, t, "report.md", mt_render_markdown);
	if (!c.err && c.notes.len)
		write_file(&c, "NOTES.txt", c.notes.data, c.notes.len);
	if (!c.err)
		write_manifest(&c);
	if (files_written)
		*files_written = c.n_files;
	for (i = 0; i < c.n_files; i++)
		free(c.files[i]);
	free(c.files);
	mti_buf_free(&c.notes);
	close(c.dirfd);
	return c.err;
}
