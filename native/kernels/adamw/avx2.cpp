#include "adamw.h"
#include "kernels/vec/avx2.h"
#include "simd.h"

namespace llamats::avx2 {

void adamw(float* param, const float* grad, float* m, float* v, int64_t n, double lr, double beta1, double beta2,
           double eps, double weight_decay, double bc1, double bc2) {
  simd::adamw<Vec>(param, grad, m, v, n, lr, beta1, beta2, eps, weight_decay, bc1, bc2);
}

}  // namespace llamats::avx2
