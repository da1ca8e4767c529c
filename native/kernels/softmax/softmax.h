// Row softmax and its backward, mirroring src/tensor/ref/softmax.ts; `rows` rows of C values from the given
// pointers. out may alias x, dx may alias dout.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_SOFTMAX(ns)                                                                \
  namespace llamats::ns {                                                                          \
  void softmax_forward(float* out, const float* x, int64_t rows, int64_t C);                       \
  void softmax_backward(float* dx, const float* dout, const float* out, int64_t rows, int64_t C);   \
  }

LLAMATS_DECLARE_SOFTMAX(ref)
LLAMATS_DECLARE_SOFTMAX(avx2)
LLAMATS_DECLARE_SOFTMAX(avx512)
