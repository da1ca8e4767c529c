// AVX-512 tier (F, BW, VL, VNNI, BF16). Integer dot products:
//   Q8_0, Q4_0: VNNI vpdpbusd is unsigned×signed, so (as llama.cpp does with maddubs) the weight's sign moves
//     onto the activation: |w| · (x·sign w), exact for w = −128 too (|−128| = 128 as u8; x ≥ −127).
//     One 32-block per 256-bit step; its 8 lanes are scaled by d_w·d_x and summed in f32 lanes.
//   Q4_K: nibbles are already unsigned: vpmaddubsw (pairs, ≤ 3810) then vpmaddwd with the 6-bit sub-block
//     scales; mins through the activation 16-sums (bsums), as llama.cpp.
//   Q6_K: q − 32 with the same sign move, vpmaddubsw then vpmaddwd with the int8 sub-block scales.
//   All int32 lanes stay below 2^24 within a super-block, so converting them to float is exact.
// BF16: vdpbf16ps on bf16 activations; F16: vcvtph2ps and f32 FMA.
//
// One weight row meets R ≤ 4 activation rows at a time: the weight block is loaded and unpacked once and
// reused R times (prefill and batched decode); each row's arithmetic is the same for every R.
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

/** The 32 signed weights of block b (Q4_0: nibble − 8, values j and j+16 in byte j). */
template <int TYPE>
inline __m256i load_w32(const uint8_t* wrow, int64_t b) {
  if (TYPE == kQ8_0) return _mm256_loadu_si256((const __m256i*)(reinterpret_cast<const BlockQ8_0*>(wrow) + b)->qs);
  const __m128i a = _mm_loadu_si128((const __m128i*)(reinterpret_cast<const BlockQ4_0*>(wrow) + b)->qs);
  const __m256i q = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(a, 4), a), _mm256_set1_epi8(0x0F));
  return _mm256_sub_epi8(q, _mm256_set1_epi8(8));
}

// One 32-block per 256-bit VNNI step (as llama.cpp's x86 vec_dot_q8_0_q8_0): on this CPU 512-bit integer ops
// run on two ports against three for 256-bit ones, and a 512-bit pair of 34-byte blocks costs shuffles.
// Two accumulators per row (even and odd blocks) hide the FMA latency.
template <int TYPE, int R>
void dot_q32(const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  constexpr int64_t BB = TYPE == kQ8_0 ? (int64_t)sizeof(BlockQ8_0) : (int64_t)sizeof(BlockQ4_0);
  const int64_t nb = K / 32;
  __m256 acc[2][R];
  const int8_t* qy[R];
  const float* dy[R];
  for (int r = 0; r < R; r++) {
    acc[0][r] = acc[1][r] = _mm256_setzero_ps();
    qy[r] = reinterpret_cast<const int8_t*>(act[r]);
    dy[r] = reinterpret_cast<const float*>(act[r] + K);
  }
  const __m256i zero = _mm256_setzero_si256();
  auto step = [&](int64_t b, __m256* a) {
    const __m256i w = load_w32<TYPE>(wrow, b);
    const __m256i aw = _mm256_sign_epi8(w, w);
    const float dw = h2f(wrow + b * BB);
    for (int r = 0; r < R; r++) {
      const __m256i y = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i*)(qy[r] + 32 * b)), w);
      const __m256i s = _mm256_dpbusd_epi32(zero, aw, y);
      a[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(dw * dy[r][b]), a[r]);
    }
  };
  int64_t b = 0;
  for (; b + 2 <= nb; b += 2) {
    step(b, acc[0]);
    step(b + 1, acc[1]);
  }
  if (b < nb) step(b, acc[0]);
  for (int r = 0; r < R; r++) {
    const __m256 a = _mm256_add_ps(acc[0][r], acc[1][r]);
    __m128 v = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    res[r] = _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v)));
  }
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

template <int R>
void dot_f16(const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  __m512 a0[R], a1[R];
  const float* x[R];
  for (int r = 0; r < R; r++) {
    a0[r] = a1[r] = _mm512_setzero_ps();
    x[r] = reinterpret_cast<const float*>(act[r]);
  }
  const uint16_t* w = reinterpret_cast<const uint16_t*>(wrow);
  int64_t i = 0;
  for (; i + 32 <= K; i += 32) {
    const __m512 w0 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)(w + i)));
    const __m512 w1 = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)(w + i + 16)));
    for (int r = 0; r < R; r++) {
      a0[r] = _mm512_fmadd_ps(_mm512_loadu_ps(x[r] + i), w0, a0[r]);
      a1[r] = _mm512_fmadd_ps(_mm512_loadu_ps(x[r] + i + 16), w1, a1[r]);
    }
  }
  for (; i < K; i += 16) {
    const __mmask16 m = (__mmask16)((K - i) >= 16 ? 0xFFFF : (1u << (K - i)) - 1);
    const __m512 w0 = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, w + i));
    for (int r = 0; r < R; r++) a0[r] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x[r] + i), w0, a0[r]);
  }
  for (int r = 0; r < R; r++) res[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0[r], a1[r]));
}

template <int R>
void dot_bf16(const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  __m512 a0[R], a1[R];
  for (int r = 0; r < R; r++) a0[r] = a1[r] = _mm512_setzero_ps();
  const uint16_t* w = reinterpret_cast<const uint16_t*>(wrow);
  int64_t i = 0;
  for (; i + 64 <= K; i += 64) {
    const __m512bh w0 = (__m512bh)_mm512_loadu_si512(w + i), w1 = (__m512bh)_mm512_loadu_si512(w + i + 32);
    for (int r = 0; r < R; r++) {
      const uint16_t* x = reinterpret_cast<const uint16_t*>(act[r]);
      a0[r] = _mm512_dpbf16_ps(a0[r], (__m512bh)_mm512_loadu_si512(x + i), w0);
      a1[r] = _mm512_dpbf16_ps(a1[r], (__m512bh)_mm512_loadu_si512(x + i + 32), w1);
    }
  }
  for (; i < K; i += 32) {
    const __mmask32 m = (K - i) >= 32 ? 0xFFFFFFFFu : (__mmask32)((1u << (K - i)) - 1);
    const __m512bh w0 = (__m512bh)_mm512_maskz_loadu_epi16(m, w + i);
    for (int r = 0; r < R; r++) {
      const uint16_t* x = reinterpret_cast<const uint16_t*>(act[r]);
      a0[r] = _mm512_dpbf16_ps(a0[r], (__m512bh)_mm512_maskz_loadu_epi16(m, x + i), w0);
    }
  }
  for (int r = 0; r < R; r++) res[r] = _mm512_reduce_add_ps(_mm512_add_ps(a0[r], a1[r]));
}

template <int R>
void dot_rows(int type, const uint8_t* wrow, const uint8_t* const* act, int64_t K, float* res) {
  switch (type) {
    case kQ8_0: return dot_q32<kQ8_0, R>(wrow, act, K, res);
    case kQ4_0: return dot_q32<kQ4_0, R>(wrow, act, K, res);
    case kQ4_K: return dot_q4_K<R>(wrow, act, K, res);
    case kQ6_K: return dot_q6_K<R>(wrow, act, K, res);
    case kF16: return dot_f16<R>(wrow, act, K, res);
    case kBF16: return dot_bf16<R>(wrow, act, K, res);
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
  // Blocks of activation rows that stay in L2 (~512 KB) while the weight rows stream past them once per block.
  const int64_t mb = std::max<int64_t>(4, std::min<int64_t>(a.M, (512 * 1024) / std::max<int64_t>(a.act_bytes, 1)) / 4 * 4);
  for (int64_t m0 = 0; m0 < a.M; m0 += mb) {
    const int64_t m1 = std::min(a.M, m0 + mb);
    for (int64_t n = n0; n < n1; n++) {
      const uint8_t* wrow = a.w + n * a.row_bytes;
      for (int64_t m = m0; m < m1; m += 4) {
        const int r = (int)std::min<int64_t>(4, m1 - m);
        const uint8_t* act[4];
        float res[4];
        for (int i = 0; i < r; i++) act[i] = a.act + (m + i) * a.act_bytes;
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
