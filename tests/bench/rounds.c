/* Benchmark helper: times several commands in alternation, so that a
 * machine which speeds up or slows down during the benchmark (a shared VM
 * does) affects every command alike and the ratios between them stay fair.
 * Each round runs every command once, in turn; warm-up rounds are not
 * counted. A command's output goes to /dev/null; a command that fails
 * stops the benchmark.
 *   rounds RUNS WARMUP -- NAME PROGRAM [ARG...] [-- NAME PROGRAM [ARG...]]...
 * Prints one JSON document: {"results": [{"command": NAME, "median": s,
 * "mean": s, "times": [s, ...]}, ...]}, times in seconds. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

#define MAX_COMMANDS 16

struct command {
	const char *name;
	char **argv;
	double *times;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Runs one command to its end; returns its wall time in seconds, or -1. */
static double run_once(const struct command *c)
{
	posix_spawn_file_actions_t fa;
	double start, end;
	pid_t pid;
	int status, rc;

	if (posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0))
		return -1;
	start = now_s();
	rc = posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	end = now_s();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return end - start;
}

static void print_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_results(struct command *cmds, int n_cmds, int runs)
{
	int c, i;

	printf("{\"results\": [");
	for (c = 0; c < n_cmds; c++) {
		double sum = 0, *sorted = malloc((size_t)runs * sizeof(*sorted));

		if (!sorted)
			exit(1);
		for (i = 0; i < runs; i++)
			sum += cmds[c].times[i];
		memcpy(sorted, cmds[c].times, (size_t)runs * sizeof(*sorted));
		qsort(sorted, (size_t)runs, sizeof(*sorted), cmp_double);
		printf("%s\n  {\"command\": ", c ? "," : "");
		print_string(cmds[c].name);
		printf(", \"median\": %.9f, \"mean\": %.9f, \"times\": [",
		       runs % 2 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2,
		       sum / runs);
		for (i = 0; i < runs; i++)
			printf("%s%.9f", i ? ", " : "", cmds[c].times[i]);
		printf("]}");
		free(sorted);
	}
	printf("\n]}\n");
}

int main(int argc, char **argv)
{
	struct command cmds[MAX_COMMANDS];
	int runs, warmup, n_cmds = 0, i, c, r;

	if (argc < 6 || strcmp(argv[3], "--") != 0 || (runs = atoi(argv[1])) < 1 ||
	    (warmup = atoi(argv[2])) < 0) {
		fputs("usage: rounds RUNS WARMUP -- NAME PROGRAM [ARG...] [-- NAME PROGRAM "
		      "[ARG...]]...\n",
		      stderr);
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--") != 0)
			continue;
		argv[i] = NULL; /* ends the previous command's argv */
		if (n_cmds == MAX_COMMANDS || i + 2 >= argc || !strcmp(argv[i + 2], "--")) {
			fputs("rounds: each command needs a name and a program (at most 16)\n",
			      stderr);
			return 2;
		}
		cmds[n_cmds].name = argv[i + 1];
		cmds[n_cmds].argv = &argv[i + 2];
		cmds[n_cmds].times = calloc((size_t)runs, sizeof(double));
		if (!cmds[n_cmds].times)
			return 1;
		n_cmds++;
	}
	for (r = -warmup; r < runs; r++) {
		for (c = 0; c < n_cmds; c++) {
			double t = run_once(&cmds[c]);

			if (t < 0) {
				fprintf(stderr, "rounds: '%s' failed\n", cmds[c].name);
				return 1;
			}
			if (r >= 0)
				cmds[c].times[r] = t;
		}
	}
	print_results(cmds, n_cmds, runs);
	for (c = 0; c < n_cmds; c++)
		free(cmds[c].times);
	return 0;
}
