#include <cmath>

#include "activations.h"

namespace llamats::ref {

static inline double sigmoid(double g) { return 1.0 / (1.0 + std::exp(-g)); }

void swiglu_forward(float* out, const float* gate, const float* up, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    double g = gate[i];
    out[i] = (float)(g * sigmoid(g) * up[i]);
  }
}

void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    double g = gate[i], u = up[i], d = dout[i], s = sigmoid(g);
    dgate[i] = (float)(d * u * s * (1 + g * (1 - s)));
    dup[i] = (float)(d * g * s);
  }
}

}  // namespace llamats::ref
