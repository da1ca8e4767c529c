// One AdamW step (Loshchilov & Hutter 2019) with PyTorch's semantics, mirroring src/tensor/ref/adamw.ts:
// p ← p − lr·(m̂/(sqrt(v̂) + eps) + wd·p). bc1 = 1 − β1^t and bc2 = 1 − β2^t are computed by the binding in
// float64.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_ADAMW(ns)                                                                                 \
  namespace llamats::ns {                                                                                         \
  void adamw(float* param, const float* grad, float* m, float* v, int64_t n, double lr, double beta1, double beta2, \
             double eps, double weight_decay, double bc1, double bc2);                                            \
  }

LLAMATS_DECLARE_ADAMW(ref)
LLAMATS_DECLARE_ADAMW(avx2)
LLAMATS_DECLARE_ADAMW(avx512)
