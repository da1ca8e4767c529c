// The matmul driver: validates nothing (native/bind_matmul.cpp does), picks the GEMV or GEMM path, and splits
// the product into blocks of C on the thread pool. Include only from core (non-ISA) sources.
//
// Determinism: the path depends on the shape only, and every C element is computed inside one block by the
// same sequence of operations wherever the block boundaries fall (matmul.h), so 1 and N threads give
// bit-identical results.
#pragma once
#include <algorithm>
#include <cstdint>

#include "kernels/matmul/matmul.h"
#include "thread_pool.h"

namespace llamats {

struct MatmulShape {
  int64_t M, K, N;
  bool transA, transB, accumulate;
  int64_t batch, strideA, strideB, strideC;
};

struct MatmulImpl {
  GemmTile (*tile)();
  void (*gemm_block)(const GemmArgs&, int64_t, int64_t, int64_t, int64_t);
  void (*gemv_block)(const GemmArgs&, int64_t, int64_t);
  double (*stream_sum)(const float*, int64_t);
};

// Decode-sized products (y = x·Wᵀ with up to this many rows of x) take the GEMV path: each row of W, read once
// from memory, is dotted with all the rows of x (kept in L2), while the GEMM path would first transpose-pack all
// of W, which small M cannot amortise. Measured on one Sapphire Rapids core (GFLOP/s, GEMV vs GEMM path):
// K = N = 4096: M=8 42 vs 25, M=32 85 vs 69, M=64 102 vs 96, M=96 94 vs 113; K = N = 768: M=64 137 vs 123,
// M=128 140 vs 143.
constexpr int64_t kGemvMaxM = 64;
// Below this many multiply-adds (~1 µs on one core) a product runs on the calling thread: the hand-off to the pool
// costs about that much. The pool never makes the caller wait for a worker that is not running (the caller claims
// its chunk itself), so splitting is safe on a busy machine too; with a 2^18 threshold, which a pool without that
// property needed, stories15M decode on 2 idle threads ran at 0.73× llama-bench.
constexpr int64_t kMinParallelMacs = 1 << 15;

inline bool matmul_uses_gemv(const GemmArgs& g) { return g.transB && (!g.transA || g.M == 1) && g.M <= kGemvMaxM; }

/** One product, on the calling thread. */
inline void matmul_serial(const MatmulImpl& impl, const GemmArgs& g) {
  if (g.M == 0 || g.N == 0) return;
  if (matmul_uses_gemv(g)) impl.gemv_block(g, 0, g.N);
  else impl.gemm_block(g, 0, g.M, 0, g.N);
}

/** One product, split over the pool. */
inline void matmul_parallel(const MatmulImpl& impl, const GemmArgs& g) {
  if (g.M == 0 || g.N == 0) return;
  const int64_t threads = num_threads();
  if (threads == 1 || g.M * g.N * std::max<int64_t>(g.K, 1) < kMinParallelMacs) return matmul_serial(impl, g);
  if (matmul_uses_gemv(g)) {
    // Contiguous ranges of rows of B, 16-aligned so that each range starts on a cache line of C.
    const int64_t tasks = std::min<int64_t>(threads, (g.N + 15) / 16);
    const int64_t chunk = ((g.N + tasks - 1) / tasks + 15) / 16 * 16;
    parallel_for(tasks, [&](int64_t t) {
      const int64_t n0 = std::min(g.N, t * chunk), n1 = std::min(g.N, n0 + chunk);
      if (n0 < n1) impl.gemv_block(g, n0, n1);
    });
    return;
  }
  // GEMM: a tm × tn grid of blocks, one per thread, aligned to the register tile. Each block packs its own
  // panels, so pick the grid whose blocks are closest to square: packing B costs ~1/rows of the block and packing
  // A ~1/columns, relative to its FMAs.
  const GemmTile tile = impl.tile();
  int64_t best_tm = 1, best_mc = g.M, best_nc = g.N;
  double best_cost = 1e300;
  for (int64_t tm = 1; tm <= threads; tm++) {
    if (threads % tm) continue;
    const int64_t tn = threads / tm;
    const int64_t mc = ((g.M + tm - 1) / tm + tile.mr - 1) / tile.mr * tile.mr;
    const int64_t nc = ((g.N + tn - 1) / tn + tile.nr - 1) / tile.nr * tile.nr;
    if ((g.M + mc - 1) / mc < tm || (g.N + nc - 1) / nc < tn) continue;  // a thread would get nothing
    const double cost = 1.0 / (double)std::min(mc, g.M) + 1.0 / (double)std::min(nc, g.N);
    if (cost < best_cost) best_cost = cost, best_tm = tm, best_mc = mc, best_nc = nc;
  }
  const int64_t tm = best_tm, tn = threads / best_tm, mc = best_mc, nc = best_nc;
  if (best_cost == 1e300) return matmul_serial(impl, g);
  parallel_for(tm * tn, [&](int64_t t) {
    const int64_t m0 = (t / tn) * mc, n0 = (t % tn) * nc;
    impl.gemm_block(g, m0, std::min(g.M, m0 + mc), n0, std::min(g.N, n0 + nc));
  });
}

/** The whole batched call. Batches run in order unless their C matrices are disjoint. */
inline void matmul_run(const MatmulImpl& impl, float* c, const float* a, const float* b, const MatmulShape& s) {
  auto args = [&](int64_t i) {
    return GemmArgs{a + i * s.strideA, b + i * s.strideB, c + i * s.strideC, s.M, s.K, s.N, s.transA, s.transB, s.accumulate};
  };
  const bool disjoint = s.strideC >= s.M * s.N;
  const int64_t threads = num_threads();
  const bool small = s.M * s.N * std::max<int64_t>(s.K, 1) < (int64_t)1 << 22;
  if (s.batch > 1 && disjoint && s.batch >= threads && (small || s.batch % threads == 0)) {
    // Whole products per thread, no synchronisation inside a product: many small products, or big ones that
    // divide evenly among the threads (3 big products on 2 threads would leave one idle half the time).
    parallel_for(s.batch, [&](int64_t i) { matmul_serial(impl, args(i)); });
    return;
  }
  for (int64_t i = 0; i < s.batch; i++) matmul_parallel(impl, args(i));
}

/** Σ x over the pool, one contiguous part per thread, parts added in order (the bandwidth reference). */
inline double stream_sum_parallel(const MatmulImpl& impl, const float* x, int64_t n) {
  const int64_t threads = num_threads();
  double part[256] = {0};
  const int64_t tasks = std::min<int64_t>(threads, 256);
  const int64_t chunk = ((n + tasks - 1) / tasks + 15) / 16 * 16;  // 64-byte aligned parts
  parallel_for(tasks, [&](int64_t t) {
    const int64_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    part[t] = impl.stream_sum(x + b, e - b);
  });
  double s = 0;
  for (int64_t t = 0; t < tasks; t++) s += part[t];
  return s;
}

}  // namespace llamats
