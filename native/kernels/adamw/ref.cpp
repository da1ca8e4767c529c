#include <cmath>

#include "adamw.h"

namespace llamats::ref {

void adamw(float* param, const float* grad, float* m, float* v, int64_t n, double lr, double beta1, double beta2,
           double eps, double weight_decay, double bc1, double bc2) {
  for (int64_t i = 0; i < n; i++) {
    double g = grad[i];
    double mi = beta1 * m[i] + (1 - beta1) * g;
    double vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = (float)mi;
    v[i] = (float)vi;
    double p = param[i];
    param[i] = (float)(p - lr * (mi / bc1 / (std::sqrt(vi / bc2) + eps) + weight_decay * p));
  }
}

}  // namespace llamats::ref
