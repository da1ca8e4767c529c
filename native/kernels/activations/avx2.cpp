#include "activations.h"
#include "kernels/vec/avx2.h"
#include "simd.h"

namespace llamats::avx2 {

void swiglu_forward(float* out, const float* gate, const float* up, int64_t n) { simd::swiglu_forward<Vec>(out, gate, up, n); }
void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, int64_t n) {
  simd::swiglu_backward<Vec>(dgate, dup, dout, gate, up, n);
}

}  // namespace llamats::avx2
