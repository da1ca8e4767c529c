// A persistent pool of worker threads (default: one per physical core; LLAMATS_THREADS overrides) that runs
// parallel loops with static partitioning. Work is always split the same way for a given problem size, never
// by which thread is free first, so that results do not depend on timing; which thread runs a chunk does depend
// on timing (threads claim chunks, the caller included), so a worker descheduled by another process never
// makes the caller wait for it to start.
#pragma once
#include <cstdint>
#include <functional>

namespace llamats {

int num_threads();
void set_num_threads(int n);

/**
 * Runs fn(task) for task in [0, n_tasks), spread over the pool (the calling thread works too). Tasks form
 * contiguous static chunks, one per thread, each run by whichever thread claims it first; a kernel that needs
 * bit-identical results for any thread count must make each task's result independent of the others (no shared
 * accumulators).
 */
void parallel_for(int64_t n_tasks, const std::function<void(int64_t task)>& fn);

/** parallel_for over [0, n) in chunks of `grain` elements: fn(begin, end). */
void parallel_range(int64_t n, int64_t grain, const std::function<void(int64_t begin, int64_t end)>& fn);

}  // namespace llamats
