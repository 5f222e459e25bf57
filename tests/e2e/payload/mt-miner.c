/* Test miner: looks and behaves like one without mining anything.
 *   - burns MT_BURN percent of one core (default 30) in a worker thread
 *     named "mt-burn" (a thread's name differs from its process's)
 *   - with MT_POOL_PORT set, listens on 127.0.0.1:PORT and connects to it,
 *     so the process holds an established TCP connection to a pool port
 *     (loopback only: nothing leaves the container)
 *   - with MT_FORK_CHILD=1, forks one child that also runs (a watchdog)
 * Arguments are ignored, so command lines can carry stratum+tcp:// etc. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void *burn(void *arg)
{
	long pct = (long)arg;

	prctl(PR_SET_NAME, "mt-burn", 0, 0, 0);
	for (;;) {
		long start = now_us();

		while (now_us() - start < pct * 1000)
			sink++;
		if (pct < 100)
			usleep((useconds_t)((100 - pct) * 1000));
	}
	return NULL;
}

static void pool_connection(int port)
{
	struct sockaddr_in a;
	int l = socket(AF_INET, SOCK_STREAM, 0), c, one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		return;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c >= 0 && connect(c, (struct sockaddr *)&a, sizeof(a)) == 0)
		accept(l, NULL, NULL);
}

int main(int argc, char **argv)
{
	const char *burn_env = getenv("MT_BURN");
	const char *port = getenv("MT_POOL_PORT");
	const char *child = getenv("MT_FORK_CHILD");
	long pct = burn_env ? atol(burn_env) : 30;
	pthread_t th;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	if (child && strcmp(child, "1") == 0 && fork() == 0)
		setenv("MT_FORK_CHILD", "0", 1);
	if (port)
		pool_connection(atoi(port));
	if (pct > 0)
		pthread_create(&th, NULL, burn, (void *)pct);
	for (;;)
		pause();
}
