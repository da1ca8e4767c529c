#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <immintrin.h>
#include <mutex>
#include <thread>
#include <vector>

#include "cpu.h"

namespace llamats {

namespace {

// How long an idle thread busy-waits before giving its core away: ~2000 pauses is roughly 50–100 µs (a pause
// is 40–140 cycles depending on the CPU) — longer than the gap between the kernels of one decode step, short
// enough not to starve other processes; then a few hundred yields, then sleep on the condition variable.
constexpr int kSpinPauses = 2000;
constexpr int kYields = 200;

// Workers spin briefly on a generation counter before sleeping, so that the many short kernels of a decode
// step (a few microseconds each) do not pay a futex wake-up each time.
class Pool {
 public:
  explicit Pool(int n) { resize(n); }
  ~Pool() { stop(); }

  int size() const { return n_threads_; }

  void resize(int n) {
    if (n < 1) n = 1;
    if (n > 4096) n = 4096;
    if (n == n_threads_) return;
    stop();
    n_threads_ = n;
    quit_ = false;
    // A worker must start from the generation at its creation, not at its first instruction: run() may post a
    // job before the new thread gets scheduled, and a worker that read the bumped generation as "seen" would
    // sleep through that job while run() spins forever waiting for it.
    const uint64_t seen = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < n; i++) workers_.emplace_back([this, seen] { worker(seen); });
  }

  void run(int64_t n_tasks, const std::function<void(int64_t)>& fn) {
    if (n_tasks <= 0) return;
    if (n_threads_ == 1 || n_tasks == 1) {
      for (int64_t t = 0; t < n_tasks; t++) fn(t);
      return;
    }
    std::lock_guard<std::mutex> busy(run_mutex_);  // one parallel region at a time
    fn_ = &fn;
    n_tasks_ = n_tasks;
    n_chunks_ = static_cast<int>(std::min<int64_t>(n_threads_, n_tasks));  // n_threads_ < 2^16 (resize)
    done_.store(0, std::memory_order_relaxed);
    uint64_t job;
    {
      std::lock_guard<std::mutex> lk(m_);
      job = generation_.load(std::memory_order_relaxed) + 1;
      // The claim word (job, chunk count, next chunk) is published before the generation: a worker that sees the
      // new generation also sees this job's claims start at chunk 0.
      claim_.store(job << 32 | static_cast<uint64_t>(n_chunks_) << 16, std::memory_order_release);
      generation_.store(job, std::memory_order_release);
    }
    cv_.notify_all();
    // The calling thread claims chunks too, so when a worker has not been scheduled yet (another process holds
    // its core) the caller runs that worker's chunk itself instead of waiting for it.
    while (claim_and_run(job)) {
    }
    for (int spins = 0; done_.load(std::memory_order_acquire) != n_chunks_; spins++) {
      if (spins < kSpinPauses) _mm_pause();
      else std::this_thread::yield();
    }
    fn_ = nullptr;
  }

 private:
  // Chunks are static (chunk c is always tasks [c·n/C, (c+1)·n/C)), so results never depend on timing; only
  // which thread runs a chunk does. Returns false when this job has no chunk left, or is no longer the current
  // job (a worker that woke late must not touch the next job's state).
  bool claim_and_run(uint64_t job) {
    uint64_t word = claim_.load(std::memory_order_acquire);
    // Everything the check needs is in the word itself: n_chunks_ may already be the next job's.
    for (;;) {
      if ((word >> 32) != (job & 0xffffffffu) || (word & 0xffff) >= ((word >> 16) & 0xffff)) return false;
      if (claim_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    // A successful claim of the current job: fn_ and n_tasks_ stay this job's until its last chunk is done.
    const int64_t c = static_cast<int64_t>(word & 0xffff), chunks = static_cast<int64_t>((word >> 16) & 0xffff);
    const int64_t begin = n_tasks_ * c / chunks, end = n_tasks_ * (c + 1) / chunks;
    for (int64_t t = begin; t < end; t++) (*fn_)(t);
    done_.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }

  void worker(uint64_t seen) {
    for (;;) {
      uint64_t g;
      int spins = 0;
      while ((g = generation_.load(std::memory_order_acquire)) == seen && !quit_.load(std::memory_order_relaxed)) {
        if (++spins < kSpinPauses) {
          _mm_pause();
        } else if (spins < kSpinPauses + kYields) {
          std::this_thread::yield();
        } else {
          std::unique_lock<std::mutex> lk(m_);
          cv_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen || quit_.load(); });
        }
      }
      if (quit_.load()) return;
      seen = g;
      while (claim_and_run(g)) {
      }
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(m_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  int n_threads_ = 0;
  std::vector<std::thread> workers_;
  std::mutex m_, run_mutex_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> claim_{0};  // (job & 0xffffffff) << 32 | chunk count << 16 | next chunk to claim
  std::atomic<int> done_{0};        // chunks of the current job finished
  int n_chunks_ = 0;
  std::atomic<bool> quit_{false};
  const std::function<void(int64_t)>* fn_ = nullptr;
  int64_t n_tasks_ = 0;
};

int default_threads() {
  const char* env = std::getenv("LLAMATS_THREADS");
  if (env && std::atoi(env) > 0) return std::atoi(env);
  return cpu().physical_cores;
}

Pool& pool() {
  static Pool p(default_threads());
  return p;
}

}  // namespace

int num_threads() { return pool().size(); }
void set_num_threads(int n) { pool().resize(n); }

void parallel_for(int64_t n_tasks, const std::function<void(int64_t)>& fn) { pool().run(n_tasks, fn); }

void parallel_range(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (grain < 1) grain = 1;
  int64_t chunks = (n + grain - 1) / grain;
  parallel_for(chunks, [&](int64_t c) {
    int64_t b = c * grain, e = b + grain < n ? b + grain : n;
    fn(b, e);
  });
}

}  // namespace llamats
