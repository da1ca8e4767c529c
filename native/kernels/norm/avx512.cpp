#include "kernels/vec/avx512.h"
#include "norm.h"
#include "simd.h"

namespace llamats::avx512 {

void rmsnorm_forward(float* out, float* rstd, const float* x, const float* w, int64_t rows, int64_t C, float eps) {
  simd::rmsnorm_forward<Vec>(out, rstd, x, w, rows, C, eps);
}
void rmsnorm_backward_dx(float* dx, const float* dout, const float* x, const float* w, const float* rstd, int64_t rows,
                         int64_t C) {
  simd::rmsnorm_backward_dx<Vec>(dx, dout, x, w, rstd, rows, C);
}
void rmsnorm_backward_dw(float* dw, const float* dout, const float* x, const float* rstd, int64_t N, int64_t C,
                         int64_t c0, int64_t c1) {
  simd::rmsnorm_backward_dw<Vec>(dw, dout, x, rstd, N, C, c0, c1);
}

}  // namespace llamats::avx512
