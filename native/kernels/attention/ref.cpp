// Scalar attention in float64, one query row at a time with an O(S) score row: the same arithmetic as the
// TypeScript reference, restricted to one task's rows.
#include <cmath>
#include <vector>

#include "attention.h"

namespace llamats::ref {

namespace {

struct Rows {
  const AttentionArgs& a;
  int64_t G = a.H / a.KVH, past = a.S - a.T;
  int64_t q_row(int64_t b, int64_t t, int64_t h) const { return ((b * a.T + t) * a.H + h) * a.hd; }
  int64_t kv_row(int64_t b, int64_t s, int64_t kvh) const { return b * a.kv_stride + (s * a.KVH + kvh) * a.hd; }
  bool allowed(int64_t b, int64_t s, int64_t p) const { return s <= p && (!a.seg || a.seg[b * a.S + s] == a.seg[b * a.S + p]); }
};

/** scores[s] = scale·q·k_s for allowed keys s ≤ p, −inf otherwise. */
void score_row(std::vector<double>& scores, const Rows& R, const float* q, const float* k, int64_t b, int64_t t, int64_t h) {
  const AttentionArgs& a = R.a;
  const int64_t p = R.past + t, kvh = h / R.G;
  const float* qr = q + R.q_row(b, t, h);
  for (int64_t s = 0; s <= p; s++) {
    if (!R.allowed(b, s, p)) {
      scores[s] = -INFINITY;
      continue;
    }
    const float* kr = k + R.kv_row(b, s, kvh);
    double dot = 0;
    for (int64_t i = 0; i < a.hd; i++) dot += (double)qr[i] * kr[i];
    scores[s] = (double)a.scale * dot;
  }
}

}  // namespace

void attention_forward(float* out, float* lse, const float* q, const float* k, const float* v, const AttentionArgs& a,
                       int64_t b, int64_t kvh, int64_t t0, int64_t t1) {
  Rows R{a};
  std::vector<double> scores(a.S), acc(a.hd);
  for (int64_t t = t0; t < t1; t++) {
    for (int64_t h = kvh * R.G; h < (kvh + 1) * R.G; h++) {
      score_row(scores, R, q, k, b, t, h);
      const int64_t end = R.past + t + 1;
      double max = -INFINITY, sum = 0;
      for (int64_t s = 0; s < end; s++) max = scores[s] > max ? scores[s] : max;
      for (auto& x : acc) x = 0;
      for (int64_t s = 0; s < end; s++) {
        if (scores[s] == -INFINITY) continue;
        double w = std::exp(scores[s] - max);
        sum += w;
        const float* vr = v + R.kv_row(b, s, kvh);
        for (int64_t i = 0; i < a.hd; i++) acc[i] += w * vr[i];
      }
      float* o = out + R.q_row(b, t, h);
      for (int64_t i = 0; i < a.hd; i++) o[i] = (float)(acc[i] / sum);
      if (lse) lse[(b * a.H + h) * a.T + t] = (float)(max + std::log(sum));
    }
  }
}

void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* q, const float* k,
                        const float* v, const float* out, const float* lse, const AttentionArgs& a, int64_t b,
                        int64_t kvh) {
  Rows R{a};
  const int64_t hd = a.hd;
  std::vector<double> scores(a.S), dq_acc(hd), dk_acc(a.S * hd), dv_acc(a.S * hd);
  for (int64_t t = 0; t < a.T; t++) {
    for (int64_t h = kvh * R.G; h < (kvh + 1) * R.G; h++) {
      score_row(scores, R, q, k, b, t, h);
      const int64_t end = R.past + t + 1;
      const float *qr = q + R.q_row(b, t, h), *gr = dout + R.q_row(b, t, h), *orow = out + R.q_row(b, t, h);
      const double row_lse = lse[(b * a.H + h) * a.T + t];
      double D = 0;
      for (int64_t i = 0; i < hd; i++) D += (double)gr[i] * orow[i];
      for (auto& x : dq_acc) x = 0;
      for (int64_t s = 0; s < end; s++) {
        if (scores[s] == -INFINITY) continue;
        const double P = std::exp(scores[s] - row_lse);
        const float *kr = k + R.kv_row(b, s, kvh), *vr = v + R.kv_row(b, s, kvh);
        double dP = 0;
        for (int64_t i = 0; i < hd; i++) dP += (double)gr[i] * vr[i];
        const double dS = P * (dP - D) * a.scale;
        for (int64_t i = 0; i < hd; i++) {
          dv_acc[s * hd + i] += P * gr[i];
          dk_acc[s * hd + i] += dS * qr[i];
          dq_acc[i] += dS * kr[i];
        }
      }
      float* dqr = dq + R.q_row(b, t, h);
      for (int64_t i = 0; i < hd; i++) dqr[i] = (float)dq_acc[i];
    }
  }
  for (int64_t s = 0; s < a.S; s++) {
    const int64_t o = ((b * a.S + s) * a.KVH + kvh) * hd;
    for (int64_t i = 0; i < hd; i++) {
      dk[o + i] = (float)dk_acc[s * hd + i];
      dv[o + i] = (float)dv_acc[s * hd + i];
    }
  }
}

}  // namespace llamats::ref
