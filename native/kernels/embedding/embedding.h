// Token embedding gather and its scatter-add backward (memory moves only: one scalar version, no SIMD files).
// ids were range-checked by the binding. The backward kernel owns columns [c0, c1) of dtable and walks n in
// increasing order, so repeated ids accumulate in the same order for any thread count.
#pragma once
#include <cstdint>

namespace llamats::ref {
void embedding_forward(float* out, const float* table, const int32_t* ids, int64_t rows, int64_t C);
void embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t N, int64_t C, int64_t c0, int64_t c1);
}  // namespace llamats::ref
