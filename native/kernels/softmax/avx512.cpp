#include "kernels/vec/avx512.h"
#include "simd.h"
#include "softmax.h"

namespace llamats::avx512 {

void softmax_forward(float* out, const float* x, int64_t rows, int64_t C) { simd::softmax_forward<Vec>(out, x, rows, C); }
void softmax_backward(float* dx, const float* dout, const float* out, int64_t rows, int64_t C) {
  simd::softmax_backward<Vec>(dx, dout, out, rows, C);
}

}  // namespace llamats::avx512
