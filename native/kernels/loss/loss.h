// Cross-entropy fused with log-sum-exp, mirroring src/tensor/ref/cross-entropy.ts; `rows` rows of V logits.
// Targets were range-checked by the binding. dlogits may alias logits.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_LOSS(ns)                                                                                     \
  namespace llamats::ns {                                                                                            \
  void cross_entropy_forward(float* losses, float* lse, const float* logits, const int32_t* targets, int64_t rows,    \
                             int64_t V, int64_t ignore_index);                                                       \
  void cross_entropy_backward(float* dlogits, const float* logits, const float* lse, const int32_t* targets,          \
                              const float* dloss, int64_t rows, int64_t V, int64_t ignore_index);                     \
  }

LLAMATS_DECLARE_LOSS(ref)
LLAMATS_DECLARE_LOSS(avx2)
LLAMATS_DECLARE_LOSS(avx512)
