#include "kernels/vec/avx512.h"
#include "loss.h"
#include "simd.h"

namespace llamats::avx512 {

void cross_entropy_forward(float* losses, float* lse, const float* logits, const int32_t* targets, int64_t rows,
                           int64_t V, int64_t ignore_index) {
  simd::cross_entropy_forward<Vec>(losses, lse, logits, targets, rows, V, ignore_index);
}
void cross_entropy_backward(float* dlogits, const float* logits, const float* lse, const int32_t* targets,
                            const float* dloss, int64_t rows, int64_t V, int64_t ignore_index) {
  simd::cross_entropy_backward<Vec>(dlogits, logits, lse, targets, dloss, rows, V, ignore_index);
}

}  // namespace llamats::avx512
