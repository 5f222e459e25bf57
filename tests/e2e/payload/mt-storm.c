/* Test helper: a storm of short-lived processes.
 *   mt-storm SECONDS   forks children that live 0-4 ms each, as fast as it
 *                      can, for SECONDS; then prints how many it forked.
 * Children are reaped by the kernel (SIGCHLD ignored). */
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
	double end = now() + (argc > 1 ? atof(argv[1]) : 1.0);
	unsigned long forked = 0;

	signal(SIGCHLD, SIG_IGN);
	while (now() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			usleep((useconds_t)(forked % 5) * 1000);
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
