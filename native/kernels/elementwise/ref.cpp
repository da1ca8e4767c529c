#include "elementwise.h"

namespace llamats::ref {

void add(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}
void mul(float* out, const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i];
}
void scale(float* out, const float* a, float s, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = a[i] * s;
}
void axpy(float* y, float alpha, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

}  // namespace llamats::ref
