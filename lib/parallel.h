/* Splitting a loop over many processes across the machine's CPUs.
 *
 * A host-wide scan reads a few /proc files for each of thousands of
 * processes; the kernel serves those reads on any CPU, so slices of the
 * work run on worker threads. Each slice is contiguous, so results kept in
 * slice order keep the input's order.
 */
#ifndef MTI_PARALLEL_H
#define MTI_PARALLEL_H

#include <stddef.h>

#include <minertrace/model.h>

#define MTI_PARALLEL_MAX_WORKERS 8

/* Handles items [begin, end) as worker number `worker` (0-based). */
typedef enum mt_err (*mti_slice_fn)(void *ctx, size_t begin, size_t end, unsigned worker);

/* How many workers n items deserve: one per CPU this process may run on,
 * at most MTI_PARALLEL_MAX_WORKERS, and none with fewer than
 * min_per_worker items to do. Always at least 1. */
unsigned mti_parallel_workers(size_t n, size_t min_per_worker);

/* Runs fn over [0, n) in `workers` contiguous slices: slice 0 on the
 * calling thread, the others on threads of their own (or on the calling
 * thread when a thread cannot be started). Returns the first error by
 * slice order, MT_OK when every slice succeeded. */
enum mt_err mti_parallel_for(size_t n, unsigned workers, mti_slice_fn fn, void *ctx);

#endif
