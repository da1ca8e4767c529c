// AdamW on SIMD vectors, in float arithmetic (the moments are stored in float anyway).
#pragma once
#include <cstdint>

namespace llamats::simd {

template <class VT>
void adamw(float* param, const float* grad, float* m, float* v, int64_t n, double lr, double beta1, double beta2,
           double eps, double weight_decay, double bc1, double bc2) {
  constexpr int W = VT::W;
  const auto b1 = VT::set1((float)beta1), c1 = VT::set1((float)(1 - beta1));
  const auto b2 = VT::set1((float)beta2), c2 = VT::set1((float)(1 - beta2));
  const auto ibc1 = VT::set1((float)(1 / bc1)), ibc2 = VT::set1((float)(1 / bc2));
  const auto veps = VT::set1((float)eps), vlr = VT::set1((float)lr), vwd = VT::set1((float)weight_decay);
  for (int64_t i = 0; i < n; i += W) {
    auto k = VT::mask(n - i);
    auto g = VT::load(grad + i, k);
    auto mi = VT::fma(b1, VT::load(m + i, k), VT::mul(c1, g));
    auto vi = VT::fma(b2, VT::load(v + i, k), VT::mul(c2, VT::mul(g, g)));
    VT::store(m + i, mi, k);
    VT::store(v + i, vi, k);
    auto p = VT::load(param + i, k);
    auto upd = VT::div(VT::mul(mi, ibc1), VT::add(VT::sqrt(VT::mul(vi, ibc2)), veps));
    VT::store(param + i, VT::sub(p, VT::mul(vlr, VT::fma(vwd, p, upd))), k);
  }
}

}  // namespace llamats::simd
