// Packing into the x16 layout of qpack.h, the activation block offsets, and the scalar product on the packed
// layout (the reference the AVX-512 kernel mirrors; it is also what every other tier runs on packed weights).
#include <cstring>

#include "kernels/qpack/qpack.h"

namespace llamats::qpack {

using namespace quant;

void pack(int type, const uint8_t* w, int64_t N, int64_t K, int64_t g0, int64_t g1, uint8_t* dst) {
  const int64_t nb = K / 32, bb = type == kQ8_0 ? 34 : 18, rb = record_bytes(type), row_bytes = nb * bb;
  for (int64_t g = g0; g < g1; g++) {
    for (int64_t b = 0; b < nb; b++) {
      uint8_t* rec = dst + (g * nb + b) * rb;
      std::memset(rec, 0, (size_t)rb);
      uint8_t* q = rec + 2 * kRows;
      for (int64_t r = 0; r < kRows; r++) {
        const int64_t n = g * kRows + r;
        if (n >= N) break;
        const uint8_t* blk = w + n * row_bytes + b * bb;
        std::memcpy(rec + 2 * r, blk, 2);
        if (type == kQ4_0) {
          for (int j = 0; j < 4; j++) std::memcpy(q + 64 * j + 4 * r, blk + 2 + 4 * j, 4);
        } else {
          for (int j = 0; j < 8; j++)
            for (int i = 0; i < 4; i++) q[64 * j + 4 * r + i] = (uint8_t)(blk[2 + 4 * j + i] ^ 0x80);  // int8 w → w + 128
        }
      }
    }
  }
}

void block_offsets(int type, const uint8_t* act, int64_t act_bytes, int64_t M, int64_t K, int32_t* corr) {
  const int64_t nb = K / 32;
  const int32_t f = type == kQ4_0 ? -8 : -128;
  for (int64_t m = 0; m < M; m++) {
    const int8_t* x = reinterpret_cast<const int8_t*>(act + m * act_bytes);
    for (int64_t b = 0; b < nb; b++) {
      int32_t s = 0;
      for (int j = 0; j < 32; j++) s += x[32 * b + j];
      corr[m * nb + b] = f * s;
    }
  }
}

}  // namespace llamats::qpack

namespace llamats::ref {

using namespace quant;

void qgemm_x16(const qpack::Args& a, int64_t g0, int64_t g1) {
  const QGemmArgs& q = a.q;
  const bool q4 = q.type == kQ4_0;
  const int64_t nb = q.K / 32, rb = qpack::record_bytes(q.type);
  for (int64_t g = g0; g < g1; g++) {
    for (int64_t m = 0; m < q.M; m++) {
      const int8_t* x = reinterpret_cast<const int8_t*>(q.act + m * q.act_bytes);
      const float* dx = reinterpret_cast<const float*>(q.act + m * q.act_bytes + q.K);
      float acc[qpack::kRows] = {};
      for (int64_t b = 0; b < nb; b++) {
        const uint8_t* rec = q.w + (g * nb + b) * rb;
        const uint8_t* qs = rec + 2 * qpack::kRows;
        const int8_t* xb = x + 32 * b;
        for (int r = 0; r < qpack::kRows; r++) {
          int32_t s = a.corr[m * nb + b];
          if (q4) {
            for (int j = 0; j < 4; j++)
              for (int i = 0; i < 4; i++) {
                const uint8_t v = qs[64 * j + 4 * r + i];
                s += (v & 15) * xb[4 * j + i] + (v >> 4) * xb[16 + 4 * j + i];
              }
          } else {
            for (int j = 0; j < 8; j++)
              for (int i = 0; i < 4; i++) s += qs[64 * j + 4 * r + i] * xb[4 * j + i];
          }
          uint16_t h;
          std::memcpy(&h, rec + 2 * r, 2);
          acc[r] += (float)s * (f16_to_f32(h) * dx[b]);
        }
      }
      for (int r = 0; r < qpack::kRows; r++) {
        const int64_t n = g * qpack::kRows + r;
        if (n < q.N) q.out[m * q.N + n] = acc[r];
      }
    }
  }
}

}  // namespace llamats::ref
