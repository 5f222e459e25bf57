/* Splitting a loop across worker threads (see parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

struct slice {
	mti_slice_fn fn;
	void *ctx;
	size_t begin, end;
	unsigned worker;
	enum mt_err err;
	pthread_t thread;
	int started;
};

unsigned mti_parallel_workers(size_t n, size_t min_per_worker)
{
	cpu_set_t set;
	long cpus = -1;
	size_t by_size;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		cpus = CPU_COUNT(&set);
	if (cpus < 1)
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	if (cpus > MTI_PARALLEL_MAX_WORKERS)
		cpus = MTI_PARALLEL_MAX_WORKERS;
	by_size = min_per_worker ? n / min_per_worker : n;
	if (by_size < 1)
		by_size = 1;
	return (unsigned)((size_t)cpus < by_size ? (size_t)cpus : by_size);
}

static void *run_slice(void *arg)
{
	struct slice *sl = arg;

	sl->err = sl->fn(sl->ctx, sl->begin, sl->end, sl->worker);
	return NULL;
}

enum mt_err mti_parallel_for(size_t n, unsigned workers, mti_slice_fn fn, void *ctx)
{
	struct slice slices[MTI_PARALLEL_MAX_WORKERS];
	enum mt_err err = MT_OK;
	unsigned w;

	if (workers < 1)
		workers = 1;
	if (workers > MTI_PARALLEL_MAX_WORKERS)
		workers = MTI_PARALLEL_MAX_WORKERS;
	for (w = 0; w < workers; w++) {
		slices[w].fn = fn;
		slices[w].ctx = ctx;
		slices[w].begin = n * w / workers;
		slices[w].end = n * (w + 1) / workers;
		slices[w].worker = w;
		slices[w].err = MT_OK;
		slices[w].started =
		    w > 0 && pthread_create(&slices[w].thread, NULL, run_slice, &slices[w]) == 0;
	}
	run_slice(&slices[0]);
	for (w = 1; w < workers; w++) {
		if (slices[w].started)
			pthread_join(slices[w].thread, NULL);
		else
			run_slice(&slices[w]);
	}
	for (w = 0; w < workers && !err; w++)
		err = slices[w].err;
	return err;
}
