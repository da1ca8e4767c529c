// Matrix multiplication kernels: C = op(A)·op(B) (or C += …), float32, row-major (contract in
// src/tensor/kernels.ts, TypeScript reference in src/tensor/ref/matmul.ts).
//
// Each instruction set (ref, avx2, avx512) implements the same sequential building blocks; the driver in
// native/bind_matmul.cpp splits a product into blocks of C and runs them on the thread pool. Every C element is
// computed by exactly one block, with a K loop whose blocking depends on K only, so the result is
// bit-identical for any thread count and any split of C.
//
// Files: ref.cpp (scalar, float64 accumulation, mirrors the TS reference), avx2.cpp (6×16 register tile),
// avx512.cpp (12×32 register tile), pack.h (packing of operand panels), amx.cpp (optional bf16 tiles).
#pragma once
#include <cstdint>

namespace llamats {

/** One product of a batch: pointers to its first elements, op(A) M×K, op(B) K×N, C M×N (leading dims K/M, N/K, N). */
struct GemmArgs {
  const float* a;
  const float* b;
  float* c;
  int64_t M, K, N;
  bool transA, transB, accumulate;
};

/** The register tile of an instruction set: the driver aligns its splits of C to it. */
struct GemmTile {
  int mr, nr;
};

}  // namespace llamats

#define LLAMATS_DECLARE_MATMUL(ns)                                                                              \
  namespace llamats::ns {                                                                                       \
  /* The register tile this instruction set uses. */                                                           \
  GemmTile gemm_tile();                                                                                         \
  /* C[m0:m1, n0:n1] of one product, on the calling thread (packing buffers are thread-local). */             \
  void gemm_block(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1);                          \
  /* C[:, n0:n1] for transB with contiguous rows of op(A) (decode: y = x·Wᵀ, M small): streams the rows of B \
     once, each C element a dot product of two contiguous rows (same arithmetic for every M). */              \
  void gemv_block(const GemmArgs& g, int64_t n0, int64_t n1);                                                   \
  /* Σ x[0:n] with independent accumulators: the streaming read that GEMV bandwidth is measured against. */    \
  double stream_sum(const float* x, int64_t n);                                                                 \
  }

// bf16 on AMX tiles (amx.cpp; opt-in, only where cpu().amx_usable): GEMM only, GEMV stays float32.
namespace llamats::amx {
GemmTile gemm_tile();
void gemm_block(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1);
}  // namespace llamats::amx

LLAMATS_DECLARE_MATMUL(ref)
LLAMATS_DECLARE_MATMUL(avx2)
LLAMATS_DECLARE_MATMUL(avx512)
