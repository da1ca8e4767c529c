#include <cmath>

#include "norm.h"

namespace llamats::ref {

void rmsnorm_forward(float* out, float* rstd, const float* x, const float* w, int64_t rows, int64_t C, float eps) {
  for (int64_t n = 0; n < rows; n++) {
    const float* xr = x + n * C;
    double ss = 0;
    for (int64_t c = 0; c < C; c++) ss += (double)xr[c] * xr[c];
    double r = 1.0 / std::sqrt(ss / (double)C + (double)eps);
    rstd[n] = (float)r;
    for (int64_t c = 0; c < C; c++) out[n * C + c] = (float)((double)w[c] * ((double)xr[c] * r));
  }
}

void rmsnorm_backward_dx(float* dx, const float* dout, const float* x, const float* w, const float* rstd, int64_t rows,
                         int64_t C) {
  for (int64_t n = 0; n < rows; n++) {
    const float *xr = x + n * C, *gr = dout + n * C;
    double r = rstd[n], dot = 0;
    for (int64_t c = 0; c < C; c++) dot += (double)w[c] * gr[c] * xr[c];
    double k = r * r * r * dot / (double)C;
    for (int64_t c = 0; c < C; c++) dx[n * C + c] = (float)(r * w[c] * gr[c] - k * xr[c]);
  }
}

void rmsnorm_backward_dw(float* dw, const float* dout, const float* x, const float* rstd, int64_t N, int64_t C,
                         int64_t c0, int64_t c1) {
  for (int64_t c = c0; c < c1; c++) {
    double acc = 0;
    for (int64_t n = 0; n < N; n++) acc += (double)dout[n * C + c] * x[n * C + c] * rstd[n];
    dw[c] = (float)(dw[c] + acc);
  }
}

}  // namespace llamats::ref
