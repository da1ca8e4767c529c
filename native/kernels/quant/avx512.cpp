// AVX-512 tier (F, BW, VL, VNNI, BF16). Integer dot products, exact within each block:
//   Q8_0, Q4_0: VNNI vpdpbusd is unsigned×signed: Q8_0 activations enter as x + 128 with the accumulator
//     started at −128·Σw; Q4_0 nibbles are the unsigned side with the accumulator started at −8·Σx (tile_q32).
//     Two 32-blocks per 512-bit step; the 8 lanes of a block are scaled by d_w·d_x and summed in f32 lanes.
//   Q4_K: nibbles are already unsigned: vpmaddubsw (pairs, ≤ 3810) then vpmaddwd with the 6-bit sub-block
//     scales; mins through the activation 16-sums (bsums), as llama.cpp.
//   Q6_K: q − 32 with the weight's sign moved onto the activation (|w| · x·sign w), vpmaddubsw then vpmaddwd
//     with the int8 sub-block scales.
//   All int32 lanes stay below 2^24 within a super-block, so converting them to float is exact.
// BF16: vdpbf16ps on bf16 activations; F16: vcvtph2ps and f32 FMA (tile_f16).
//
// Register tiles of NR = 4 weight rows × MR ≤ 4 activation rows (Q8_0/Q4_0, F16, BF16) or one weight row × MR rows
// (k-quants, whose unpacked super-block is reused MR times); qgemm walks L2-sized chunks of weight rows past
// L1-resident tiles of 4 activation rows. Each (weight row, activation row) pair's arithmetic is the same for
// every tile shape, so results do not depend on M, the tiling or the thread split.
// GCC 12 flags its own _mm512_undefined_* idiom (`__Y = __Y`) inside inlined intrinsics; nothing here is uninitialised.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/quant/quant.h"

namespace llamats::avx512 {

using namespace quant;

namespace {

inline uint16_t u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline float h2f(const uint8_t* p) { return _cvtsh_ss(u16(p)); }

/** C roundf on integral-range values: halves away from zero. */
inline __m512 round_away(__m512 v) {
  const __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __mmask16 half = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(v, t)), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  const __m512 one = _mm512_or_ps(_mm512_and_ps(v, _mm512_set1_ps(-0.0f)), _mm512_set1_ps(1.0f));
  return _mm512_mask_add_ps(t, half, t, one);
}

// ---- activation quantizers (same bytes as act_ref.h) -------------------------------------------------------

void quantize_q8_0(const float* x, int64_t K, uint8_t* dst) {
  int8_t* qs = reinterpret_cast<int8_t*>(dst);
  float* ds = reinterpret_cast<float*>(dst + K);
  for (int64_t b = 0; b < K / QK8_0; b++) {
    const __m512 v0 = _mm512_loadu_ps(x + 32 * b), v1 = _mm512_loadu_ps(x + 32 * b + 16);
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    ds[b] = f16_to_f32(f32_to_f16(d));
    const __m512 vid = _mm512_set1_ps(id);
    _mm_storeu_si128((__m128i*)(qs + 32 * b), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(round_away(_mm512_mul_ps(v0, vid)))));
    _mm_storeu_si128((__m128i*)(qs + 32 * b + 16), _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(round_away(_mm512_mul_ps(v1, vid)))));
  }
}

void quantize_q8_K(const float* x, int64_t K, uint8_t* dst) {
  for (int64_t b = 0; b < K / QK_K; b++) {
    const float* xb = x + b * QK_K;
    BlockQ8_K* y = reinterpret_cast<BlockQ8_K*>(dst) + b;
    __m512 am = _mm512_setzero_ps();
    for (int j = 0; j < QK_K; j += 16) am = _mm512_max_ps(am, _mm512_abs_ps(_mm512_loadu_ps(xb + j)));
    const float amax = _mm512_reduce_max_ps(am);
    if (amax == 0.0f) {
      std::memset(y, 0, sizeof *y);
      continue;
    }
    // The reference keeps the FIRST value of largest magnitude (its sign decides the sign of the scale).
    float max = 0.0f;
    for (int j = 0; j < QK_K; j += 16) {
      const __mmask16 hit = _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_loadu_ps(xb + j)), _mm512_set1_ps(amax), _CMP_EQ_OQ);
      if (hit) {
        max = xb[j + __builtin_ctz(hit)];
        break;
      }
    }
    const float iscale = -127.0f / max;
    const __m512 vs = _mm512_set1_ps(iscale);
    for (int j = 0; j < QK_K; j += 16) {
      __m512i q = _mm512_cvt_roundps_epi32(_mm512_mul_ps(_mm512_loadu_ps(xb + j), vs), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      q = _mm512_min_epi32(q, _mm512_set1_epi32(127));
      _mm_storeu_si128((__m128i*)(y->qs + j), _mm512_cvtepi32_epi8(q));
      y->bsums[j / 16] = (int16_t)_mm512_reduce_add_epi32(q);
    }
    y->d = 1.0f / iscale;
  }
}

void quantize_bf16(const float* x, int64_t K, uint8_t* dst) {
  int64_t i = 0;
  const __m512i bias = _mm512_set1_epi32(0x7fff), one = _mm512_set1_epi32(1), absm = _mm512_set1_epi32(0x7fffffff);
  for (; i + 16 <= K; i += 16) {
    const __m512i b = _mm512_castps_si512(_mm512_loadu_ps(x + i));
    const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(b, absm), _mm512_set1_epi32(0x7f800000));
    __m512i r = _mm512_srli_epi32(_mm512_add_epi32(_mm512_add_epi32(b, bias), _mm512_and_si512(_mm512_srli_epi32(b, 16), one)), 16);
    r = _mm512_mask_mov_epi32(r, nan, _mm512_or_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(64)));
    _mm256_storeu_si256((__m256i*)(dst + 2 * i), _mm512_cvtepi32_epi16(r));
  }
  for (; i < K; i++) {
    const uint16_t h = f32_to_bf16(x[i]);
    std::memcpy(dst + 2 * i, &h, 2);
  }
}

// ---- dot products: one weight row × R activation rows → res[0..R) ----------------------------------------

/**
 * The weights of blocks b and b+1 of a row, block b in the low 256 bits (with `both` false only block b, the
 * high half zero): Q8_0 as its signed bytes; Q4_0 as the unsigned nibbles 0…15 in value order (byte j of a
 * block holds values j and j+16 in its low and high nibble, so the 128-bit lanes are [lo b, hi b, lo b+1, hi b+1]).
 */
template <int TYPE>
inline __m512i load_w64(const uint8_t* wrow, int64_t b, bool both) {
  if (TYPE == kQ8_0) {
    const BlockQ8_0* x = reinterpret_cast<const BlockQ8_0*>(wrow) + b;
    const __m256i lo = _mm256_loadu_si256((const __m256i*)x[0].qs);
    return both ? _mm512_inserti64x4(_mm512_castsi256_si512(lo), _mm256_loadu_si256((const __m256i*)x[1].qs), 1) : _mm512_zextsi256_si512(lo);
  } else {
    const BlockQ4_0* x = reinterpret_cast<const BlockQ4_0*>(wrow) + b;
    const __m256i a = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)x[0].qs));
    const __m256i c = both ? _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)x[1].qs)) : _mm256_setzero_si256();
    const __m512i shift = _mm512_set_epi64(4, 4, 0, 0, 4, 4, 0, 0);
    return _mm512_and_si512(_mm512_srlv_epi64(_mm512_inserti64x4(_mm512_castsi256_si512(a), c, 1), shift), _mm512_set1_epi8(0x0F));
  }
}

/**
 * Bytes ahead of the weight read position that the Q8_0/Q4_0 tiles prefetch (k-quant rows: twice as far); a
 * prefetch past the end is harmless. Measured on one core, 4096-wide rows not in cache: Q8_0 0.80 → 0.87 and
 * Q4_K/Q6_K ~0.6 → ~0.75 of a streaming read of the same bytes.
 */
#ifndef LLAMATS_QUANT_PREFETCH
#define LLAMATS_QUANT_PREFETCH 1024
#endif
constexpr int64_t kPrefetch = LLAMATS_QUANT_PREFETCH;

/** Lanes [0 ×8 | 1 ×8]: spreads two scales over the two 256-bit halves (one block each). */
inline __m512i pair_index() { return _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0); }
/** [f16 at p0 ×8 | f16 at p1 ×8] as floats. */
inline __m512 pair_f16(__m512i idx, const uint8_t* p0, const uint8_t* p1) {
  const __m128i h = _mm_insert_epi16(_mm_cvtsi32_si128(u16(p0)), u16(p1), 1);
  return _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(_mm_cvtph_ps(h)));
}
/** [p[0] ×8 | p[1] ×8] */
inline __m512 pair_f32(__m512i idx, const float* p) {
  return _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(_mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(p)))));
}

/**
 * Q8_0 / Q4_0 weights: NR weight rows × MR activation rows, two 32-blocks per 512-bit step. vpdpbusd multiplies
 * unsigned by signed bytes, and the accumulator starts at the offset correction, so each block's integer sum is
 * exact without a per-pair sign step:
 *   Q8_0: unsigned = x + 128 (1…255), signed = w; start −128·Σw (per 4-byte group, once per weight block);
 *   Q4_0: unsigned = the nibble q (0…15), signed = x; start −8·Σx (once per activation block), as w = q − 8.
 * Each (weight row, activation row) pair then does dpbusd, cvt, one scale multiply and one FMA per two blocks;
 * its operation sequence is the same for every tile shape, so results do not depend on NR, MR or M.
 */
template <int TYPE, int NR, int MR>
void tile_q32(const uint8_t* const* wrow, const uint8_t* const* act, int64_t K, float* res /* [NR][MR] */) {
  constexpr bool Q8 = TYPE == kQ8_0;
  constexpr int64_t BB = Q8 ? (int64_t)sizeof(BlockQ8_0) : (int64_t)sizeof(BlockQ4_0);
  const int64_t nb = K / 32;
  __m512 acc[NR][MR];
  for (int n = 0; n < NR; n++)
    for (int m = 0; m < MR; m++) acc[n][m] = _mm512_setzero_ps();
  const __m512i off = _mm512_set1_epi8(Q8 ? (char)0x80 : 8), zero = _mm512_setzero_si512(), idx = pair_index();
  for (int64_t b = 0; b < nb; b += 2) {
    const bool both = b + 1 < nb;
    const __mmask64 ld = both ? ~(__mmask64)0 : (__mmask64)0xFFFFFFFFull;
    __m512i w[NR], wc[NR];
    __m512 dw[NR];
    for (int n = 0; n < NR; n++) {
      // Decode streams W from memory: ask for the bytes kPrefetch ahead (the hardware prefetcher alone leaves the
      // 4-bit types at ~60% of the streaming-read rate when W is not cached).
      _mm_prefetch((const char*)wrow[n] + b * BB + kPrefetch, _MM_HINT_T0);
      if (Q8) _mm_prefetch((const char*)wrow[n] + b * BB + kPrefetch + 64, _MM_HINT_T0);  // 68 bytes a step
      w[n] = load_w64<TYPE>(wrow[n], b, both);
      if (Q8) wc[n] = _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, off, w[n]));
      // A last odd block reads its own scale twice; the upper half's weights are zero, so it adds nothing.
      dw[n] = pair_f16(idx, wrow[n] + b * BB, wrow[n] + (both ? b + 1 : b) * BB);
    }
    for (int m = 0; m < MR; m++) {
      const float* dy = reinterpret_cast<const float*>(act[m] + K);
      const __m512i y = _mm512_maskz_loadu_epi8(ld, act[m] + 32 * b);
      const __m512i a = Q8 ? _mm512_xor_si512(y, off) : y;
      const __m512i yc = Q8 ? zero : _mm512_sub_epi32(zero, _mm512_dpbusd_epi32(zero, off, y));
      const __m512 dyv = both ? pair_f32(idx, dy + b) : _mm512_set1_ps(dy[b]);
      for (int n = 0; n < NR; n++) {
        const __m512i s = Q8 ? _mm512_dpbusd_epi32(wc[n], a, w[n]) : _mm512_dpbusd_epi32(yc, w[n], a);
        acc[n][m] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(dw[n], dyv), acc[n][m]);
      }
    }
  }
  for (int n = 0; n < NR; n++)
    for (int m = 0; m < MR; m++) res[n * MR + m] = _mm512_reduce_add_ps(acc[n][m]);
}

template <int R>
void dot_q4_K(const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  __m512 acc[R], accm[R];
  for (int r = 0; r < R; r++) acc[r] = accm[r] = _mm512_setzero_ps();
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  // vpermw indices: vector k holds sub-blocks 2k (int16 lanes 0-15) and 2k+1 (16-31).
  __m512i sidx[4];
  for (int k = 0; k < 4; k++) {
    alignas(64) int16_t idx[32];
    for (int l = 0; l < 32; l++) idx[l] = (int16_t)(2 * k + l / 16);
    sidx[k] = _mm512_load_si512(idx);
  }
  alignas(32) int16_t midx_a[16];
  for (int l = 0; l < 16; l++) midx_a[l] = (int16_t)(l / 2);
  const __m256i midx = _mm256_load_si256((const __m256i*)midx_a);
  for (int64_t b = 0; b < K / QK_K; b++) {
    const BlockQ4_K* x = reinterpret_cast<const BlockQ4_K*>(wrow) + b;
    const uint8_t* xb = reinterpret_cast<const uint8_t*>(x);
    for (int l = 0; l < 3; l++) _mm_prefetch((const char*)xb + 2 * kPrefetch + 64 * l, _MM_HINT_T0);
    // Scales and mins, unpacked as ggml's kmask trick: utmp[0..1] = 8 scales, utmp[2..3] = 8 mins.
    uint32_t utmp[4];
    std::memcpy(utmp, x->scales, 12);
    utmp[3] = ((utmp[2] >> 4) & 0x0f0f0f0f) | (((utmp[1] >> 6) & 0x03030303) << 4);
    const uint32_t uaux = utmp[1] & 0x3f3f3f3f;
    utmp[1] = (utmp[2] & 0x0f0f0f0f) | (((utmp[0] >> 6) & 0x03030303) << 4);
    utmp[2] = uaux;
    utmp[0] &= 0x3f3f3f3f;
    const __m128i sm = _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*)utmp));
    const __m512i sc16 = _mm512_castsi128_si512(sm);
    const __m256i mins16 = _mm256_permutexvar_epi16(midx, _mm256_castsi128_si256(_mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i*)(utmp + 2)))));
    __m512i wq[4], sc[4];
    for (int h = 0; h < 2; h++) {
      const __m512i z = _mm512_loadu_si512(x->qs + 64 * h);
      const __m512i lo = _mm512_and_si512(z, m4), hi = _mm512_and_si512(_mm512_srli_epi16(z, 4), m4);
      wq[2 * h] = _mm512_inserti64x4(lo, _mm512_castsi512_si256(hi), 1);
      wq[2 * h + 1] = _mm512_shuffle_i64x2(lo, hi, _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int k = 0; k < 4; k++) sc[k] = _mm512_permutexvar_epi16(sidx[k], sc16);
    const float d = h2f(xb), dmin = h2f(xb + 2);
    for (int r = 0; r < R; r++) {
      const BlockQ8_K* y = reinterpret_cast<const BlockQ8_K*>(act[r]) + b;
      __m512i isum = _mm512_setzero_si512();
      for (int k = 0; k < 4; k++) {
        const __m512i p = _mm512_maddubs_epi16(wq[k], _mm512_loadu_si512(y->qs + 64 * k));
        isum = _mm512_add_epi32(isum, _mm512_madd_epi16(p, sc[k]));
      }
      const __m256i mm = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i*)y->bsums), mins16);
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_set1_ps(d * y->d), acc[r]);
      accm[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_zextsi256_si512(mm)), _mm512_set1_ps(dmin * y->d), accm[r]);
    }
  }
  for (int r = 0; r < R; r++) res[r] = _mm512_reduce_add_ps(acc[r]) - _mm512_reduce_add_ps(accm[r]);
}

template <int R>
void dot_q6_K(const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  __m512 acc[R];
  for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
  const __m512i m4 = _mm512_set1_epi8(0x0F), m2 = _mm512_set1_epi8(3), o32 = _mm512_set1_epi8(32), zero = _mm512_setzero_si512();
  // qh shifts per 256-bit half (int16 lanes): values 0..63 of a half take bits 0-1 / 2-3, values 64..127 bits 4-5 / 6-7.
  const __m512i shA = _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(2), 1);
  const __m512i shB = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(6), 1);
  __m512i sidx[4];
  for (int k = 0; k < 4; k++) {
    alignas(64) int16_t idx[32];
    for (int l = 0; l < 32; l++) idx[l] = (int16_t)(4 * k + l / 8);
    sidx[k] = _mm512_load_si512(idx);
  }
  for (int64_t b = 0; b < K / QK_K; b++) {
    const BlockQ6_K* x = reinterpret_cast<const BlockQ6_K*>(wrow) + b;
    for (int l = 0; l < 4; l++) _mm_prefetch((const char*)x + 2 * kPrefetch + 64 * l, _MM_HINT_T0);
    __m512i aw[4], sc[4];
    __mmask64 neg[4];
    for (int h = 0; h < 2; h++) {
      const __m512i ql = _mm512_loadu_si512(x->ql + 64 * h);
      const __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i*)(x->qh + 32 * h)));
      const __m512i q0 = _mm512_or_si512(_mm512_and_si512(ql, m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srlv_epi16(qh, shA), m2), 4));
      const __m512i q1 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4),
                                         _mm512_slli_epi16(_mm512_and_si512(_mm512_srlv_epi16(qh, shB), m2), 4));
      const __m512i w0 = _mm512_sub_epi8(q0, o32), w1 = _mm512_sub_epi8(q1, o32);
      neg[2 * h] = _mm512_movepi8_mask(w0);
      neg[2 * h + 1] = _mm512_movepi8_mask(w1);
      aw[2 * h] = _mm512_abs_epi8(w0);
      aw[2 * h + 1] = _mm512_abs_epi8(w1);
    }
    const __m512i sc16 = _mm512_castsi256_si512(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)x->scales)));
    for (int k = 0; k < 4; k++) sc[k] = _mm512_permutexvar_epi16(sidx[k], sc16);
    const float d = _cvtsh_ss(x->d);
    for (int r = 0; r < R; r++) {
      const BlockQ8_K* y = reinterpret_cast<const BlockQ8_K*>(act[r]) + b;
      __m512i isum = _mm512_setzero_si512();
      for (int k = 0; k < 4; k++) {
        __m512i v = _mm512_loadu_si512(y->qs + 64 * k);
        v = _mm512_mask_sub_epi8(v, neg[k], zero, v);
        isum = _mm512_add_epi32(isum, _mm512_madd_epi16(_mm512_maddubs_epi16(aw[k], v), sc[k]));
      }
      acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_set1_ps(d * y->d), acc[r]);
    }
  }
  for (int r = 0; r < R; r++) res[r] = _mm512_reduce_add_ps(acc[r]);
}

/**
 * F16 and BF16 weights: NR weight rows × MR activation rows, one accumulator per pair over 16 (F16: vcvtph2ps
 * + FMA with float32 x) or 32 (BF16: vdpbf16ps with bf16 x) values per step; each weight vector is converted
 * or loaded once for the MR rows and each activation vector once for the NR rows. The K tail uses masked loads.
 * Per pair the sequence of operations depends on K only.
 */
template <int TYPE, int NR, int MR>
void tile_f16(const uint8_t* const* wrow, const uint8_t* const* act, int64_t K, float* res /* [NR][MR] */) {
  constexpr int S = TYPE == kF16 ? 16 : 32;  // values per step
  __m512 acc[NR][MR];
  for (int n = 0; n < NR; n++)
    for (int m = 0; m < MR; m++) acc[n][m] = _mm512_setzero_ps();
  for (int64_t i = 0; i < K; i += S) {
    const int64_t left = K - i;
    __m512 w[NR];
    if (TYPE == kF16) {
      const __mmask16 k = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
      for (int n = 0; n < NR; n++) w[n] = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(k, reinterpret_cast<const uint16_t*>(wrow[n]) + i));
      for (int m = 0; m < MR; m++) {
        const __m512 x = _mm512_maskz_loadu_ps(k, reinterpret_cast<const float*>(act[m]) + i);
        for (int n = 0; n < NR; n++) acc[n][m] = _mm512_fmadd_ps(x, w[n], acc[n][m]);
      }
    } else {
      const __mmask32 k = left >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << left) - 1);
      for (int n = 0; n < NR; n++) w[n] = (__m512)_mm512_maskz_loadu_epi16(k, reinterpret_cast<const uint16_t*>(wrow[n]) + i);
      for (int m = 0; m < MR; m++) {
        const __m512bh x = (__m512bh)_mm512_maskz_loadu_epi16(k, reinterpret_cast<const uint16_t*>(act[m]) + i);
        for (int n = 0; n < NR; n++) acc[n][m] = _mm512_dpbf16_ps(acc[n][m], x, (__m512bh)w[n]);
      }
    }
  }
  for (int n = 0; n < NR; n++)
    for (int m = 0; m < MR; m++) res[n * MR + m] = _mm512_reduce_add_ps(acc[n][m]);
}

template <int R>
void dot_rows(int type, const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  switch (type) {
    case kQ4_K: return dot_q4_K<R>(wrow, act, K, res);
    case kQ6_K: return dot_q6_K<R>(wrow, act, K, res);
  }
}

/** The tile kernel of a type: tile_q32 or tile_f16. */
template <int TYPE, int NR, int MR>
inline void tile(const uint8_t* const* w, const uint8_t* const* act, int64_t K, float* res) {
  if constexpr (TYPE == kQ8_0 || TYPE == kQ4_0) tile_q32<TYPE, NR, MR>(w, act, K, res);
  else tile_f16<TYPE, NR, MR>(w, act, K, res);
}

/** Weight rows [c0, c1) × activation rows [m, m+MR): tiles of NR rows, then single rows. */
template <int TYPE, int MR>
void tiles(const QGemmArgs& a, const uint8_t* const* act, int64_t m, int64_t c0, int64_t c1) {
  constexpr int NR = 4;
  float res[NR * MR];
  const uint8_t* w[NR];
  int64_t n = c0;
  for (; n + NR <= c1; n += NR) {
    for (int i = 0; i < NR; i++) w[i] = a.w + (n + i) * a.row_bytes;
    tile<TYPE, NR, MR>(w, act, a.K, res);
    for (int i = 0; i < NR; i++)
      for (int j = 0; j < MR; j++) a.out[(m + j) * a.N + n + i] = res[i * MR + j];
  }
  for (; n < c1; n++) {
    w[0] = a.w + n * a.row_bytes;
    tile<TYPE, 1, MR>(w, act, a.K, res);
    for (int j = 0; j < MR; j++) a.out[(m + j) * a.N + n] = res[j];
  }
}

template <int TYPE>
void tiles(const QGemmArgs& a, const uint8_t* const* act, int r, int64_t m, int64_t c0, int64_t c1) {
  switch (r) {
    case 4: return tiles<TYPE, 4>(a, act, m, c0, c1);
    case 3: return tiles<TYPE, 3>(a, act, m, c0, c1);
    case 2: return tiles<TYPE, 2>(a, act, m, c0, c1);
    default: return tiles<TYPE, 1>(a, act, m, c0, c1);
  }
}

}  // namespace

void quantize_act(int type, const float* x, int64_t K, uint8_t* dst) {
  switch (type) {
    case kQ8_0: case kQ4_0: return quantize_q8_0(x, K, dst);
    case kQ4_K: case kQ6_K: return quantize_q8_K(x, K, dst);
    case kBF16: return quantize_bf16(x, K, dst);
    default: std::memcpy(dst, x, (size_t)K * 4);
  }
}

void qgemm(const QGemmArgs& a, int64_t n0, int64_t n1) {
  // Cache blocking: a chunk of weight rows that fits in L2 (~256 KB) is reused by every tile of 4 activation
  // rows, and each tile (4 rows, at most ~20 KB for K = 4096) stays in L1 while the chunk's rows pass it.
  // Decode (M ≤ 4) is one tile: the weight rows stream straight from memory.
  const int64_t nb = std::max<int64_t>(1, (256 * 1024) / std::max<int64_t>(a.row_bytes, 1));
  for (int64_t c0 = n0; c0 < n1; c0 += nb) {
    const int64_t c1 = std::min(n1, c0 + nb);
    for (int64_t m = 0; m < a.M; m += 4) {
      const int r = (int)std::min<int64_t>(4, a.M - m);
      const uint8_t* act[4];
      for (int i = 0; i < r; i++) act[i] = a.act + (m + i) * a.act_bytes;
      switch (a.type) {
        case kQ8_0: tiles<kQ8_0>(a, act, r, m, c0, c1); continue;
        case kQ4_0: tiles<kQ4_0>(a, act, r, m, c0, c1); continue;
        case kF16: tiles<kF16>(a, act, r, m, c0, c1); continue;
        case kBF16: tiles<kBF16>(a, act, r, m, c0, c1); continue;
      }
      for (int64_t n = c0; n < c1; n++) {
        const uint8_t* wrow = a.w + n * a.row_bytes;
        float res[4];
        switch (r) {
          case 4: dot_rows<4>(a.type, wrow, act, a.K, res); break;
          case 3: dot_rows<3>(a.type, wrow, act, a.K, res); break;
          case 2: dot_rows<2>(a.type, wrow, act, a.K, res); break;
          default: dot_rows<1>(a.type, wrow, act, a.K, res); break;
        }
        for (int i = 0; i < r; i++) a.out[(m + i) * a.N + n] = res[i];
      }
    }
  }
}

}  // namespace llamats::avx512
