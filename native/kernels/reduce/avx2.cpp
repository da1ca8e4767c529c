#include "kernels/vec/avx2.h"
#include "reduce.h"

namespace llamats::avx2 {

template <bool Square>
static double reduce(const float* x, int64_t n) {
  __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
  for (int64_t i = 0; i < n; i += 8) {
    __m256 v = Vec::load(x + i, Vec::mask(n - i));
    __m256d lo = Vec::lo_pd(v), hi = Vec::hi_pd(v);
    if (Square) {
      a0 = _mm256_fmadd_pd(lo, lo, a0);
      a1 = _mm256_fmadd_pd(hi, hi, a1);
    } else {
      a0 = _mm256_add_pd(a0, lo);
      a1 = _mm256_add_pd(a1, hi);
    }
  }
  __m256d s = _mm256_add_pd(a0, a1);
  __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  return _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
}

double sum(const float* x, int64_t n) { return reduce<false>(x, n); }
double sum_squares(const float* x, int64_t n) { return reduce<true>(x, n); }

}  // namespace llamats::avx2
