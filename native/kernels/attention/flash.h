// FlashAttention-2 (Dao 2023, Algorithms 1 and 2) on SIMD vectors, generic over the traits of
// kernels/vec/{avx2,avx512}.h. A block of query rows (query positions × the H/KVH heads sharing one kv head,
// so the keys are loaded once for the group) walks the key blocks up to its causal limit, skipping keys before
// the first position of its documents; scores live in a 64-key block, never a T×S matrix.
//  - forward: S = (scale·Q)·Kᵀ, online softmax (running max m, sum l; O rescaled by exp(m_old − m_new)),
//    O += P·V; out = O/l, lse = m + log l.
//  - backward: P = exp(S − lse); dV += Pᵀ·dO; dP = dO·Vᵀ; dS = P ⊙ (dP − D) with D = rowsum(dO ⊙ O);
//    dQ += scale·dS·K; dK += dSᵀ·(scale·Q). One task owns dK, dV of its kv head: no races, no atomics.
// The products are small GEMMs on a register tile (broadcast A, FMA against rows of B). Qᵀ·K wants K
// transposed; each task transposes the keys it reads once into thread-local scratch. With fewer than 4 query
// rows (decoding) the scores are plain dot products instead, and nothing is transposed.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/attention/attention.h"
#include "kernels/softmax/simd.h"

namespace llamats::simd {
// Internal linkage for everything here: this header is compiled once per instruction set, and non-template
// helpers with one name but different code in each would break the one-definition rule.
namespace {

constexpr int64_t kKeyBlock = 64;

// ---- small GEMM: C[i·ldc + j] (+)= Σ_k A[i·lda + k·ak] · B[k·ldb + j] ------------------------------------

template <class VT, int RT, int NV>
static inline void gemm_tile(float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B, int64_t ldb,
                             int64_t K, int64_t ncols, bool acc) {
  using V = typename VT::V;
  constexpr int W = VT::W;
  const auto last = VT::mask(ncols - (NV - 1) * W);
  V c[RT][NV];
  for (int r = 0; r < RT; r++)
    for (int v = 0; v < NV; v++)
      c[r][v] = !acc ? VT::zero() : v == NV - 1 ? VT::load(C + r * ldc + v * W, last) : VT::load(C + r * ldc + v * W);
  for (int64_t k = 0; k < K; k++) {
    const float* bk = B + k * ldb;
    V bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = v == NV - 1 ? VT::load(bk + v * W, last) : VT::load(bk + v * W);
    const float* a = A + k * ak;
    for (int r = 0; r < RT; r++) {
      V ar = VT::set1(a[r * lda]);
      for (int v = 0; v < NV; v++) c[r][v] = VT::fma(ar, bv[v], c[r][v]);
    }
  }
  for (int r = 0; r < RT; r++)
    for (int v = 0; v < NV; v++) {
      if (v == NV - 1) VT::store(C + r * ldc + v * W, c[r][v], last);
      else VT::store(C + r * ldc + v * W, c[r][v]);
    }
}

template <class VT, int RT, int NV>
static inline void gemm_tile_nv(int nv, float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B,
                                int64_t ldb, int64_t K, int64_t ncols, bool acc) {
  if constexpr (NV > 1) {
    if (nv < NV) return gemm_tile_nv<VT, RT, NV - 1>(nv, C, ldc, A, lda, ak, B, ldb, K, ncols, acc);
  }
  gemm_tile<VT, RT, NV>(C, ldc, A, lda, ak, B, ldb, K, ncols, acc);
}

template <class VT, int RT>
static inline void gemm_tile_rt(int rt, int nv, float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak,
                                const float* B, int64_t ldb, int64_t K, int64_t ncols, bool acc) {
  if constexpr (RT > 1) {
    if (rt < RT) return gemm_tile_rt<VT, RT - 1>(rt, nv, C, ldc, A, lda, ak, B, ldb, K, ncols, acc);
  }
  gemm_tile_nv<VT, RT, VT::kTileVecs>(nv, C, ldc, A, lda, ak, B, ldb, K, ncols, acc);
}

template <class VT>
static void gemm(float* C, int64_t ldc, const float* A, int64_t lda, int64_t ak, const float* B, int64_t ldb, int64_t M,
                 int64_t N, int64_t K, bool acc) {
  constexpr int W = VT::W, RT = VT::kTileRows, NVMAX = VT::kTileVecs;
  for (int64_t j0 = 0; j0 < N; j0 += NVMAX * W) {
    const int64_t ncols = std::min<int64_t>(N - j0, NVMAX * W);
    const int nv = (int)((ncols + W - 1) / W);
    for (int64_t i0 = 0; i0 < M; i0 += RT) {
      const int rt = (int)std::min<int64_t>(RT, M - i0);
      gemm_tile_rt<VT, RT>(rt, nv, C + i0 * ldc + j0, ldc, A + i0 * lda, lda, ak, B + j0, ldb, K, ncols, acc);
    }
  }
}

// ---- pieces of the attention loops -------------------------------------------------------------------------

/** S[r·lds + j] = Σ_d A[r·lda + d]·Kr[j·ldk + d]: scores as dot products, for a handful of query rows. */
template <class VT>
static void scores_dot(float* S, int64_t lds, const float* A, int64_t lda, int64_t R, const float* Kr, int64_t ldk,
                       int64_t nk, int64_t hd) {
  constexpr int W = VT::W;
  for (int64_t j = 0; j < nk; j++) {
    const float* kj = Kr + j * ldk;
    for (int64_t r = 0; r < R; r++) {
      const float* ar = A + r * lda;
      auto acc = VT::zero();
      for (int64_t d = 0; d < hd; d += W) {
        auto m = VT::mask(hd - d);
        acc = VT::fma(VT::load(ar + d, m), VT::load(kj + d, m), acc);
      }
      S[r * lds + j] = VT::hsum(acc);
    }
  }
}

/** Copies keys [s0, s1) of one kv head (rows ldk apart) into dst[d·ld + (s − s0)]. */
static inline void transpose_keys(float* dst, int64_t ld, const float* src, int64_t ldk, int64_t n, int64_t hd) {
  for (int64_t s = 0; s < n; s++)
    for (int64_t d = 0; d < hd; d++) dst[d * ld + s] = src[s * ldk + d];
}

/** The layout of one task: kv head kvh of sequence b, its G query heads, rows r = (t − t0)·G + g. */
struct Task {
  const AttentionArgs& a;
  int64_t b, kvh;
  int64_t G = a.H / a.KVH, past = a.S - a.T, ldkv = a.KVH * a.hd;
  int64_t q_row(int64_t t, int64_t g) const { return ((b * a.T + t) * a.H + kvh * G + g) * a.hd; }
  const float* kv(const float* base, int64_t s) const { return base + b * a.kv_stride + s * ldkv + kvh * a.hd; }
  float* dkv(float* base, int64_t s) const { return base + ((b * a.S + s) * a.KVH + kvh) * a.hd; }
  /** First key any query in [t0, t1) may attend: 0, or the earliest start of their documents. */
  int64_t key_begin(int64_t t0, int64_t t1) const {
    if (!a.first) return 0;
    int64_t lo = past + t0;
    for (int64_t t = t0; t < t1; t++) lo = std::min<int64_t>(lo, a.first[b * a.S + past + t]);
    return lo;
  }
  /** −inf for the scores of keys [s0, s0 + nk) that rows of queries t0… may not attend. */
  void mask(float* S, int64_t R, int64_t t0, int64_t s0, int64_t nk) const {
    const int32_t* seg = a.seg ? a.seg + b * a.S : nullptr;
    for (int64_t r = 0; r < R; r++) {
      const int64_t p = past + t0 + r / G;
      float* sr = S + r * kKeyBlock;
      for (int64_t j = std::max<int64_t>(0, p + 1 - s0); j < nk; j++) sr[j] = -INFINITY;
      if (seg)
        for (int64_t j = 0; j < std::min<int64_t>(nk, p + 1 - s0); j++)
          if (seg[s0 + j] != seg[p]) sr[j] = -INFINITY;
    }
  }
  bool needs_mask(int64_t t0, int64_t s0, int64_t nk) const { return a.seg || s0 + nk - 1 > past + t0; }
};

/** Thread-local scratch, grown on demand and reused by every task the thread runs. */
struct Scratch {
  std::vector<float> kt, vt, qs, dos, o, s, dp, dq, m, l, d;
  static Scratch& get() {
    thread_local Scratch s;
    return s;
  }
  static float* take(std::vector<float>& v, int64_t n) {
    if ((int64_t)v.size() < n) v.resize((size_t)n);
    return v.data();
  }
};

/** Copies the task's query rows [t0, t1) × G heads into dst, multiplied by `mul`. */
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

// ---- forward ---------------------------------------------------------------------------------------------

template <class VT>
void attention_forward(float* out, float* lse, const float* q, const float* k, const float* v, const AttentionArgs& a,
                       int64_t b, int64_t kvh, int64_t t0, int64_t t1) {
  constexpr int W = VT::W;
  const Task tk{a, b, kvh};
  const int64_t hd = a.hd, G = tk.G, Bq = attention_query_block(G);
  const int64_t rows_max = G * std::min<int64_t>(Bq, t1 - t0);
  const bool dot_form = rows_max < 4;
  Scratch& sc = Scratch::get();
  // Transpose every key this task reads, once.
  const int64_t kt_begin = tk.key_begin(t0, t1), kt_end = tk.past + t1;
  const int64_t ldkt = (kt_end - kt_begin + 15) / 16 * 16;
  float* kt = dot_form ? nullptr : Scratch::take(sc.kt, hd * ldkt);
  if (!dot_form) transpose_keys(kt, ldkt, tk.kv(k, kt_begin), tk.ldkv, kt_end - kt_begin, hd);
  float* qs = Scratch::take(sc.qs, rows_max * hd);
  float* o = Scratch::take(sc.o, rows_max * hd);
  float* S = Scratch::take(sc.s, rows_max * kKeyBlock);
  float* m = Scratch::take(sc.m, rows_max);
  float* l = Scratch::take(sc.l, rows_max);

  for (int64_t qb = t0; qb < t1; qb += Bq) {
    const int64_t qe = std::min(qb + Bq, t1), R = (qe - qb) * G;
    gather_rows<VT>(qs, q, tk, qb, qe, a.scale);
    std::fill(o, o + R * hd, 0.0f);
    std::fill(m, m + R, -INFINITY);
    std::fill(l, l + R, 0.0f);
    const int64_t s_end = tk.past + qe;
    for (int64_t s0 = tk.key_begin(qb, qe); s0 < s_end; s0 += kKeyBlock) {
      const int64_t nk = std::min(kKeyBlock, s_end - s0);
      if (dot_form) scores_dot<VT>(S, kKeyBlock, qs, hd, R, tk.kv(k, s0), tk.ldkv, nk, hd);
      else gemm<VT>(S, kKeyBlock, qs, hd, 1, kt + (s0 - kt_begin), ldkt, R, nk, hd, false);
      if (tk.needs_mask(qb, s0, nk)) tk.mask(S, R, qb, s0, nk);
      for (int64_t r = 0; r < R; r++) {
        float* sr = S + r * kKeyBlock;
        const float m_new = std::max(m[r], row_max<VT>(sr, nk));
        if (m_new == -INFINITY) {  // every key of this block masked for this row (and all before it)
          std::fill(sr, sr + nk, 0.0f);
          continue;
        }
        const float alpha = std::exp(m[r] - m_new);
        l[r] = l[r] * alpha + row_sum_exp<VT>(sr, sr, m_new, nk);  // P overwrites S
        m[r] = m_new;
        if (alpha != 1.0f) {
          auto va = VT::set1(alpha);
          float* orow = o + r * hd;
          for (int64_t i = 0; i < hd; i += W) {
            auto mk = VT::mask(hd - i);
            VT::store(orow + i, VT::mul(VT::load(orow + i, mk), va), mk);
          }
        }
      }
      gemm<VT>(o, hd, S, kKeyBlock, 1, tk.kv(v, s0), tk.ldkv, R, hd, nk, true);
    }
    for (int64_t r = 0; r < R; r++) {
      const int64_t t = qb + r / G, g = r % G;
      float* dst = out + tk.q_row(t, g);
      const auto inv = VT::set1(1.0f / l[r]);
      for (int64_t i = 0; i < hd; i += W) {
        auto mk = VT::mask(hd - i);
        VT::store(dst + i, VT::mul(VT::load(o + r * hd + i, mk), inv), mk);
      }
      if (lse) lse[(b * a.H + kvh * G + g) * a.T + t] = m[r] + std::log(l[r]);
    }
  }
}

// ---- backward --------------------------------------------------------------------------------------------

template <class VT>
void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* q, const float* k,
                        const float* v, const float* out, const float* lse, const AttentionArgs& a, int64_t b,
                        int64_t kvh) {
  constexpr int W = VT::W;
  const Task tk{a, b, kvh};
  const int64_t hd = a.hd, G = tk.G, T = a.T, Bq = attention_query_block(G);
  for (int64_t s = 0; s < a.S; s++) {
    std::fill(tk.dkv(dk, s), tk.dkv(dk, s) + hd, 0.0f);
    std::fill(tk.dkv(dv, s), tk.dkv(dv, s) + hd, 0.0f);
  }
  if (T == 0) return;
  const int64_t rows_max = G * std::min<int64_t>(Bq, T);
  const bool dot_form = rows_max < 4;
  Scratch& sc = Scratch::get();
  const int64_t kt_begin = tk.key_begin(0, T), kt_end = a.S;
  const int64_t ldkt = (kt_end - kt_begin + 15) / 16 * 16;
  float *kt = nullptr, *vt = nullptr;
  if (!dot_form) {
    kt = Scratch::take(sc.kt, hd * ldkt);
    vt = Scratch::take(sc.vt, hd * ldkt);
    transpose_keys(kt, ldkt, tk.kv(k, kt_begin), tk.ldkv, kt_end - kt_begin, hd);
    transpose_keys(vt, ldkt, tk.kv(v, kt_begin), tk.ldkv, kt_end - kt_begin, hd);
  }
  float* qs = Scratch::take(sc.qs, rows_max * hd);
  float* dos = Scratch::take(sc.dos, rows_max * hd);
  float* dqa = Scratch::take(sc.dq, rows_max * hd);
  float* P = Scratch::take(sc.s, rows_max * kKeyBlock);
  float* dS = Scratch::take(sc.dp, rows_max * kKeyBlock);
  float* D = Scratch::take(sc.d, rows_max);
  float* L = Scratch::take(sc.l, rows_max);

  for (int64_t qb = 0; qb < T; qb += Bq) {
    const int64_t qe = std::min(qb + Bq, T), R = (qe - qb) * G;
    gather_rows<VT>(qs, q, tk, qb, qe, a.scale);
    gather_rows<VT>(dos, dout, tk, qb, qe, 1.0f);
    std::fill(dqa, dqa + R * hd, 0.0f);
    for (int64_t r = 0; r < R; r++) {
      const int64_t t = qb + r / G, g = r % G;
      const float* orow = out + tk.q_row(t, g);
      auto acc = VT::zero();
      for (int64_t i = 0; i < hd; i += W) {
        auto mk = VT::mask(hd - i);
        acc = VT::fma(VT::load(dos + r * hd + i, mk), VT::load(orow + i, mk), acc);
      }
      D[r] = VT::hsum(acc);
      L[r] = lse[(b * a.H + kvh * G + g) * T + t];
    }
    const int64_t s_end = tk.past + qe;
    for (int64_t s0 = tk.key_begin(qb, qe); s0 < s_end; s0 += kKeyBlock) {
      const int64_t nk = std::min(kKeyBlock, s_end - s0);
      if (dot_form) scores_dot<VT>(P, kKeyBlock, qs, hd, R, tk.kv(k, s0), tk.ldkv, nk, hd);
      else gemm<VT>(P, kKeyBlock, qs, hd, 1, kt + (s0 - kt_begin), ldkt, R, nk, hd, false);
      if (tk.needs_mask(qb, s0, nk)) tk.mask(P, R, qb, s0, nk);
      for (int64_t r = 0; r < R; r++) {  // P = exp(S − lse); masked scores give exactly 0
        float* pr = P + r * kKeyBlock;
        const auto vl = VT::set1(L[r]);
        for (int64_t j = 0; j < nk; j += W) {
          auto mk = VT::mask(nk - j);
          VT::store(pr + j, VT::exp(VT::sub(VT::load(pr + j, mk), vl)), mk);
        }
      }
      // dV[s0..] += Pᵀ·dO
      gemm<VT>(tk.dkv(dv, s0), tk.ldkv, P, 1, kKeyBlock, dos, hd, nk, hd, R, true);
      // dP = dO·Vᵀ, then dS = P ⊙ (dP − D)
      if (dot_form) scores_dot<VT>(dS, kKeyBlock, dos, hd, R, tk.kv(v, s0), tk.ldkv, nk, hd);
      else gemm<VT>(dS, kKeyBlock, dos, hd, 1, vt + (s0 - kt_begin), ldkt, R, nk, hd, false);
      for (int64_t r = 0; r < R; r++) {
        float *pr = P + r * kKeyBlock, *dr = dS + r * kKeyBlock;
        const auto vd = VT::set1(D[r]);
        for (int64_t j = 0; j < nk; j += W) {
          auto mk = VT::mask(nk - j);
          VT::store(dr + j, VT::mul(VT::load(pr + j, mk), VT::sub(VT::load(dr + j, mk), vd)), mk);
        }
      }
      // dQ += dS·K (scaled when written); dK[s0..] += dSᵀ·(scale·Q)
      gemm<VT>(dqa, hd, dS, kKeyBlock, 1, tk.kv(k, s0), tk.ldkv, R, hd, nk, true);
      gemm<VT>(tk.dkv(dk, s0), tk.ldkv, dS, 1, kKeyBlock, qs, hd, nk, hd, R, true);
    }
    const auto vs = VT::set1(a.scale);
    for (int64_t r = 0; r < R; r++) {
      float* dst = dq + tk.q_row(qb + r / G, r % G);
      for (int64_t i = 0; i < hd; i += W) {
        auto mk = VT::mask(hd - i);
        VT::store(dst + i, VT::mul(VT::load(dqa + r * hd + i, mk), vs), mk);
      }
    }
  }
}

}  // namespace
}  // namespace llamats::simd
