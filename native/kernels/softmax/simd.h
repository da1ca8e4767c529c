// Row softmax on SIMD vectors: a max pass, an exp pass that stores exp(x − max) and sums it, a scale pass.
// Rows of a 32000-token vocabulary (128 KB) stay in L2 between the passes.
#pragma once
#include <cmath>
#include <cstdint>

namespace llamats::simd {

/** max over a row; the tail lanes read −inf. */
template <class VT>
static inline float row_max(const float* x, int64_t C) {
  constexpr int W = VT::W;
  auto m0 = VT::set1(-INFINITY), m1 = m0;
  int64_t c = 0;
  for (; c + 2 * W <= C; c += 2 * W) {
    m0 = VT::max(m0, VT::load(x + c));
    m1 = VT::max(m1, VT::load(x + c + W));
  }
  for (; c < C; c += W) m0 = VT::max(m0, VT::load_or(x + c, VT::mask(C - c), -INFINITY));
  return VT::hmax(VT::max(m0, m1));
}

/** Σ exp(x − shift) over a row, also storing the exponentials to out when out is not null. */
template <class VT>
static inline float row_sum_exp(float* out, const float* x, float shift, int64_t C) {
  constexpr int W = VT::W;
  auto vs = VT::set1(shift);
  auto s0 = VT::zero(), s1 = VT::zero();
  int64_t c = 0;
  for (; c + 2 * W <= C; c += 2 * W) {
    auto e0 = VT::exp(VT::sub(VT::load(x + c), vs)), e1 = VT::exp(VT::sub(VT::load(x + c + W), vs));
    if (out) {
      VT::store(out + c, e0);
      VT::store(out + c + W, e1);
    }
    s0 = VT::add(s0, e0);
    s1 = VT::add(s1, e1);
  }
  for (; c < C; c += W) {
    auto m = VT::mask(C - c);
    auto e = VT::exp(VT::sub(VT::load_or(x + c, m, -INFINITY), vs));
    if (out) VT::store(out + c, e, m);
    s0 = VT::add(s0, e);
  }
  return VT::hsum(VT::add(s0, s1));
}

/**
 * max and Σ exp(x − max) of a row in one pass over memory: each block of 512 values is read into L1 once, its max
 * taken, and its exponentials summed against the running max (the running sums rescaled when the max grows).
 * For long rows (a 32000-token vocabulary) this halves the memory traffic of a max pass followed by a sum pass.
 */
template <class VT>
static inline float row_max_sum_exp(const float* x, int64_t C, float* max_out) {
  constexpr int W = VT::W;
  constexpr int64_t kBlock = 512;
  float m = -INFINITY;
  auto s0 = VT::zero(), s1 = VT::zero();
  for (int64_t b = 0; b < C; b += kBlock) {
    const int64_t n = C - b < kBlock ? C - b : kBlock;
    const float bm = row_max<VT>(x + b, n);
    if (bm > m) {
      if (m != -INFINITY) {
        const auto f = VT::set1(std::exp(m - bm));
        s0 = VT::mul(s0, f);
        s1 = VT::mul(s1, f);
      }
      m = bm;
    }
    if (m == -INFINITY) continue;  // nothing but −inf so far
    const auto vm = VT::set1(m);
    const float* xb = x + b;
    int64_t c = 0;
    for (; c + 2 * W <= n; c += 2 * W) {
      s0 = VT::add(s0, VT::exp(VT::sub(VT::load(xb + c), vm)));
      s1 = VT::add(s1, VT::exp(VT::sub(VT::load(xb + c + W), vm)));
    }
    for (; c < n; c += W) s0 = VT::add(s0, VT::exp(VT::sub(VT::load_or(xb + c, VT::mask(n - c), -INFINITY), vm)));
  }
  *max_out = m;
  return VT::hsum(VT::add(s0, s1));
}

template <class VT>
void softmax_forward(float* out, const float* x, int64_t rows, int64_t C) {
  constexpr int W = VT::W;
  for (int64_t n = 0; n < rows; n++) {
    float* o = out + n * C;
    float max = row_max<VT>(x + n * C, C);
    float sum = row_sum_exp<VT>(o, x + n * C, max, C);
    auto inv = VT::set1(1.0f / sum);
    for (int64_t c = 0; c < C; c += W) {
      auto m = VT::mask(C - c);
      VT::store(o + c, VT::mul(VT::load(o + c, m), inv), m);
    }
  }
}

template <class VT>
void softmax_backward(float* dx, const float* dout, const float* out, int64_t rows, int64_t C) {
  constexpr int W = VT::W;
  for (int64_t n = 0; n < rows; n++) {
    const float *g = dout + n * C, *o = out + n * C;
    auto s = VT::zero();
    for (int64_t c = 0; c < C; c += W) {
      auto m = VT::mask(C - c);
      s = VT::fma(VT::load(g + c, m), VT::load(o + c, m), s);
    }
    auto dot = VT::set1(VT::hsum(s));
    for (int64_t c = 0; c < C; c += W) {
      auto m = VT::mask(C - c);
      VT::store(dx + n * C + c, VT::mul(VT::load(o + c, m), VT::sub(VT::load(g + c, m), dot)), m);
    }
  }
}

}  // namespace llamats::simd
