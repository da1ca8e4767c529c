// Products with weights stored in GGUF block types, computed from the blocks (llama.cpp ggml-cpu style):
// out[M, N] = x[M, K] · Wᵀ, W = N rows of K values in ggml type F16 (1), BF16 (30), Q8_0 (8), Q4_0 (2),
// Q4_K (12) or Q6_K (14). Contract: src/tensor/kernels.ts `matmulQuant`; TypeScript oracles:
// src/tensor/ref/quant-matmul.ts. Block layouts: docs/llama-recipe.md §2.
//
// Three tiers, as in llama.cpp: the activation quantizers are exactly `quantize_row_q8_0_ref` and
// `quantize_row_q8_K_ref` (ggml-quants.c) in every tier, so all tiers see the same 8-bit activations; the
// per-block integer dot products are exact; only the float accumulation of the per-block results differs between
// tiers (scalar, AVX2 maddubs, AVX-512 VNNI dpbusd).
//
//   weight type  activation (vec_dot_type)           per block
//   Q8_0, Q4_0   Q8_0: d = f16(amax/127), q = roundf(x/d)   Σ q_w·q_x (exact int) · d_w·d_x
//   Q4_K, Q6_K   Q8_K: d = f32(max/−127), q = nearest(x/d), 16-sums   Σ sc·Σ q_w·q_x − offsets via the 16-sums
//   BF16         BF16 (round to nearest even, as ggml)      f32 products of bf16 pairs
//   F16          float32 (ggml's vec_dot_f16 would round x to f16; we keep f32: same cost, no overflow past 65504,
//                and the node-llama-cpp build's F16 logits also matched the exact product to ~2e-7 of the range)
//
// Each tier's gemm computes out[m, n] for all m < M and n in [n0, n1); every element is one dot product whose
// operation sequence depends on K only — not on M, the tile an element falls in, or the split of N over
// threads — so 1 and N threads, and M = 1 versus a row of a larger M, give bit-identical results.
#pragma once
#include <cstddef>
#include <cstdint>

namespace llamats::quant {

enum GgmlType : int { kF16 = 1, kQ4_0 = 2, kQ8_0 = 8, kQ4_K = 12, kQ6_K = 14, kBF16 = 30 };

constexpr int QK8_0 = 32, QK4_0 = 32, QK_K = 256;

#pragma pack(push, 1)
struct BlockQ8_0 {  // 34 bytes
  uint16_t d;
  int8_t qs[QK8_0];
};
struct BlockQ4_0 {  // 18 bytes: byte j = value j (low nibble) | value j+16 (high nibble)
  uint16_t d;
  uint8_t qs[QK4_0 / 2];
};
struct BlockQ4_K {  // 144 bytes
  uint16_t d, dmin;
  uint8_t scales[12];
  uint8_t qs[QK_K / 2];
};
struct BlockQ6_K {  // 210 bytes, d last
  uint8_t ql[QK_K / 2];
  uint8_t qh[QK_K / 4];
  int8_t scales[QK_K / 16];
  uint16_t d;
};
#pragma pack(pop)

/** Activations quantized for the K-quants (ggml block_q8_K): f32 scale, 256 quants, sums of each 16. */
struct BlockQ8_K {
  float d;
  int8_t qs[QK_K];
  int16_t bsums[QK_K / 16];
};

static_assert(sizeof(BlockQ8_0) == 34 && sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_K) == 144 && sizeof(BlockQ6_K) == 210,
              "ggml block sizes");

/** Elements per block and bytes per block of a supported type; false for any other type. */
inline bool type_info(int type, int64_t& block, int64_t& bytes) {
  switch (type) {
    case kF16: block = 1, bytes = 2; return true;
    case kBF16: block = 1, bytes = 2; return true;
    case kQ8_0: block = 32, bytes = 34; return true;
    case kQ4_0: block = 32, bytes = 18; return true;
    case kQ4_K: block = 256, bytes = 144; return true;
    case kQ6_K: block = 256, bytes = 210; return true;
    default: return false;
  }
}

/**
 * The activation row format a weight type multiplies with (same in every tier): Q8_0 rows are K int8 quants
 * followed by K/32 float scales (the f16-rounded d of block_q8_0, widened); Q8_K rows are K/256 BlockQ8_K; BF16
 * rows are K uint16; F16 rows are the K floats themselves.
 */
inline int64_t act_row_bytes(int type, int64_t K) {
  switch (type) {
    case kQ8_0: case kQ4_0: return K + (K / 32) * 4;
    case kQ4_K: case kQ6_K: return (K / QK_K) * (int64_t)sizeof(BlockQ8_K);
    case kBF16: return K * 2;
    default: return K * 4;
  }
}

/** The arguments of one product: x already converted to the activation format (act_row_bytes apart). */
struct QGemmArgs {
  int type;
  const uint8_t* w;  // N rows of row_bytes
  int64_t row_bytes;
  const uint8_t* act;  // M rows of act_bytes
  int64_t act_bytes;
  float* out;  // out[m * N + n]
  int64_t M, K, N;
};

// ---- scalar helpers shared by every tier (exact conversions) ------------------------------------------------

/** IEEE half → float, exact (subnormals, inf, NaN). */
inline float f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do { mant <<= 1; e++; } while (!(mant & 0x400));
      bits = sign | ((uint32_t)(127 - 15 - e) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  __builtin_memcpy(&f, &bits, 4);
  return f;
}

/** float → IEEE half, round to nearest even (ggml_compute_fp32_to_fp16 semantics; NaN → 0x7E00|sign). */
inline uint16_t f32_to_f16(float x) {
  uint32_t bits;
  __builtin_memcpy(&bits, &x, 4);
  uint32_t sign = (bits >> 16) & 0x8000, abs = bits & 0x7fffffff;
  if (abs > 0x7f800000) return (uint16_t)(sign | 0x7e00);
  if (abs >= 0x477ff000) return (uint16_t)(sign | 0x7c00);
  if (abs >= 0x38800000) {
    uint32_t v = abs - 0x38000000;
    return (uint16_t)(sign | ((v + 0xfff + ((v >> 13) & 1)) >> 13));
  }
  // Subnormal: value in units of 2^-24, rounded half to even (exact in double).
  float a;
  __builtin_memcpy(&a, &abs, 4);
  double units = (double)a * 16777216.0;
  double m = __builtin_floor(units), frac = units - m;
  uint32_t q = (uint32_t)m;
  if (frac > 0.5 || (frac == 0.5 && (q & 1))) q++;
  return (uint16_t)(sign | q);
}

/** float → bf16, ggml_compute_fp32_to_bf16: round to nearest even, NaN made quiet. */
inline uint16_t f32_to_bf16(float x) {
  uint32_t bits;
  __builtin_memcpy(&bits, &x, 4);
  if ((bits & 0x7fffffff) > 0x7f800000) return (uint16_t)((bits >> 16) | 64);
  return (uint16_t)((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

inline float bf16_to_f32(uint16_t h) {
  uint32_t bits = (uint32_t)h << 16;
  float f;
  __builtin_memcpy(&f, &bits, 4);
  return f;
}

/** ggml-quants.c nearest_int: round half to even via 1.5·2^23, for |x| ≤ 4194303. */
inline int nearest_int(float fval) {
  float val = fval + 12582912.f;
  int i;
  __builtin_memcpy(&i, &val, 4);
  return (i & 0x007fffff) - 0x00400000;
}

/** ggml-quants.c get_scale_min_k4: 6-bit scale and min of Q4_K sub-block j. */
inline void scale_min_k4(int j, const uint8_t* q, uint8_t& d, uint8_t& m) {
  if (j < 4) {
    d = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
  }
}

}  // namespace llamats::quant

#define LLAMATS_DECLARE_QUANT(ns)                                                                           \
  namespace llamats::ns {                                                                                   \
  /* x[K] → one activation row in the format of quant::act_row_bytes(type, K) (K a multiple of the block). */ \
  void quantize_act(int type, const float* x, int64_t K, uint8_t* dst);                                     \
  /* out[m, n] for m < M, n0 ≤ n < n1, on the calling thread. */                                           \
  void qgemm(const quant::QGemmArgs& a, int64_t n0, int64_t n1);                                            \
  }

LLAMATS_DECLARE_QUANT(ref)
LLAMATS_DECLARE_QUANT(avx2)
LLAMATS_DECLARE_QUANT(avx512)

namespace llamats::ref {
/** Row `row` of a ggml-typed matrix with K columns → out[K] (one row per token lookup: scalar is enough). */
void dequantize_row(int type, const uint8_t* w, int64_t row, int64_t K, float* out);
}  // namespace llamats::ref
