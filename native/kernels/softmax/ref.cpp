#include <cmath>

#include "softmax.h"

namespace llamats::ref {

void softmax_forward(float* out, const float* x, int64_t rows, int64_t C) {
  for (int64_t n = 0; n < rows; n++) {
    const float* xr = x + n * C;
    double max = -INFINITY, sum = 0;
    for (int64_t c = 0; c < C; c++) max = xr[c] > max ? xr[c] : max;
    for (int64_t c = 0; c < C; c++) sum += std::exp((double)xr[c] - max);
    for (int64_t c = 0; c < C; c++) out[n * C + c] = (float)(std::exp((double)xr[c] - max) / sum);
  }
}

void softmax_backward(float* dx, const float* dout, const float* out, int64_t rows, int64_t C) {
  for (int64_t n = 0; n < rows; n++) {
    const float *g = dout + n * C, *o = out + n * C;
    double dot = 0;
    for (int64_t c = 0; c < C; c++) dot += (double)g[c] * o[c];
    for (int64_t c = 0; c < C; c++) dx[n * C + c] = (float)(o[c] * ((double)g[c] - dot));
  }
}

}  // namespace llamats::ref
