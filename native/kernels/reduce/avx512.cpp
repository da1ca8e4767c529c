#include "kernels/vec/avx512.h"
#include "reduce.h"

namespace llamats::avx512 {

// Two float64 accumulators per 16 floats (the low and high halves widened), combined in a fixed order.
template <bool Square>
static double reduce(const float* x, int64_t n) {
  __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
  int64_t i = 0;
  for (; i < n; i += 16) {
    __m512 v = Vec::load(x + i, Vec::mask(n - i));
    __m512d lo = Vec::lo_pd(v), hi = Vec::hi_pd(v);
    if (Square) {
      a0 = _mm512_fmadd_pd(lo, lo, a0);
      a1 = _mm512_fmadd_pd(hi, hi, a1);
    } else {
      a0 = _mm512_add_pd(a0, lo);
      a1 = _mm512_add_pd(a1, hi);
    }
  }
  return _mm512_reduce_add_pd(_mm512_add_pd(a0, a1));
}

double sum(const float* x, int64_t n) { return reduce<false>(x, n); }
double sum_squares(const float* x, int64_t n) { return reduce<true>(x, n); }

}  // namespace llamats::avx512
