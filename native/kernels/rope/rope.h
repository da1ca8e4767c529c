// Rotary position embedding (Su et al. 2021), mirroring src/tensor/ref/rope.ts. One token row of nHeads heads
// at a time: cs, sn are cos and sin of that row's hd/2 angles (computed in float64 by the binding); sign −1
// applies the inverse rotation (the backward). half = false rotates pairs (2i, 2i+1), true rotates
// (i, i + hd/2). out may alias x.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_ROPE(ns)                                                                                \
  namespace llamats::ns {                                                                                       \
  void rope_row(float* out, const float* x, const double* cs, const double* sn, int64_t n_heads, int64_t head_dim, \
                bool half, float sign);                                                                         \
  }

LLAMATS_DECLARE_ROPE(ref)
LLAMATS_DECLARE_ROPE(avx2)
LLAMATS_DECLARE_ROPE(avx512)
