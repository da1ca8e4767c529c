#include "attention.h"
#include "flash.h"
#include "kernels/vec/avx512.h"

namespace llamats::avx512 {

void attention_forward(float* out, float* lse, const float* q, const float* k, const float* v, const AttentionArgs& a,
                       int64_t b, int64_t kvh, int64_t t0, int64_t t1) {
  simd::attention_forward<Vec>(out, lse, q, k, v, a, b, kvh, t0, t1);
}

void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* q, const float* k,
                        const float* v, const float* out, const float* lse, const AttentionArgs& a, int64_t b,
                        int64_t kvh) {
  simd::attention_backward<Vec>(dq, dk, dv, dout, q, k, v, out, lse, a, b, kvh);
}

}  // namespace llamats::avx512
