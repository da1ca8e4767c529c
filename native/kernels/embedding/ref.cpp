#include <cstring>

#include "embedding.h"

namespace llamats::ref {

void embedding_forward(float* out, const float* table, const int32_t* ids, int64_t rows, int64_t C) {
  for (int64_t n = 0; n < rows; n++) std::memcpy(out + n * C, table + (int64_t)ids[n] * C, (size_t)C * sizeof(float));
}

void embedding_backward(float* dtable, const float* dout, const int32_t* ids, int64_t N, int64_t C, int64_t c0, int64_t c1) {
  for (int64_t n = 0; n < N; n++) {
    float* d = dtable + (int64_t)ids[n] * C;
    const float* g = dout + n * C;
    for (int64_t c = c0; c < c1; c++) d[c] += g[c];
  }
}

}  // namespace llamats::ref
