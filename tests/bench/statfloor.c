/* Benchmark helper: the least a CPU sampler can do, once. Lists /proc and
 * reads every /proc/PID/stat (open, one read, close) without parsing, and
 * prints the milliseconds it took and how many processes it read.
 *   statfloor [RUNS]   the median of RUNS passes (default 11)
 * A scan takes two such samples around its interval, so twice this figure
 * is a floor for any scan on the same machine. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static long one_pass(void)
{
	char path[300], buf[4096];
	struct dirent *de;
	long n = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read(fd, buf, sizeof(buf)) > 0)
			n++;
		close(fd);
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 11, i;
	double *ms;
	long n = 0;

	if (runs < 1 || runs > 1000)
		runs = 11;
	ms = calloc((size_t)runs, sizeof(*ms));
	if (!ms)
		return 1;
	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		n = one_pass();
		ms[i] = now_ms() - t0;
	}
	qsort(ms, (size_t)runs, sizeof(*ms), cmp_double);
	printf("%.1f %ld\n", ms[runs / 2], n);
	free(ms);
	return n < 0;
}
