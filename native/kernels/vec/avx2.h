// AVX2 + FMA vector traits (see avx512.h for the contract); include only from files compiled with -mavx2 -mfma.
#pragma once
// GCC 12 warns "__Y may be used uninitialized" inside its own AVX-512 intrinsics (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

namespace llamats::avx2 {

struct Vec {
  using V = __m256;
  using M = __m256i;
  static constexpr int W = 8;
  /** Vector registers, and the widest register tile (in vectors) of the small GEMMs in kernels/attention/tile_gemm.h. */
  static constexpr int kRegisters = 16, kTileVecs = 3;

  static inline V zero() { return _mm256_setzero_ps(); }
  static inline V set1(float x) { return _mm256_set1_ps(x); }
  static inline M mask(int64_t n) {
    int k = n >= 8 ? 8 : n > 0 ? (int)n : 0;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static inline V load(const float* p) { return _mm256_loadu_ps(p); }
  static inline V load(const float* p, M m) { return _mm256_maskload_ps(p, m); }
  static inline V load_or(const float* p, M m, float fill) {
    return _mm256_blendv_ps(_mm256_set1_ps(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
  }
  static inline void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static inline void store(float* p, V v, M m) { _mm256_maskstore_ps(p, m, v); }
  static inline V add(V a, V b) { return _mm256_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm256_div_ps(a, b); }
  static inline V sqrt(V a) { return _mm256_sqrt_ps(a); }
  static inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static inline V max(V a, V b) { return _mm256_max_ps(a, b); }
  static inline V min(V a, V b) { return _mm256_min_ps(a, b); }
  static inline float hsum(V v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  static inline float hmax(V v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  static inline __m256d lo_pd(V v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  static inline __m256d hi_pd(V v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }

  /**
   * expf, the Cephes polynomial of avx512.h; 2ⁿ is built in the exponent bits, so inputs are clamped to
   * [−87, 88.38] and results below e^−87 are set to 0 (so exp(−inf) = 0, and no subnormal ever comes out:
   * see avx512.h). NaN propagates.
   */
  static inline V exp(V x) {
    const V lo = _mm256_set1_ps(-87.0f);
    V underflow = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_max_ps(lo, x);
    x = _mm256_min_ps(_mm256_set1_ps(88.3762626647949f), x);
    V n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    V p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
  }

  /** 2^x with the polynomial of avx512.h; results below 2^−125 are set to 0 (so 2^−inf = 0, no subnormals). */
  static inline V exp2(V x) {
    const V lo = _mm256_set1_ps(-125.0f);
    V underflow = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_max_ps(lo, x);
    x = _mm256_min_ps(_mm256_set1_ps(127.49f), x);
    V n = _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V f = _mm256_sub_ps(x, n);
    V p = _mm256_set1_ps(1.3276323e-3f);
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(9.6754972e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(5.5507135e-2f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(2.4022120e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(6.9314694e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0000001f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
  }
};

}  // namespace llamats::avx2
