#include "rope.h"

namespace llamats::ref {

void rope_row(float* out, const float* x, const double* cs, const double* sn, int64_t n_heads, int64_t head_dim,
              bool half, float sign) {
  const int64_t h2 = head_dim / 2, stride = half ? 1 : 2, partner = half ? h2 : 1;
  for (int64_t h = 0; h < n_heads; h++) {
    for (int64_t i = 0; i < h2; i++) {
      int64_t i0 = h * head_dim + i * stride, i1 = i0 + partner;
      double x0 = x[i0], x1 = x[i1], c = cs[i], s = sign * sn[i];
      out[i0] = (float)(x0 * c - x1 * s);
      out[i1] = (float)(x0 * s + x1 * c);
    }
  }
}

}  // namespace llamats::ref
