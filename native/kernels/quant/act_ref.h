// The activation quantizers in scalar C, exactly llama.cpp's reference (ggml-quants.c `quantize_row_q8_0_ref`,
// `quantize_row_q8_K_ref`, ggml-impl.h `ggml_compute_fp32_to_bf16`), writing the row formats of
// quant::act_row_bytes. Used by the scalar and AVX2 tiers; the AVX-512 tier has vector versions that produce
// the same bytes (test/tensor/quant-matmul.test.ts compares every tier with the TypeScript quantizers).
#pragma once
#include <cmath>
#include <cstring>

#include "kernels/quant/quant.h"

namespace llamats::quant {

/** Q8_0: per 32 values d = amax/127, q = roundf(x·(1/d)); the row keeps d rounded to f16 as block_q8_0 does. */
inline void quantize_row_q8_0_ref(const float* x, int64_t K, uint8_t* dst) {
  int8_t* qs = reinterpret_cast<int8_t*>(dst);
  float* ds = reinterpret_cast<float*>(dst + K);
  for (int64_t b = 0; b < K / QK8_0; b++) {
    const float* xb = x + b * QK8_0;
    float amax = 0.0f;
    for (int j = 0; j < QK8_0; j++) {
      const float ax = std::fabs(xb[j]);
      amax = amax > ax ? amax : ax;  // ggml MAX
    }
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    ds[b] = f16_to_f32(f32_to_f16(d));
    for (int j = 0; j < QK8_0; j++) qs[b * QK8_0 + j] = (int8_t)(int)std::roundf(xb[j] * id);
  }
}

/** Q8_K: per 256 values iscale = −127/max (max = the value of largest magnitude, first one), q = nearest(x·iscale). */
inline void quantize_row_q8_K_ref(const float* x, int64_t K, uint8_t* dst) {
  BlockQ8_K* y = reinterpret_cast<BlockQ8_K*>(dst);
  for (int64_t b = 0; b < K / QK_K; b++) {
    const float* xb = x + b * QK_K;
    float max = 0.0f, amax = 0.0f;
    for (int j = 0; j < QK_K; j++) {
      float ax = std::fabs(xb[j]);
      if (ax > amax) {
        amax = ax;
        max = xb[j];
      }
    }
    BlockQ8_K blk;
    if (amax == 0.0f) {
      std::memset(&blk, 0, sizeof blk);
    } else {
      const float iscale = -127.0f / max;
      for (int j = 0; j < QK_K; j++) {
        int v = nearest_int(iscale * xb[j]);
        blk.qs[j] = (int8_t)(v < 127 ? v : 127);
      }
      for (int j = 0; j < QK_K / 16; j++) {
        int sum = 0;
        for (int i = 0; i < 16; i++) sum += blk.qs[j * 16 + i];
        blk.bsums[j] = (int16_t)sum;
      }
      blk.d = 1.0f / iscale;
    }
    std::memcpy(y + b, &blk, sizeof blk);
  }
}

inline void quantize_row_bf16_ref(const float* x, int64_t K, uint8_t* dst) {
  for (int64_t i = 0; i < K; i++) {
    uint16_t h = f32_to_bf16(x[i]);
    std::memcpy(dst + 2 * i, &h, 2);
  }
}

/** The activation row of any supported weight type (F16 weights take the floats as they are). */
inline void quantize_act_ref(int type, const float* x, int64_t K, uint8_t* dst) {
  switch (type) {
    case kQ8_0: case kQ4_0: quantize_row_q8_0_ref(x, K, dst); break;
    case kQ4_K: case kQ6_K: quantize_row_q8_K_ref(x, K, dst); break;
    case kBF16: quantize_row_bf16_ref(x, K, dst); break;
    default: std::memcpy(dst, x, (size_t)K * 4); break;
  }
}

}  // namespace llamats::quant
