#include <cmath>

#include "loss.h"

namespace llamats::ref {

void cross_entropy_forward(float* losses, float* lse, const float* logits, const int32_t* targets, int64_t rows,
                           int64_t V, int64_t ignore_index) {
  for (int64_t n = 0; n < rows; n++) {
    const float* x = logits + n * V;
    double max = -INFINITY, sum = 0;
    for (int64_t v = 0; v < V; v++) max = x[v] > max ? x[v] : max;
    for (int64_t v = 0; v < V; v++) sum += std::exp((double)x[v] - max);
    double l = max + std::log(sum);
    lse[n] = (float)l;
    losses[n] = targets[n] == ignore_index ? 0.0f : (float)(l - x[targets[n]]);
  }
}

void cross_entropy_backward(float* dlogits, const float* logits, const float* lse, const int32_t* targets,
                            const float* dloss, int64_t rows, int64_t V, int64_t ignore_index) {
  for (int64_t n = 0; n < rows; n++) {
    const float* x = logits + n * V;
    float* d = dlogits + n * V;
    int64_t t = targets[n];
    if (t == ignore_index) {
      for (int64_t v = 0; v < V; v++) d[v] = 0.0f;
      continue;
    }
    double g = dloss[n], l = lse[n];
    for (int64_t v = 0; v < V; v++) d[v] = (float)(g * (std::exp((double)x[v] - l) - (v == t ? 1.0 : 0.0)));
  }
}

}  // namespace llamats::ref
