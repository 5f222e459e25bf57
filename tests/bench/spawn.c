/* Benchmark helper: forks N idle children (no exec), then waits.
 *   spawn N     N children that pause; SIGTERM ends them all
 * Static, so it also runs inside FROM scratch containers. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	kill(0, SIGTERM);
	_exit(0);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, i;

	/* A group of its own: the SIGTERM it passes on reaches its children,
	 * not the shell that started it (already a leader inside a container:
	 * then this fails, and need not succeed). */
	(void)setpgid(0, 0);
	signal(SIGTERM, on_term);
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			signal(SIGTERM, SIG_DFL);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			for (;;)
				pause();
		}
		if (pid < 0) {
			perror("fork");
			break;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
