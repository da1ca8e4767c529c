#include "kernels/vec/avx512.h"
#include "rope.h"
#include "simd.h"

namespace llamats::simd {
template <>
__m512 swap_pairs<avx512::Vec>(__m512 v) { return _mm512_shuffle_ps(v, v, 0xB1); }
}  // namespace llamats::simd

namespace llamats::avx512 {

void rope_row(float* out, const float* x, const double* cs, const double* sn, int64_t n_heads, int64_t head_dim,
              bool half, float sign) {
  simd::rope_row<Vec>(out, x, cs, sn, n_heads, head_dim, half, sign);
}

}  // namespace llamats::avx512
