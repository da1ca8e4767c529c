// RMSNorm on SIMD vectors, generic over the traits of kernels/vec/{avx2,avx512}.h. float accumulation in two
// interleaved vector accumulators (C ≤ a few thousand: relative error ~1e-6 against the float64 reference).
#pragma once
#include <cmath>
#include <cstdint>

namespace llamats::simd {

template <class VT>
static inline float dot3(const float* a, const float* b, const float* c, int64_t C) {
  using V = typename VT::V;
  constexpr int W = VT::W;
  V s0 = VT::zero(), s1 = VT::zero();
  int64_t i = 0;
  for (; i + 2 * W <= C; i += 2 * W) {
    s0 = VT::fma(VT::mul(VT::load(a + i), VT::load(b + i)), c ? VT::load(c + i) : VT::set1(1), s0);
    s1 = VT::fma(VT::mul(VT::load(a + i + W), VT::load(b + i + W)), c ? VT::load(c + i + W) : VT::set1(1), s1);
  }
  for (; i < C; i += W) {
    auto m = VT::mask(C - i);
    s0 = VT::fma(VT::mul(VT::load(a + i, m), VT::load(b + i, m)), c ? VT::load(c + i, m) : VT::set1(1), s0);
  }
  return VT::hsum(VT::add(s0, s1));
}

template <class VT>
void rmsnorm_forward(float* out, float* rstd, const float* x, const float* w, int64_t rows, int64_t C, float eps) {
  constexpr int W = VT::W;
  for (int64_t n = 0; n < rows; n++) {
    const float* xr = x + n * C;
    float* o = out + n * C;
    float r = 1.0f / std::sqrt(dot3<VT>(xr, xr, nullptr, C) / (float)C + eps);
    rstd[n] = r;
    auto vr = VT::set1(r);
    for (int64_t c = 0; c < C; c += W) {
      auto m = VT::mask(C - c);
      VT::store(o + c, VT::mul(VT::load(w + c, m), VT::mul(VT::load(xr + c, m), vr)), m);
    }
  }
}

template <class VT>
void rmsnorm_backward_dx(float* dx, const float* dout, const float* x, const float* w, const float* rstd, int64_t rows,
                         int64_t C) {
  constexpr int W = VT::W;
  for (int64_t n = 0; n < rows; n++) {
    const float *xr = x + n * C, *gr = dout + n * C;
    float r = rstd[n];
    float k = r * r * r * dot3<VT>(w, gr, xr, C) / (float)C;
    auto vr = VT::set1(r), vk = VT::set1(k);
    for (int64_t c = 0; c < C; c += W) {
      auto m = VT::mask(C - c);
      auto g = VT::mul(VT::mul(vr, VT::load(w + c, m)), VT::load(gr + c, m));
      VT::store(dx + n * C + c, VT::sub(g, VT::mul(vk, VT::load(xr + c, m))), m);
    }
  }
}

/** Columns [c0, c1) in blocks of up to 4 vectors, each column summed over n = 0..N−1 in order. */
template <class VT>
void rmsnorm_backward_dw(float* dw, const float* dout, const float* x, const float* rstd, int64_t N, int64_t C,
                         int64_t c0, int64_t c1) {
  using V = typename VT::V;
  constexpr int W = VT::W;
  for (int64_t cb = c0; cb < c1; cb += 4 * W) {
    int nv = (int)((c1 - cb + W - 1) / W);
    if (nv > 4) nv = 4;
    typename VT::M m[4];
    V acc[4];
    for (int v = 0; v < 4; v++) {
      m[v] = VT::mask(c1 - cb - v * W);
      acc[v] = VT::zero();
    }
    for (int64_t n = 0; n < N; n++) {
      auto r = VT::set1(rstd[n]);
      const float *g = dout + n * C + cb, *xr = x + n * C + cb;
      for (int v = 0; v < nv; v++) acc[v] = VT::fma(VT::mul(VT::load(g + v * W, m[v]), VT::load(xr + v * W, m[v])), r, acc[v]);
    }
    for (int v = 0; v < nv; v++) VT::store(dw + cb + v * W, VT::add(VT::load(dw + cb + v * W, m[v]), acc[v]), m[v]);
  }
}

}  // namespace llamats::simd
