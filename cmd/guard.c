/* Running again without a preload library.
 *
 * The library we want to shed is loaded into this very process and may hook
 * libc (Kinsing's hooks readdir, open and more), so the steps that matter go
 * to the kernel directly: unshare, mount and execve are raw system calls,
 * and the new environment is built here rather than with setenv.
 */
#include "guard.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <minertrace/preload.h>

#define PRELOAD_PATH "/etc/ld.so.preload"

static void set_note(struct mt_preload_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_note(struct mt_preload_report *r, const char *fmt, ...)
{
	char note[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	mt_preload_set_note(r, note);
}

/* A private mount namespace where /etc/ld.so.preload reads as empty; the
 * host's mounts are not touched (the namespace goes away with us). */
static int enter_clean_namespace(const char **failed)
{
	if (syscall(SYS_unshare, CLONE_NEWNS)) {
		*failed = "unshare(CLONE_NEWNS)";
		return -1;
	}
	if (syscall(SYS_mount, "none", "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		*failed = "making / private";
		return -1;
	}
	if (syscall(SYS_mount, "/dev/null", PRELOAD_PATH, NULL, MS_BIND, NULL) && errno != ENOENT) {
		*failed = "mounting /dev/null over " PRELOAD_PATH;
		return -1;
	}
	return 0;
}

static bool is_var(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && entry[n] == '=';
}

static char *env_entry(const char *name, const char *value)
{
	size_t size = strlen(name) + strlen(value) + 2;
	char *e = malloc(size);

	if (e)
		snprintf(e, size, "%s=%s", name, value);
	return e;
}

/* The environment of the second run: ours without LD_PRELOAD, plus what
 * this run saw. NULL when out of memory. */
static char **second_run_environment(const struct mt_preload_report *r)
{
	size_t n = 0, i, k = 0, off = 0, libs_len = 1;
	char **env, *libs;

	for (i = 0; environ && environ[i]; i++)
		n++;
	for (i = 0; i < r->n_unexpected_libs; i++)
		libs_len += strlen(r->unexpected_libs[i]) + 1;
	env = calloc(n + 5, sizeof(*env));
	libs = calloc(1, libs_len);
	if (!env || !libs) {
		free(env);
		free(libs);
		return NULL;
	}
	for (i = 0; i < r->n_unexpected_libs; i++) {
		size_t len = strlen(r->unexpected_libs[i]);

		memcpy(libs + off, r->unexpected_libs[i], len);
		libs[off + len] = '\n';
		off += len + 1;
	}
	for (i = 0; i < n; i++)
		if (!is_var(environ[i], "LD_PRELOAD") &&
		    !is_var(environ[i], MT_PRELOAD_ENV_REEXEC) &&
		    !is_var(environ[i], MT_PRELOAD_ENV_FILE) &&
		    !is_var(environ[i], MT_PRELOAD_ENV_LD) &&
		    !is_var(environ[i], MT_PRELOAD_ENV_LIBS))
			env[k++] = environ[i];
	env[k++] = env_entry(MT_PRELOAD_ENV_REEXEC, "1");
	env[k++] = env_entry(MT_PRELOAD_ENV_FILE, r->preload_file ? r->preload_file : "");
	env[k++] = env_entry(MT_PRELOAD_ENV_LD, r->ld_preload_env ? r->ld_preload_env : "");
	env[k++] = env_entry(MT_PRELOAD_ENV_LIBS, libs);
	free(libs);
	if (!env[k - 1] || !env[k - 2] || !env[k - 3] || !env[k - 4]) {
		for (i = k - 4; i < k; i++)
			free(env[i]);
		free(env);
		return NULL;
	}
	return env;
}

static void free_added(char **env)
{
	size_t i;

	for (i = 0; env[i]; i++)
		if (is_var(env[i], MT_PRELOAD_ENV_REEXEC) || is_var(env[i], MT_PRELOAD_ENV_FILE) ||
		    is_var(env[i], MT_PRELOAD_ENV_LD) || is_var(env[i], MT_PRELOAD_ENV_LIBS))
			free(env[i]);
	free(env);
}

void mt_guard_preload(char **argv, bool may_reexec, struct mt_preload_report *r)
{
	const char *failed = NULL;
	char **env;
	int exec_errno;

	if (mt_preload_check(NULL, r) || !mt_preload_wants_reexec(r))
		return;
	if (!may_reexec) {
		mt_preload_set_note(
		    r, "A preload library is loaded into minertrace and it did not run "
		       "again without it (--no-reexec or a captured proc root): what "
		       "readdir lists may be filtered.");
		return;
	}
	if (mt_preload_needs_namespace(r)) {
		if (geteuid() != 0) {
			mt_preload_set_note(
			    r, "A preload library is loaded into minertrace; shedding it "
			       "needs root (a private mount namespace), so what readdir "
			       "lists may be filtered.");
			return;
		}
		if (enter_clean_namespace(&failed)) {
			set_note(
			    r,
			    "A preload library is loaded into minertrace; running again without "
			    "it failed at %s: what readdir lists may be filtered.",
			    failed);
			return;
		}
	}
	env = second_run_environment(r);
	if (!env)
		return;
	syscall(SYS_execve, "/proc/self/exe", argv, env);
	exec_errno = errno;
	free_added(env);
	set_note(r,
	         "A preload library is loaded into minertrace; running again without it failed "
	         "(execve: %s): what readdir lists may be filtered.",
	         strerror(exec_errno));
}
