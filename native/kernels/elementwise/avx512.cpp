#include <immintrin.h>

#include "elementwise.h"

namespace llamats::avx512 {

void add(float* out, const float* a, const float* b, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, _mm512_add_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
  for (; i < n; i++) out[i] = a[i] + b[i];
}
void mul(float* out, const float* a, const float* b, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
  for (; i < n; i++) out[i] = a[i] * b[i];
}
void scale(float* out, const float* a, float s, int64_t n) {
  __m512 vs = _mm512_set1_ps(s);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_loadu_ps(a + i), vs));
  for (; i < n; i++) out[i] = a[i] * s;
}
// No FMA here: y + alpha*x must round exactly as the scalar and TypeScript versions do (two roundings).
void axpy(float* y, float alpha, const float* x, int64_t n) {
  __m512 va = _mm512_set1_ps(alpha);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), _mm512_mul_ps(va, _mm512_loadu_ps(x + i))));
  for (; i < n; i++) y[i] += alpha * x[i];
}

}  // namespace llamats::avx512
