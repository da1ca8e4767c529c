// Scalar matmul: the reference and the fallback for CPUs without AVX2 (and LLAMATS_ISA=scalar). Like the
// TypeScript reference (src/tensor/ref/matmul.ts) it accumulates in double and rounds once per C element; each
// element is one sum over k in increasing order, so the result does not depend on how C is split.
#include "matmul.h"

namespace llamats::ref {

namespace {

inline float at_a(const GemmArgs& g, int64_t i, int64_t k) { return g.transA ? g.a[k * g.M + i] : g.a[i * g.K + k]; }

inline void store(const GemmArgs& g, int64_t i, int64_t j, double v) {
  float& c = g.c[i * g.N + j];
  c = g.accumulate ? (float)((double)c + v) : (float)v;
}

}  // namespace

GemmTile gemm_tile() { return {1, 1}; }

void gemm_block(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  constexpr int64_t JB = 256;  // output columns accumulated at once (a 2 KB double row stays in L1)
  double acc[JB];
  for (int64_t i = m0; i < m1; i++) {
    if (g.transB) {
      // B stored [N, K]: dot products of contiguous rows.
      for (int64_t j = n0; j < n1; j++) {
        const float* bj = g.b + j * g.K;
        double s = 0;
        for (int64_t k = 0; k < g.K; k++) s += (double)at_a(g, i, k) * (double)bj[k];
        store(g, i, j, s);
      }
      continue;
    }
    // B stored [K, N]: add row k of B, scaled by A[i, k], into JB columns of the output row.
    for (int64_t j0 = n0; j0 < n1; j0 += JB) {
      const int64_t w = n1 - j0 < JB ? n1 - j0 : JB;
      for (int64_t j = 0; j < w; j++) acc[j] = 0;
      for (int64_t k = 0; k < g.K; k++) {
        const double aik = at_a(g, i, k);
        const float* bk = g.b + k * g.N + j0;
        for (int64_t j = 0; j < w; j++) acc[j] += aik * (double)bk[j];
      }
      for (int64_t j = 0; j < w; j++) store(g, i, j0 + j, acc[j]);
    }
  }
}

void gemv_block(const GemmArgs& g, int64_t n0, int64_t n1) { gemm_block(g, 0, g.M, n0, n1); }

double stream_sum(const float* x, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; i++) s += x[i];
  return s;
}

}  // namespace llamats::ref
