/* Test container init (static, for FROM scratch images).
 *   mt-init idle               wait forever, reaping children
 *   mt-init app CMD [ARG...]   fork+exec CMD (e.g. /bin/sh dropping a miner), then idle
 * Like a real init it reaps orphans, so a daemonised child reparents here. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

int main(int argc, char **argv)
{
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (argc >= 3 && strcmp(argv[1], "app") == 0) {
		pid_t pid = fork();

		if (pid == 0) {
			execv(argv[2], argv + 2);
			perror("exec");
			_exit(127);
		}
	}
	for (;;) {
		if (wait(NULL) < 0)
			pause();
	}
}
