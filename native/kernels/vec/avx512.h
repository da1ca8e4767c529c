// AVX-512 vector traits shared by the avx512.cpp kernels (include only from files compiled with -mavx512f):
// loads and stores with tail masks, horizontal reductions and a vectorised expf. Generic kernels are templates
// over a traits struct (this one or avx2.h's), so each instantiation lives in its own ISA namespace.
#pragma once
// GCC 12 warns "__Y may be used uninitialized" inside its own AVX-512 intrinsics (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

namespace llamats::avx512 {

struct Vec {
  using V = __m512;
  using M = __mmask16;
  static constexpr int W = 16;
  /** Vector registers, and the widest register tile (in vectors) of the small GEMMs in kernels/attention/tile_gemm.h. */
  static constexpr int kRegisters = 32, kTileVecs = 4;

  static inline V zero() { return _mm512_setzero_ps(); }
  static inline V set1(float x) { return _mm512_set1_ps(x); }
  static inline M mask(int64_t n) { return n >= 16 ? (M)0xFFFF : (M)((1u << (n > 0 ? n : 0)) - 1); }
  static inline V load(const float* p) { return _mm512_loadu_ps(p); }
  static inline V load(const float* p, M m) { return _mm512_maskz_loadu_ps(m, p); }
  /** Masked load with `fill` in the lanes outside the mask. */
  static inline V load_or(const float* p, M m, float fill) { return _mm512_mask_loadu_ps(_mm512_set1_ps(fill), m, p); }
  static inline void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static inline void store(float* p, V v, M m) { _mm512_mask_storeu_ps(p, m, v); }
  static inline V add(V a, V b) { return _mm512_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm512_div_ps(a, b); }
  static inline V sqrt(V a) { return _mm512_sqrt_ps(a); }
  /** a·b + c (one rounding). */
  static inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  /** Maximum; NaN in `b` propagates. */
  static inline V max(V a, V b) { return _mm512_max_ps(a, b); }
  static inline V min(V a, V b) { return _mm512_min_ps(a, b); }
  static inline float hsum(V v) { return _mm512_reduce_add_ps(v); }
  static inline float hmax(V v) { return _mm512_reduce_max_ps(v); }
  /** Widens the low / high 8 lanes to double (for float64 accumulation). */
  static inline __m512d lo_pd(V v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static inline __m512d hi_pd(V v) { return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))); }

  /**
   * expf, Cephes polynomial (cephes/single/expf.c): x = n·ln2 + r, |r| ≤ ln2/2, exp(r) by a degree-7 polynomial,
   * then scalef multiplies by 2ⁿ (+inf above 88.7). About 1 ulp. Below −87 (where e^x nears the smallest normal
   * float) the result is exactly 0 by a mask: letting scalef underflow through subnormals costs a microcode
   * assist of ~100 cycles per vector on Intel cores, and masked attention scores (−inf) would hit it constantly.
   * NaN propagates.
   */
  static inline V exp(V x) {
    const __mmask16 live = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_NLT_UQ);
    x = _mm512_max_ps(_mm512_set1_ps(-87.0f), x);
    x = _mm512_min_ps(_mm512_set1_ps(89.0f), x);
    V n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    V p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_maskz_scalef_ps(live, p, n);
  }

  /**
   * 2^x: n = round(x), 2^(x−n) by a degree-5 minimax polynomial on [−½, ½] (relative error ≤ 2.1e-7, fitted for
   * this file), scaled by 2ⁿ with scalef. Cheaper than exp (no two-constant range reduction, one degree less):
   * the attention softmax works in base 2 with log2(e) folded into its scale.
   */
  static inline V exp2(V x) {
    const __mmask16 live = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-125.0f), _CMP_NLT_UQ);  // below: 0, see exp
    x = _mm512_max_ps(_mm512_set1_ps(-125.0f), x);
    x = _mm512_min_ps(_mm512_set1_ps(128.5f), x);
    V n = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V f = _mm512_sub_ps(x, n);
    V p = _mm512_set1_ps(1.3276323e-3f);
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.6754972e-3f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.5507135e-2f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(2.4022120e-1f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(6.9314694e-1f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0000001f));
    return _mm512_maskz_scalef_ps(live, p, n);
  }
};

}  // namespace llamats::avx512
