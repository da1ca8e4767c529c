// RoPE on SIMD vectors. Both layouts are out = x ⊙ cc + partner(x) ⊙ ss with per-row tables built once for all
// heads: 'pairs' has cc = [c0 c0 c1 c1 …], ss = [−s0 s0 −s1 s1 …] and partner swaps neighbours in-register;
// 'half' rotates x[i] with x[i + hd/2] using two loads.
#pragma once
#include <cstdint>

namespace llamats::simd {

/** Swaps adjacent lanes (x0 x1 x2 x3 … → x1 x0 x3 x2 …). */
template <class VT>
typename VT::V swap_pairs(typename VT::V v);

template <class VT>
void rope_row(float* out, const float* x, const double* cs, const double* sn, int64_t n_heads, int64_t hd, bool half,
              float sign) {
  constexpr int W = VT::W;
  constexpr int64_t kMaxHeadDim = 1024;
  alignas(64) float cc[kMaxHeadDim], ss[kMaxHeadDim];  // the binding rejects headDim > kMaxHeadDim
  const int64_t h2 = hd / 2;
  if (half) {
    for (int64_t i = 0; i < h2; i++) {
      cc[i] = (float)cs[i];
      ss[i] = (float)(sign * sn[i]);
    }
    for (int64_t h = 0; h < n_heads; h++) {
      const float* xh = x + h * hd;
      float* oh = out + h * hd;
      for (int64_t i = 0; i < h2; i += W) {
        auto m = VT::mask(h2 - i);
        auto a = VT::load(xh + i, m), b = VT::load(xh + h2 + i, m), c = VT::load(cc + i, m), s = VT::load(ss + i, m);
        VT::store(oh + i, VT::sub(VT::mul(a, c), VT::mul(b, s)), m);
        VT::store(oh + h2 + i, VT::add(VT::mul(a, s), VT::mul(b, c)), m);
      }
    }
  } else {
    for (int64_t i = 0; i < h2; i++) {
      float s = (float)(sign * sn[i]);
      cc[2 * i] = cc[2 * i + 1] = (float)cs[i];
      ss[2 * i] = -s;
      ss[2 * i + 1] = s;
    }
    // Pairs never straddle a vector (W and hd are even), so the whole row is one stream of vectors.
    for (int64_t h = 0; h < n_heads; h++) {
      const float* xh = x + h * hd;
      float* oh = out + h * hd;
      for (int64_t i = 0; i < hd; i += W) {
        auto m = VT::mask(hd - i);
        auto v = VT::load(xh + i, m);
        VT::store(oh + i, VT::add(VT::mul(v, VT::load(cc + i, m)), VT::mul(swap_pairs<VT>(v), VT::load(ss + i, m))), m);
      }
    }
  }
}

}  // namespace llamats::simd
