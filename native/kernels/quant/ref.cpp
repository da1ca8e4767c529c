// Scalar tier: llama.cpp's `_generic` dot products (ggml-cpu/quants.c) with the per-block integer sums exact and
// the per-block results summed in double, so it mirrors the TypeScript scheme oracle
// (src/tensor/ref/quant-matmul.ts `matmulQuantScheme`) up to the order of double additions.
#include <cstring>

#include "kernels/quant/act_ref.h"
#include "kernels/quant/quant.h"

namespace llamats::ref {

using namespace quant;

static inline uint16_t u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

static float dot_q8_0(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const int8_t* qy = reinterpret_cast<const int8_t*>(act);
  const float* dy = reinterpret_cast<const float*>(act + K);
  double sum = 0;
  for (int64_t b = 0; b < K / QK8_0; b++) {
    const BlockQ8_0* x = reinterpret_cast<const BlockQ8_0*>(wrow) + b;
    int32_t sumi = 0;
    for (int j = 0; j < QK8_0; j++) sumi += (int32_t)x->qs[j] * qy[b * QK8_0 + j];
    sum += (double)sumi * ((double)f16_to_f32(u16(wrow + b * sizeof(BlockQ8_0))) * dy[b]);
  }
  return (float)sum;
}

static float dot_q4_0(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const int8_t* qy = reinterpret_cast<const int8_t*>(act);
  const float* dy = reinterpret_cast<const float*>(act + K);
  double sum = 0;
  for (int64_t b = 0; b < K / QK4_0; b++) {
    const BlockQ4_0* x = reinterpret_cast<const BlockQ4_0*>(wrow) + b;
    const int8_t* y = qy + b * QK4_0;
    int32_t sumi = 0;
    for (int j = 0; j < QK4_0 / 2; j++) {
      sumi += ((x->qs[j] & 0x0F) - 8) * y[j];
      sumi += ((x->qs[j] >> 4) - 8) * y[j + QK4_0 / 2];
    }
    sum += (double)sumi * ((double)f16_to_f32(u16(wrow + b * sizeof(BlockQ4_0))) * dy[b]);
  }
  return (float)sum;
}

static float dot_q4_K(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const BlockQ8_K* ys = reinterpret_cast<const BlockQ8_K*>(act);
  double sum = 0;
  for (int64_t b = 0; b < K / QK_K; b++) {
    const BlockQ4_K* x = reinterpret_cast<const BlockQ4_K*>(wrow) + b;
    const BlockQ8_K& y = ys[b];
    int32_t sumi = 0, summ = 0;
    for (int j = 0; j < QK_K / 32; j++) {
      uint8_t sc, m;
      scale_min_k4(j, x->scales, sc, m);
      // 32-byte chunk j/2 of qs: low nibbles are sub-block 2c, high nibbles 2c+1.
      const uint8_t* q = x->qs + 32 * (j / 2);
      const int shift = (j & 1) * 4;
      int32_t s = 0;
      for (int l = 0; l < 32; l++) s += ((q[l] >> shift) & 0xF) * y.qs[32 * j + l];
      sumi += sc * s;
      summ += m * (y.bsums[2 * j] + y.bsums[2 * j + 1]);
    }
    const uint8_t* xb = reinterpret_cast<const uint8_t*>(x);
    sum += (double)y.d * ((double)f16_to_f32(u16(xb)) * sumi - (double)f16_to_f32(u16(xb + 2)) * summ);
  }
  return (float)sum;
}

static float dot_q6_K(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const BlockQ8_K* ys = reinterpret_cast<const BlockQ8_K*>(act);
  double sum = 0;
  int8_t q[QK_K];
  for (int64_t b = 0; b < K / QK_K; b++) {
    const BlockQ6_K* x = reinterpret_cast<const BlockQ6_K*>(wrow) + b;
    const BlockQ8_K& y = ys[b];
    for (int half = 0; half < 2; half++) {
      const uint8_t* ql = x->ql + 64 * half;
      const uint8_t* qh = x->qh + 32 * half;
      int8_t* o = q + 128 * half;
      for (int l = 0; l < 32; l++) {
        o[l] = (int8_t)(((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32);
        o[l + 32] = (int8_t)(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
        o[l + 64] = (int8_t)(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
        o[l + 96] = (int8_t)(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
      }
    }
    int32_t sumi = 0;
    for (int j = 0; j < QK_K / 16; j++) {
      int32_t s = 0;
      for (int l = 0; l < 16; l++) s += q[16 * j + l] * y.qs[16 * j + l];
      sumi += x->scales[j] * s;
    }
    sum += (double)y.d * (double)f16_to_f32(x->d) * sumi;
  }
  return (float)sum;
}

static float dot_f16(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const float* x = reinterpret_cast<const float*>(act);
  double sum = 0;
  for (int64_t i = 0; i < K; i++) sum += (double)f16_to_f32(u16(wrow + 2 * i)) * x[i];
  return (float)sum;
}

static float dot_bf16(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  double sum = 0;
  for (int64_t i = 0; i < K; i++) sum += (double)bf16_to_f32(u16(wrow + 2 * i)) * bf16_to_f32(u16(act + 2 * i));
  return (float)sum;
}

void quantize_act(int type, const float* x, int64_t K, uint8_t* dst) { quantize_act_ref(type, x, K, dst); }

void qgemm(const QGemmArgs& a, int64_t n0, int64_t n1) {
  float (*dot)(const uint8_t*, const uint8_t*, int64_t) = nullptr;
  switch (a.type) {
    case kQ8_0: dot = dot_q8_0; break;
    case kQ4_0: dot = dot_q4_0; break;
    case kQ4_K: dot = dot_q4_K; break;
    case kQ6_K: dot = dot_q6_K; break;
    case kF16: dot = dot_f16; break;
    case kBF16: dot = dot_bf16; break;
    default: return;
  }
  for (int64_t n = n0; n < n1; n++) {
    const uint8_t* wrow = a.w + n * a.row_bytes;
    for (int64_t m = 0; m < a.M; m++) a.out[m * a.N + n] = dot(wrow, a.act + m * a.act_bytes, a.K);
  }
}

void dequantize_row(int type, const uint8_t* w, int64_t row, int64_t K, float* out) {
  int64_t block, bytes;
  if (!type_info(type, block, bytes)) return;
  const uint8_t* r = w + row * (K / block) * bytes;
  switch (type) {
    case kF16:
      for (int64_t i = 0; i < K; i++) out[i] = f16_to_f32(u16(r + 2 * i));
      break;
    case kBF16:
      for (int64_t i = 0; i < K; i++) out[i] = bf16_to_f32(u16(r + 2 * i));
      break;
    case kQ8_0:
      for (int64_t b = 0; b < K / 32; b++) {
        const BlockQ8_0* x = reinterpret_cast<const BlockQ8_0*>(r) + b;
        const float d = f16_to_f32(u16(r + b * sizeof(BlockQ8_0)));
        for (int j = 0; j < 32; j++) out[b * 32 + j] = x->qs[j] * d;
      }
      break;
    case kQ4_0:
      for (int64_t b = 0; b < K / 32; b++) {
        const BlockQ4_0* x = reinterpret_cast<const BlockQ4_0*>(r) + b;
        const float d = f16_to_f32(u16(r + b * sizeof(BlockQ4_0)));
        for (int j = 0; j < 16; j++) {
          out[b * 32 + j] = ((x->qs[j] & 0x0F) - 8) * d;
          out[b * 32 + j + 16] = ((x->qs[j] >> 4) - 8) * d;
        }
      }
      break;
    case kQ4_K:
      // ggml-quants.c dequantize_row_q4_K: y = d·sc·q − dmin·m, with d·sc and dmin·m rounded to float first.
      for (int64_t b = 0; b < K / QK_K; b++) {
        const uint8_t* xb = r + b * sizeof(BlockQ4_K);
        const BlockQ4_K* x = reinterpret_cast<const BlockQ4_K*>(xb);
        const float d = f16_to_f32(u16(xb)), dmin = f16_to_f32(u16(xb + 2));
        float* y = out + b * QK_K;
        for (int c = 0; c < 4; c++) {
          uint8_t sc, m;
          scale_min_k4(2 * c, x->scales, sc, m);
          const float d1 = d * sc, m1 = dmin * m;
          scale_min_k4(2 * c + 1, x->scales, sc, m);
          const float d2 = d * sc, m2 = dmin * m;
          const uint8_t* q = x->qs + 32 * c;
          for (int l = 0; l < 32; l++) *y++ = d1 * (q[l] & 0xF) - m1;
          for (int l = 0; l < 32; l++) *y++ = d2 * (q[l] >> 4) - m2;
        }
      }
      break;
    case kQ6_K:
      for (int64_t b = 0; b < K / QK_K; b++) {
        const BlockQ6_K* x = reinterpret_cast<const BlockQ6_K*>(r + b * sizeof(BlockQ6_K));
        const float d = f16_to_f32(x->d);
        for (int half = 0; half < 2; half++) {
          const uint8_t* ql = x->ql + 64 * half;
          const uint8_t* qh = x->qh + 32 * half;
          const int8_t* sc = x->scales + 8 * half;
          float* y = out + b * QK_K + 128 * half;
          for (int l = 0; l < 32; l++) {
            const int is = l / 16;
            y[l] = d * sc[is] * (((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32);
            y[l + 32] = d * sc[is + 2] * (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
            y[l + 64] = d * sc[is + 4] * (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
            y[l + 96] = d * sc[is + 6] * (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
          }
        }
      }
      break;
  }
}

}  // namespace llamats::ref
