// Elementwise kernels over n floats. Each instruction set implements the same functions in its own namespace;
// native/dispatch.cpp picks one. They run on one thread: callers split work with parallel_range.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_ELEMENTWISE(ns)                                    \
  namespace llamats::ns {                                                  \
  void add(float* out, const float* a, const float* b, int64_t n);         \
  void mul(float* out, const float* a, const float* b, int64_t n);         \
  void scale(float* out, const float* a, float s, int64_t n);              \
  void axpy(float* y, float alpha, const float* x, int64_t n);             \
  }

LLAMATS_DECLARE_ELEMENTWISE(ref)
LLAMATS_DECLARE_ELEMENTWISE(avx2)
LLAMATS_DECLARE_ELEMENTWISE(avx512)
