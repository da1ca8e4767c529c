#include "thread_pool.h"

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
    if (n == n_threads_) return;
    stop();
    n_threads_ = n;
    quit_ = false;
    // A worker must start from the generation at its creation, not at its first instruction: run() may post a
    // job before the new thread gets scheduled, and a worker that read the bumped generation as "seen" would
    // sleep through that job while run() spins forever waiting for it.
    const uint64_t seen = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < n; i++) workers_.emplace_back([this, i, seen] { worker(i, seen); });
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
    pending_.store(n_threads_ - 1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lk(m_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    do_chunk(0);
    // Spin briefly (the workers finish within microseconds on an idle machine), then yield the core: on an
    // oversubscribed machine the worker we wait for may need this very core to run at all.
    for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; spins++) {
      if (spins < kSpinPauses) _mm_pause();
      else std::this_thread::yield();
    }
    fn_ = nullptr;
  }

 private:
  void do_chunk(int id) {
    // Static contiguous chunks: thread id gets tasks [id*n/T, (id+1)*n/T).
    int64_t begin = n_tasks_ * id / n_threads_, end = n_tasks_ * (id + 1) / n_threads_;
    for (int64_t t = begin; t < end; t++) (*fn_)(t);
  }

  void worker(int id, uint64_t seen) {
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
      do_chunk(id);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
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
  std::atomic<int> pending_{0};
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
