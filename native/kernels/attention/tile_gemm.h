// A small GEMM on a register tile for the attention kernels (flash.h): C[i·ldc + j] (+)= Σ_k A[i·lda + k·ak]·
// B[k·ldb + j]. A is read by broadcasts with any strides (so Aᵀ costs nothing), B by rows of vectors; the tile
// is up to VT::kTileVecs vectors wide and as tall as the registers allow (tile_rows), the last vector masked. Sizes here are a few
// dozen in each dimension, where a packed GEMM would spend more on packing than on arithmetic.
#pragma once
#include <algorithm>
#include <cstdint>

namespace llamats::simd {
namespace {  // internal linkage: compiled once per instruction set (see flash.h)

template <class VT, int RT, int NV>
static inline void gemm_tile(float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B, int64_t ldb,
                             int64_t K, int64_t ncols, bool acc) {
  using V = typename VT::V;
  constexpr int W = VT::W;
  const auto last = VT::mask(ncols - (NV - 1) * W);
  // The tile loops are unrolled by hand-placed pragmas: without them GCC keeps c[][] in memory and spills
  // every accumulator on every k (3× slower).
  V c[RT][NV];
#pragma GCC unroll 8
  for (int r = 0; r < RT; r++) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) {
      if (!acc) c[r][v] = VT::zero();
      else if (v == NV - 1) c[r][v] = VT::load(C + r * ldc + v * W, last);
      else c[r][v] = VT::load(C + r * ldc + v * W);
    }
  }
  for (int64_t k = 0; k < K; k++) {
    const float* bk = B + k * ldb;
    V bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) bv[v] = v == NV - 1 ? VT::load(bk + v * W, last) : VT::load(bk + v * W);
    const float* a = A + k * ak;
#pragma GCC unroll 8
    for (int r = 0; r < RT; r++) {
      V ar = VT::set1(a[r * lda]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) c[r][v] = VT::fma(ar, bv[v], c[r][v]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < RT; r++) {
#pragma GCC unroll 8
    for (int v = 0; v < NV; v++) {
      if (v == NV - 1) VT::store(C + r * ldc + v * W, c[r][v], last);
      else VT::store(C + r * ldc + v * W, c[r][v]);
    }
  }
}

/** Rows of the register tile for NV vectors of columns: as many as the registers hold, at most 8. */
template <class VT>
constexpr int tile_rows(int nv) {
  const int r = (VT::kRegisters - 1 - nv) / nv;  // accumulators + NV vectors of B + one broadcast
  return r < 8 ? r : 8;
}

template <class VT, int RT, int NV>
static inline void gemm_tile_rt(int rt, float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B,
                                int64_t ldb, int64_t K, int64_t ncols, bool acc) {
  if constexpr (RT > 1) {
    if (rt < RT) return gemm_tile_rt<VT, RT - 1, NV>(rt, C, ldc, A, lda, ak, B, ldb, K, ncols, acc);
  }
  gemm_tile<VT, RT, NV>(C, ldc, A, lda, ak, B, ldb, K, ncols, acc);
}

/** All rows of one column panel of NV vectors. */
template <class VT, int NV>
static void gemm_panel(float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B, int64_t ldb,
                       int64_t M, int64_t K, int64_t ncols, bool acc) {
  constexpr int RT = tile_rows<VT>(NV);
  int64_t i0 = 0;
  for (; i0 + RT <= M; i0 += RT) gemm_tile<VT, RT, NV>(C + i0 * ldc, ldc, A + i0 * lda, lda, ak, B, ldb, K, ncols, acc);
  if (i0 < M) gemm_tile_rt<VT, RT, NV>((int)(M - i0), C + i0 * ldc, ldc, A + i0 * lda, lda, ak, B, ldb, K, ncols, acc);
}

template <class VT, int NV>
static inline void gemm_panel_nv(int nv, float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B,
                                 int64_t ldb, int64_t M, int64_t K, int64_t ncols, bool acc) {
  if constexpr (NV > 1) {
    if (nv < NV) return gemm_panel_nv<VT, NV - 1>(nv, C, ldc, A, lda, ak, B, ldb, M, K, ncols, acc);
  }
  gemm_panel<VT, NV>(C, ldc, A, lda, ak, B, ldb, M, K, ncols, acc);
}

template <class VT>
static void gemm(float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B, int64_t ldb, int64_t M,
                 int64_t N, int64_t K, bool acc) {
  constexpr int W = VT::W, NVMAX = VT::kTileVecs;
  for (int64_t j0 = 0; j0 < N; j0 += NVMAX * W) {
    const int64_t ncols = std::min<int64_t>(N - j0, NVMAX * W);
    gemm_panel_nv<VT, NVMAX>((int)((ncols + W - 1) / W), C + j0, ldc, A, lda, ak, B + j0, ldb, M, K, ncols, acc);
  }
}

}  // namespace
}  // namespace llamats::simd
