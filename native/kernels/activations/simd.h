// SwiGLU on SIMD vectors (traits of kernels/vec/*.h); σ(g) = 1/(1 + exp(−g)) with the vectorised expf.
// Every output lane is computed from loaded inputs before it is stored, so out may alias gate or up.
#pragma once
#include <cstdint>

namespace llamats::simd {

template <class VT>
void swiglu_forward(float* out, const float* gate, const float* up, int64_t n) {
  constexpr int W = VT::W;
  const auto one = VT::set1(1.0f), zero = VT::zero();
  for (int64_t i = 0; i < n; i += W) {
    auto m = VT::mask(n - i);
    auto g = VT::load(gate + i, m), u = VT::load(up + i, m);
    auto s = VT::div(one, VT::add(one, VT::exp(VT::sub(zero, g))));
    VT::store(out + i, VT::mul(VT::mul(g, s), u), m);
  }
}

template <class VT>
void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, int64_t n) {
  constexpr int W = VT::W;
  const auto one = VT::set1(1.0f), zero = VT::zero();
  for (int64_t i = 0; i < n; i += W) {
    auto m = VT::mask(n - i);
    auto g = VT::load(gate + i, m), u = VT::load(up + i, m), d = VT::load(dout + i, m);
    auto s = VT::div(one, VT::add(one, VT::exp(VT::sub(zero, g))));
    auto dsilu = VT::mul(s, VT::fma(g, VT::sub(one, s), one));  // σ(g)·(1 + g·(1 − σ(g)))
    VT::store(dgate + i, VT::mul(VT::mul(d, u), dsilu), m);
    VT::store(dup + i, VT::mul(d, VT::mul(g, s)), m);
  }
}

}  // namespace llamats::simd
