/* Test dropper installed as /bin/sh in the app image: what an exploited
 * application's shell does in the incident.
 *   sh DROP SRC DEST [KEEP...]  copy SRC to DEST (0755), start it with the
 *                               remaining args, delete DEST once it runs
 *                               unless MT_KEEP=1, then wait for it.
 * Each extra "--also PATH" copies SRC to PATH as well and leaves it there
 * (the watchdog copy Kinsing keeps in /tmp). Each "--write PATH TEXT"
 * writes TEXT and a newline to PATH, creating its directories (a crontab
 * entry, a key). MT_MINER_ARGS (space-separated)
 * are appended to the miner's arguments, so that they appear on the miner's
 * command line only, as when a script downloads and starts it.
 * MT_EXEC_DELAY_MS waits that long between writing the binary and starting
 * it, as a download and a chmod take time (at most 5000).
 *   sh RM PATH                  unlink PATH (e.g. an image file: a whiteout). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	fchmod(out, 0755);
	close(out);
	return n < 0 ? -1 : 0;
}

/* Writes text and a newline to path, creating its directories. */
static void write_text(const char *path, const char *text)
{
	char dir[4096];
	size_t i;
	int fd;

	if (strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	for (i = 1; dir[i]; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		mkdir(dir, 0755);
		dir[i] = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0)
		perror("write");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *keep = getenv("MT_KEEP"), *delay;
	char *args[64], *extra;
	int i, n = 0, status;
	pid_t pid;

	if (argc == 3 && strcmp(argv[1], "RM") == 0) {
		if (unlink(argv[2]) != 0) {
			perror("unlink");
			return 1;
		}
		return 0;
	}
	if (argc < 4 || strcmp(argv[1], "DROP") != 0) {
		fprintf(stderr, "usage: sh DROP SRC DEST [--also PATH] [ARG...] | sh RM PATH\n");
		return 2;
	}
	if (copy_file(argv[2], argv[3]) != 0) {
		perror("copy");
		return 1;
	}
	args[n++] = argv[3];
	for (i = 4; i < argc && n < 62; i++) {
		if (strcmp(argv[i], "--also") == 0 && i + 1 < argc) {
			copy_file(argv[2], argv[++i]);
			continue;
		}
		if (strcmp(argv[i], "--write") == 0 && i + 2 < argc) {
			write_text(argv[i + 1], argv[i + 2]);
			i += 2;
			continue;
		}
		args[n++] = argv[i];
	}
	extra = getenv("MT_MINER_ARGS");
	if (extra && (extra = strdup(extra))) {
		char *save = NULL, *tok;

		for (tok = strtok_r(extra, " ", &save); tok && n < 62;
		     tok = strtok_r(NULL, " ", &save))
			args[n++] = tok;
	}
	args[n] = NULL;
	delay = getenv("MT_EXEC_DELAY_MS");
	if (delay) {
		long ms = strtol(delay, NULL, 10);

		if (ms > 0 && ms <= 5000)
			usleep((useconds_t)ms * 1000);
	}
	pid = fork();
	if (pid == 0) {
		execv(argv[3], args);
		_exit(127);
	}
	sleep(1);
	if (!(keep && strcmp(keep, "1") == 0))
		unlink(argv[3]);
	while (waitpid(pid, &status, 0) < 0)
		;
	return 0;
}
