// Building blocks of the attention kernels (flash.h): the layout of one task, causal and document masks in
// both block forms, thread-local scratch, row gathers (plain and transposed), dot-product scores.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>
#include <xmmintrin.h>

#include "kernels/attention/attention.h"

namespace llamats::simd {
namespace {  // internal linkage: compiled once per instruction set (see flash.h)

constexpr int64_t kKeyBlock = 64;
constexpr int64_t kColumnFormRows = 16;
constexpr float kLog2e = 1.44269504088896341f, kLn2 = 0.693147180559945309f;

/** One task's layout: kv head kvh of sequence b and its G query heads; block rows r = (t − t0)·G + g. */
struct Task {
  const AttentionArgs& a;
  int64_t b, kvh;
  int64_t G = a.H / a.KVH, past = a.S - a.T, ldkv = a.KVH * a.hd;
  int64_t q_row(int64_t t, int64_t g) const { return ((b * a.T + t) * a.H + kvh * G + g) * a.hd; }
  int64_t lse_at(int64_t t, int64_t g) const { return (b * a.H + kvh * G + g) * a.T + t; }
  const float* kv(const float* base, int64_t s) const { return base + b * a.kv_stride + s * ldkv + kvh * a.hd; }
  float* dkv(float* base, int64_t s) const { return base + ((b * a.S + s) * a.KVH + kvh) * a.hd; }
  int64_t pos(int64_t t0, int64_t r) const { return past + t0 + r / G; }
  /** First key any query in [t0, t1) may attend: 0, or the earliest start of their documents. */
  int64_t key_begin(int64_t t0, int64_t t1) const {
    if (!a.first) return 0;
    int64_t lo = past + t0;
    for (int64_t t = t0; t < t1; t++) lo = std::min<int64_t>(lo, a.first[b * a.S + past + t]);
    return lo;
  }
  /** Whether some score of the block is masked: a key after the first query, or more than one document. */
  bool needs_mask(int64_t t0, int64_t t1, int64_t s0, int64_t nk) const {
    if (s0 + nk - 1 > past + t0) return true;
    if (!a.seg) return false;
    const int32_t* seg = a.seg + b * a.S;
    for (int64_t s = s0; s < s0 + nk; s++)
      if (seg[s] != seg[s0]) return true;
    for (int64_t t = t0; t < t1; t++)
      if (seg[past + t] != seg[s0]) return true;
    return false;
  }
  /** Row form: S[r·kKeyBlock + j] = −inf where key s0 + j is hidden from row r. */
  void mask_rows(float* S, int64_t R, int64_t t0, int64_t s0, int64_t nk) const {
    const int32_t* seg = a.seg ? a.seg + b * a.S : nullptr;
    for (int64_t r = 0; r < R; r++) {
      const int64_t p = pos(t0, r), visible = std::clamp<int64_t>(p + 1 - s0, 0, nk);
      float* sr = S + r * kKeyBlock;
      std::fill(sr + visible, sr + nk, -INFINITY);
      if (seg)
        for (int64_t j = 0; j < visible; j++)
          if (seg[s0 + j] != seg[p]) sr[j] = -INFINITY;
    }
  }
  /** Column form: St[j·ld + r] = −inf where key s0 + j is hidden from row r. */
  void mask_cols(float* St, int64_t ld, int64_t R, int64_t t0, int64_t s0, int64_t nk) const {
    const int32_t* seg = a.seg ? a.seg + b * a.S : nullptr;
    for (int64_t j = 0; j < nk; j++) {
      const int64_t s = s0 + j;
      float* row = St + j * ld;
      const int64_t hidden = std::clamp<int64_t>((s - past - t0) * G, 0, R);  // rows at positions p < s
      std::fill(row, row + hidden, -INFINITY);
      if (seg)
        for (int64_t r = hidden; r < R; r++)
          if (seg[s] != seg[pos(t0, r)]) row[r] = -INFINITY;
    }
  }
};

/**
 * Flush-to-zero and denormals-are-zero while a task runs, restored after. A probability below 2^−126 times a
 * small dP or V value would otherwise produce a subnormal, and each one costs a microcode assist (~100 cycles)
 * on Intel cores; values that small do not change any sum they enter.
 */
struct FlushSubnormals {
  const unsigned saved = _mm_getcsr();
  FlushSubnormals() { _mm_setcsr(saved | 0x8040); }  // FTZ (bit 15) | DAZ (bit 6)
  ~FlushSubnormals() { _mm_setcsr(saved); }
};

/** Thread-local scratch, grown on demand and reused by every task the thread runs. */
struct Scratch {
  std::vector<float> q, qt, dout, doutt, o, s, ds, dq, m, l, alpha, d, dk, dv;
  static Scratch& get() {
    thread_local Scratch s;
    return s;
  }
  static float* take(std::vector<float>& v, int64_t n) {
    if ((int64_t)v.size() < n) v.resize((size_t)n);
    return v.data();
  }
};

inline int64_t round16(int64_t n) { return (n + 15) / 16 * 16; }

/** dst[r·hd + i] = mul·src[row r][i] for the task's rows of queries [t0, t1). */
template <class VT>
static void gather_rows(float* dst, const float* src, const Task& tk, int64_t t0, int64_t t1, float mul) {
  constexpr int W = VT::W;
  const int64_t hd = tk.a.hd;
  const auto vm = VT::set1(mul);
  for (int64_t t = t0; t < t1; t++)
    for (int64_t g = 0; g < tk.G; g++) {
      const float* s = src + tk.q_row(t, g);
      float* d = dst + ((t - t0) * tk.G + g) * hd;
      for (int64_t i = 0; i < hd; i += W) {
        auto m = VT::mask(hd - i);
        VT::store(d + i, VT::mul(VT::load(s + i, m), vm), m);
      }
    }
}

/** dst[i·ld + r] = mul·src[row r][i]: the transposed copy. */
static void gather_cols(float* dst, int64_t ld, const float* src, const Task& tk, int64_t t0, int64_t t1, float mul) {
  const int64_t hd = tk.a.hd;
  for (int64_t t = t0; t < t1; t++)
    for (int64_t g = 0; g < tk.G; g++) {
      const float* s = src + tk.q_row(t, g);
      const int64_t r = (t - t0) * tk.G + g;
      for (int64_t i = 0; i < hd; i++) dst[i * ld + r] = mul * s[i];
    }
}

/** S[r·lds + j] = Σ_i A[r·lda + i]·Kr[j·ldk + i]: scores as dot products, for a few query rows. */
template <class VT>
static void scores_dot(float* S, int64_t lds, const float* A, int64_t lda, int64_t R, const float* Kr, int64_t ldk,
                       int64_t nk, int64_t hd) {
  constexpr int W = VT::W;
  for (int64_t j = 0; j < nk; j++) {
    const float* kj = Kr + j * ldk;
    for (int64_t r = 0; r < R; r++) {
      const float* ar = A + r * lda;
      auto acc = VT::zero();
      for (int64_t i = 0; i < hd; i += W) {
        auto m = VT::mask(hd - i);
        acc = VT::fma(VT::load(ar + i, m), VT::load(kj + i, m), acc);
      }
      S[r * lds + j] = VT::hsum(acc);
    }
  }
}

template <class VT>
static void scale_row(float* x, int64_t n, float s) {
  constexpr int W = VT::W;
  const auto vs = VT::set1(s);
  for (int64_t i = 0; i < n; i += W) {
    auto m = VT::mask(n - i);
    VT::store(x + i, VT::mul(VT::load(x + i, m), vs), m);
  }
}

/** out rows = o rows / l, lse = m·unit + log l (unit ln 2 when m is in base 2). */
template <class VT>
static void finish_rows(float* out, float* lse, const float* o, const float* m, const float* l, const Task& tk,
                        int64_t t0, int64_t R, float unit) {
  constexpr int W = VT::W;
  const int64_t hd = tk.a.hd;
  for (int64_t r = 0; r < R; r++) {
    const int64_t t = t0 + r / tk.G, g = r % tk.G;
    float* dst = out + tk.q_row(t, g);
    const auto inv = VT::set1(1.0f / l[r]);
    for (int64_t i = 0; i < hd; i += W) {
      auto mk = VT::mask(hd - i);
      VT::store(dst + i, VT::mul(VT::load(o + r * hd + i, mk), inv), mk);
    }
    if (lse) lse[tk.lse_at(t, g)] = m[r] * unit + std::log(l[r]);
  }
}

}  // namespace
}  // namespace llamats::simd
