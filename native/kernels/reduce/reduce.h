// float64 reductions over one chunk of floats. The binding splits an array into fixed chunks (independent of the
// thread count) and adds the chunk sums in order, so Σ is bit-identical for any number of threads.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_REDUCE(ns)                   \
  namespace llamats::ns {                            \
  double sum(const float* x, int64_t n);             \
  double sum_squares(const float* x, int64_t n);     \
  }

LLAMATS_DECLARE_REDUCE(ref)
LLAMATS_DECLARE_REDUCE(avx2)
LLAMATS_DECLARE_REDUCE(avx512)
