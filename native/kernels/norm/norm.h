// RMSNorm (Llama 2 §2.2), mirroring src/tensor/ref/rmsnorm.ts. Row kernels take pointers to the first row of
// their range; the dw kernel owns columns [c0, c1) and sums over all N rows in order, so dw is the same for
// any thread count.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_NORM(ns)                                                                                   \
  namespace llamats::ns {                                                                                          \
  void rmsnorm_forward(float* out, float* rstd, const float* x, const float* w, int64_t rows, int64_t C, float eps); \
  void rmsnorm_backward_dx(float* dx, const float* dout, const float* x, const float* w, const float* rstd,         \
                           int64_t rows, int64_t C);                                                               \
  void rmsnorm_backward_dw(float* dw, const float* dout, const float* x, const float* rstd, int64_t N, int64_t C,    \
                           int64_t c0, int64_t c1);                                                                \
  }

LLAMATS_DECLARE_NORM(ref)
LLAMATS_DECLARE_NORM(avx2)
LLAMATS_DECLARE_NORM(avx512)
