/* Test helper: a storm of short-lived processes.
 *   mt-storm SECONDS                forks children that live 0-4 ms each, as
 *                                   fast as it can, for SECONDS
 *   mt-storm SECONDS RATE MIN MAX   forks RATE children a second, each living
 *                                   MIN to MAX ms (fork churn of a busy host)
 * then prints how many it forked. Children are reaped by the kernel
 * (SIGCHLD ignored). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double start = now(), end = start + (argc > 1 ? atof(argv[1]) : 1.0);
	double rate = argc > 4 ? atof(argv[2]) : 0;
	unsigned long min_ms = argc > 4 ? strtoul(argv[3], NULL, 10) : 0;
	unsigned long max_ms = argc > 4 ? strtoul(argv[4], NULL, 10) : 4;
	unsigned long forked = 0;
	double t;

	signal(SIGCHLD, SIG_IGN);
	while ((t = now()) < end) {
		pid_t pid;

		if (rate > 0 && (double)forked >= (t - start) * rate) {
			usleep(200);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			unsigned long ms = min_ms + (forked * 7919) % (max_ms - min_ms + 1);

			usleep((useconds_t)ms * 1000);
			_exit(0);
		}
		if (pid > 0)
			forked++;
		else
			usleep(1000); /* out of PIDs or memory: let some exit */
	}
	printf("%lu\n", forked);
	return 0;
}
