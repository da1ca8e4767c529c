// Cross-entropy on SIMD vectors: one blocked max-and-exp-sum pass per row (no probabilities stored); the
// backward is one pass writing dloss·exp(x − lse), with the target's −dloss applied from the value read first.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/softmax/simd.h"

namespace llamats::simd {

template <class VT>
void cross_entropy_forward(float* losses, float* lse, const float* logits, const int32_t* targets, int64_t rows,
                           int64_t V, int64_t ignore_index) {
  for (int64_t n = 0; n < rows; n++) {
    const float* x = logits + n * V;
    float max;
    const float sum = row_max_sum_exp<VT>(x, V, &max);
    const float l = max + std::log(sum);
    lse[n] = l;
    losses[n] = targets[n] == ignore_index ? 0.0f : l - x[targets[n]];
  }
}

template <class VT>
void cross_entropy_backward(float* dlogits, const float* logits, const float* lse, const int32_t* targets,
                            const float* dloss, int64_t rows, int64_t V, int64_t ignore_index) {
  constexpr int W = VT::W;
  for (int64_t n = 0; n < rows; n++) {
    const float* x = logits + n * V;
    float* d = dlogits + n * V;
    int64_t t = targets[n];
    if (t == ignore_index) {
      for (int64_t v = 0; v < V; v += W) VT::store(d + v, VT::zero(), VT::mask(V - v));
      continue;
    }
    float g = dloss[n], xt = x[t];  // read before an in-place pass overwrites it
    auto vg = VT::set1(g), vl = VT::set1(lse[n]);
    for (int64_t v = 0; v < V; v += W) {
      auto m = VT::mask(V - v);
      VT::store(d + v, VT::mul(vg, VT::exp(VT::sub(VT::load(x + v, m), vl))), m);
    }
    d[t] = g * (std::exp(xt - lse[n]) - 1.0f);
  }
}

}  // namespace llamats::simd
