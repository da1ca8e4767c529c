// FlashAttention-2 (Dao 2023, Algorithms 1 and 2) on SIMD vectors, generic over the traits of
// kernels/vec/{avx2,avx512}.h. A block of query rows (query positions × the H/KVH heads sharing one kv head,
// so each key is loaded once for the group) walks 64-key blocks up to its causal limit, starting at the first
// position of its documents; scores never exceed one 64-key block, never a T×S matrix.
//  - forward: S = (scale·Q)·Kᵀ, online softmax (running max m and sum l; O rescaled by exp(m_old − m_new)),
//    O += P·V; out = O/l, lse = m + log l.
//  - backward: P = exp(S − lse); dV += Pᵀ·dO; dP = dO·Vᵀ; dS = P ⊙ (dP − D) with D = rowsum(dO ⊙ O);
//    dQ += scale·dS·K; dK += dSᵀ·(scale·Q). One task owns dK, dV of its kv head: no races, no atomics.
// Two forms of the same loops:
//  - column form (≥ 16 query rows: training, prefill): the block holds Sᵀ = K·Qᵀ, keys as rows and query rows
//    as columns. K and V are GEMM operands as they lie in memory (only Q and dO are transposed, once per query
//    block), and the softmax statistics are vectors over query rows: no horizontal reductions.
//  - row form (decoding): S = Q·Kᵀ by dot products, one row softmax per query row.
#pragma once
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "kernels/attention/attention.h"
#include "kernels/attention/blocks.h"
#include "kernels/attention/tile_gemm.h"
#include "kernels/softmax/simd.h"

namespace llamats::simd {
// Internal linkage for everything here: this header is compiled once per instruction set, and non-template
// helpers with one name but different code in each would break the one-definition rule.
namespace {

// ---- forward ---------------------------------------------------------------------------------------------

/** Row form, for a handful of query rows (decoding). */
template <class VT>
static void forward_rows(float* out, float* lse, const float* q, const float* k, const float* v, const Task& tk,
                         int64_t qb, int64_t qe) {
  const AttentionArgs& a = tk.a;
  const int64_t hd = a.hd, R = (qe - qb) * tk.G;
  Scratch& sc = Scratch::get();
  float* qs = Scratch::take(sc.q, R * hd);
  float* o = Scratch::take(sc.o, R * hd);
  float* S = Scratch::take(sc.s, R * kKeyBlock);
  float* m = Scratch::take(sc.m, R);
  float* l = Scratch::take(sc.l, R);
  gather_rows<VT>(qs, q, tk, qb, qe, a.scale);
  std::fill(o, o + R * hd, 0.0f);
  std::fill(m, m + R, -INFINITY);
  std::fill(l, l + R, 0.0f);
  const int64_t s_end = tk.past + qe;
  for (int64_t s0 = tk.key_begin(qb, qe); s0 < s_end; s0 += kKeyBlock) {
    const int64_t nk = std::min(kKeyBlock, s_end - s0);
    scores_dot<VT>(S, kKeyBlock, qs, hd, R, tk.kv(k, s0), tk.ldkv, nk, hd);
    if (tk.needs_mask(qb, qe, s0, nk)) tk.mask_rows(S, R, qb, s0, nk);
    for (int64_t r = 0; r < R; r++) {
      float* sr = S + r * kKeyBlock;
      const float m_new = std::max(m[r], row_max<VT>(sr, nk));
      if (m_new == -INFINITY) {  // every key so far hidden from this row
        std::fill(sr, sr + nk, 0.0f);
        continue;
      }
      const float alpha = std::exp(m[r] - m_new);
      l[r] = l[r] * alpha + row_sum_exp<VT>(sr, sr, m_new, nk);  // P overwrites S
      m[r] = m_new;
      if (alpha != 1.0f) scale_row<VT>(o + r * hd, hd, alpha);
    }
    gemm<VT>(o, hd, S, kKeyBlock, 1, tk.kv(v, s0), tk.ldkv, R, hd, nk, true);
  }
  finish_rows<VT>(out, lse, o, m, l, tk, qb, R, 1.0f);
}

/** Column form: St = K·Qᵀ in base 2 (Q scaled by scale·log2 e), statistics as vectors over query rows. */
template <class VT>
static void forward_cols(float* out, float* lse, const float* q, const float* k, const float* v, const Task& tk,
                         int64_t qb, int64_t qe) {
  constexpr int W = VT::W;
  const AttentionArgs& a = tk.a;
  const int64_t hd = a.hd, R = (qe - qb) * tk.G, ld = round16(R);
  Scratch& sc = Scratch::get();
  float* qt = Scratch::take(sc.qt, hd * ld);
  float* o = Scratch::take(sc.o, R * hd);
  float* St = Scratch::take(sc.s, kKeyBlock * ld);
  float* m = Scratch::take(sc.m, ld);
  float* l = Scratch::take(sc.l, ld);
  float* al = Scratch::take(sc.alpha, ld);
  gather_cols(qt, ld, q, tk, qb, qe, a.scale * kLog2e);
  std::fill(o, o + R * hd, 0.0f);
  std::fill(m, m + ld, -INFINITY);
  std::fill(l, l + ld, 0.0f);
  const auto lowest = VT::set1(-FLT_MAX);
  const int64_t s_end = tk.past + qe;
  for (int64_t s0 = tk.key_begin(qb, qe); s0 < s_end; s0 += kKeyBlock) {
    const int64_t nk = std::min(kKeyBlock, s_end - s0);
    gemm<VT>(St, ld, tk.kv(k, s0), tk.ldkv, 1, qt, ld, nk, R, hd, false);
    if (tk.needs_mask(qb, qe, s0, nk)) tk.mask_cols(St, ld, R, qb, s0, nk);
    for (int64_t r0 = 0; r0 < R; r0 += W) {  // lanes ≥ R hold stale values; lanes never mix
      auto mb = VT::set1(-INFINITY);
      for (int64_t j = 0; j < nk; j++) mb = VT::max(mb, VT::load(St + j * ld + r0));
      const auto m_old = VT::load(m + r0), m_new = VT::max(m_old, mb);
      const auto shift = VT::max(m_new, lowest);  // −inf (nothing visible yet) → −FLT_MAX: exp gives 0, not NaN
      const auto alpha = VT::exp2(VT::sub(m_old, shift));
      auto sum = VT::zero();
      for (int64_t j = 0; j < nk; j++) {
        const auto p = VT::exp2(VT::sub(VT::load(St + j * ld + r0), shift));
        VT::store(St + j * ld + r0, p);
        sum = VT::add(sum, p);
      }
      VT::store(l + r0, VT::fma(VT::load(l + r0), alpha, sum));
      VT::store(m + r0, m_new);
      VT::store(al + r0, alpha);
    }
    for (int64_t r = 0; r < R; r++)
      if (al[r] != 1.0f) scale_row<VT>(o + r * hd, hd, al[r]);
    gemm<VT>(o, hd, St, 1, ld, tk.kv(v, s0), tk.ldkv, R, hd, nk, true);
  }
  finish_rows<VT>(out, lse, o, m, l, tk, qb, R, kLn2);
}

template <class VT>
void attention_forward(float* out, float* lse, const float* q, const float* k, const float* v, const AttentionArgs& a,
                       int64_t b, int64_t kvh, int64_t t0, int64_t t1) {
  const FlushSubnormals ftz;
  const Task tk{a, b, kvh};
  const int64_t Bq = attention_query_block(tk.G);
  for (int64_t qb = t0; qb < t1; qb += Bq) {
    const int64_t qe = std::min(qb + Bq, t1);
    if ((qe - qb) * tk.G < kColumnFormRows) forward_rows<VT>(out, lse, q, k, v, tk, qb, qe);
    else forward_cols<VT>(out, lse, q, k, v, tk, qb, qe);
  }
}

// ---- backward --------------------------------------------------------------------------------------------

/** D[r] = dO_r · O_r, L[r] = lse of row r (zero in the padding lanes up to ld). */
template <class VT>
static void backward_stats(float* D, float* L, int64_t ld, const float* dos, const float* out, const float* lse,
                           const Task& tk, int64_t qb, int64_t R) {
  constexpr int W = VT::W;
  const int64_t hd = tk.a.hd;
  for (int64_t r = 0; r < R; r++) {
    const int64_t t = qb + r / tk.G, g = r % tk.G;
    const float* orow = out + tk.q_row(t, g);
    auto acc = VT::zero();
    for (int64_t i = 0; i < hd; i += W) {
      auto mk = VT::mask(hd - i);
      acc = VT::fma(VT::load(dos + r * hd + i, mk), VT::load(orow + i, mk), acc);
    }
    D[r] = VT::hsum(acc);
    L[r] = lse[tk.lse_at(t, g)];
  }
  std::fill(D + R, D + ld, 0.0f);
  std::fill(L + R, L + ld, 0.0f);
}

/**
 * dS = P ⊙ (dP − D) in place over dP, P = exp(S − L) in place over S; row form (rows of kKeyBlock). dk, dv are
 * the task's dense [S, hd] accumulators.
 */
template <class VT>
static void backward_block_rows(const Task& tk, int64_t qb, int64_t qe, int64_t s0, int64_t nk, float* P, float* dS,
                                const float* qs, const float* dos, const float* D, const float* L, float* dqa,
                                float* dk, float* dv, const float* k, const float* v) {
  constexpr int W = VT::W;
  const int64_t hd = tk.a.hd, R = (qe - qb) * tk.G;
  scores_dot<VT>(P, kKeyBlock, qs, hd, R, tk.kv(k, s0), tk.ldkv, nk, hd);
  if (tk.needs_mask(qb, qe, s0, nk)) tk.mask_rows(P, R, qb, s0, nk);
  scores_dot<VT>(dS, kKeyBlock, dos, hd, R, tk.kv(v, s0), tk.ldkv, nk, hd);
  for (int64_t r = 0; r < R; r++) {
    float *pr = P + r * kKeyBlock, *dr = dS + r * kKeyBlock;
    const auto vl = VT::set1(L[r]), vd = VT::set1(D[r]);
    for (int64_t j = 0; j < nk; j += W) {
      auto mk = VT::mask(nk - j);
      const auto p = VT::exp(VT::sub(VT::load(pr + j, mk), vl));  // masked scores give exactly 0
      VT::store(pr + j, p, mk);
      VT::store(dr + j, VT::mul(p, VT::sub(VT::load(dr + j, mk), vd)), mk);
    }
  }
  gemm<VT>(dv + s0 * hd, hd, P, 1, kKeyBlock, dos, hd, nk, hd, R, true);        // dV += Pᵀ·dO
  gemm<VT>(dqa, hd, dS, kKeyBlock, 1, tk.kv(k, s0), tk.ldkv, R, hd, nk, true);  // dQ += dS·K
  gemm<VT>(dk + s0 * hd, hd, dS, 1, kKeyBlock, qs, hd, nk, hd, R, true);        // dK += dSᵀ·(scale·Q)
}

/** The same in column form: Pt = 2^(K·Qᵀ − L) (qt and L in base 2), dSt = Pt ⊙ (V·dOᵀ − D), rows of ld. */
template <class VT>
static void backward_block_cols(const Task& tk, int64_t qb, int64_t qe, int64_t s0, int64_t nk, int64_t ld, float* Pt,
                                float* dSt, const float* qs, const float* qt, const float* dos, const float* dot,
                                const float* D, const float* L, float* dqa, float* dk, float* dv, const float* k,
                                const float* v) {
  constexpr int W = VT::W;
  const int64_t hd = tk.a.hd, R = (qe - qb) * tk.G;
  gemm<VT>(Pt, ld, tk.kv(k, s0), tk.ldkv, 1, qt, ld, nk, R, hd, false);
  if (tk.needs_mask(qb, qe, s0, nk)) tk.mask_cols(Pt, ld, R, qb, s0, nk);
  gemm<VT>(dSt, ld, tk.kv(v, s0), tk.ldkv, 1, dot, ld, nk, R, hd, false);
  for (int64_t r0 = 0; r0 < R; r0 += W) {
    const auto vl = VT::load(L + r0), vd = VT::load(D + r0);
    for (int64_t j = 0; j < nk; j++) {
      const auto p = VT::exp2(VT::sub(VT::load(Pt + j * ld + r0), vl));
      VT::store(Pt + j * ld + r0, p);
      VT::store(dSt + j * ld + r0, VT::mul(p, VT::sub(VT::load(dSt + j * ld + r0), vd)));
    }
  }
  gemm<VT>(dv + s0 * hd, hd, Pt, ld, 1, dos, hd, nk, hd, R, true);        // dV += Pᵀ·dO
  gemm<VT>(dqa, hd, dSt, 1, ld, tk.kv(k, s0), tk.ldkv, R, hd, nk, true);  // dQ += dS·K
  gemm<VT>(dk + s0 * hd, hd, dSt, ld, 1, qs, hd, nk, hd, R, true);        // dK += dSᵀ·(scale·Q)
}

template <class VT>
void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* q, const float* k,
                        const float* v, const float* out, const float* lse, const AttentionArgs& a, int64_t b,
                        int64_t kvh) {
  const FlushSubnormals ftz;
  const Task tk{a, b, kvh};
  const int64_t hd = a.hd, G = tk.G, T = a.T, Bq = attention_query_block(G);
  Scratch& sc = Scratch::get();
  // dK, dV of this kv head accumulate in dense scratch (L2-resident), written out once at the end.
  float* dka = Scratch::take(sc.dk, a.S * hd);
  float* dva = Scratch::take(sc.dv, a.S * hd);
  std::fill(dka, dka + a.S * hd, 0.0f);
  std::fill(dva, dva + a.S * hd, 0.0f);
  for (int64_t qb = 0; qb < T; qb += Bq) {
    const int64_t qe = std::min(qb + Bq, T), R = (qe - qb) * G, ld = round16(R);
    const bool cols = R >= kColumnFormRows;
    const int64_t block = cols ? kKeyBlock * ld : R * kKeyBlock;
    float* qs = Scratch::take(sc.q, R * hd);
    float* dos = Scratch::take(sc.dout, R * hd);
    float* dqa = Scratch::take(sc.dq, R * hd);
    float* P = Scratch::take(sc.s, block);
    float* dS = Scratch::take(sc.ds, block);
    float* D = Scratch::take(sc.d, ld);
    float* L = Scratch::take(sc.l, ld);
    float* qt = cols ? Scratch::take(sc.qt, hd * ld) : nullptr;
    float* dot = cols ? Scratch::take(sc.doutt, hd * ld) : nullptr;
    gather_rows<VT>(qs, q, tk, qb, qe, a.scale);
    gather_rows<VT>(dos, dout, tk, qb, qe, 1.0f);
    if (cols) {
      gather_cols(qt, ld, q, tk, qb, qe, a.scale * kLog2e);
      gather_cols(dot, ld, dout, tk, qb, qe, 1.0f);
    }
    backward_stats<VT>(D, L, ld, dos, out, lse, tk, qb, R);
    if (cols)
      for (int64_t r = 0; r < R; r++) L[r] *= kLog2e;
    std::fill(dqa, dqa + R * hd, 0.0f);
    const int64_t s_end = tk.past + qe;
    for (int64_t s0 = tk.key_begin(qb, qe); s0 < s_end; s0 += kKeyBlock) {
      const int64_t nk = std::min(kKeyBlock, s_end - s0);
      if (cols) backward_block_cols<VT>(tk, qb, qe, s0, nk, ld, P, dS, qs, qt, dos, dot, D, L, dqa, dka, dva, k, v);
      else backward_block_rows<VT>(tk, qb, qe, s0, nk, P, dS, qs, dos, D, L, dqa, dka, dva, k, v);
    }
    for (int64_t r = 0; r < R; r++) {
      float* dst = dq + tk.q_row(qb + r / G, r % G);
      std::copy(dqa + r * hd, dqa + (r + 1) * hd, dst);
      scale_row<VT>(dst, hd, a.scale);
    }
  }
  for (int64_t s = 0; s < a.S; s++) {
    std::copy(dka + s * hd, dka + (s + 1) * hd, tk.dkv(dk, s));
    std::copy(dva + s * hd, dva + (s + 1) * hd, tk.dkv(dv, s));
  }
}

}  // namespace
}  // namespace llamats::simd
