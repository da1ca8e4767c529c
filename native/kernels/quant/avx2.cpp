// AVX2 tier (with FMA, F16C): llama.cpp's x86 approach — the weight's sign moved onto the activation
// (_mm256_sign_epi8) so that vpmaddubsw (unsigned×signed pairs, ≤ 2·128·127, no saturation) applies, then
// vpmaddwd with ones or with the sub-block scales; mins of Q4_K through the activation 16-sums. One weight row
// × one activation row per call (this tier favours simplicity; the AVX-512 tier tiles rows).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/quant/act_ref.h"
#include "kernels/quant/quant.h"

namespace llamats::avx2 {

using namespace quant;

namespace {

inline uint16_t u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline float h2f(const uint8_t* p) { return _cvtsh_ss(u16(p)); }

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

/** Σ w·y over 32 signed bytes in 8 int32 lanes (w may be −128; y ≥ −127). */
inline __m256i dot32(__m256i w, __m256i y) {
  const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(y, w));
  return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

float dot_q8_0(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const int8_t* qy = reinterpret_cast<const int8_t*>(act);
  const float* dy = reinterpret_cast<const float*>(act + K);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < K / 32; b++) {
    const BlockQ8_0* x = reinterpret_cast<const BlockQ8_0*>(wrow) + b;
    const __m256i s = dot32(_mm256_loadu_si256((const __m256i*)x->qs), _mm256_loadu_si256((const __m256i*)(qy + 32 * b)));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(h2f(wrow + b * sizeof(BlockQ8_0)) * dy[b]), acc);
  }
  return hsum(acc);
}

float dot_q4_0(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const int8_t* qy = reinterpret_cast<const int8_t*>(act);
  const float* dy = reinterpret_cast<const float*>(act + K);
  const __m128i m4 = _mm_set1_epi8(0x0F), e8 = _mm_set1_epi8(8);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < K / 32; b++) {
    const BlockQ4_0* x = reinterpret_cast<const BlockQ4_0*>(wrow) + b;
    const __m128i a = _mm_loadu_si128((const __m128i*)x->qs);
    const __m256i w = _mm256_set_m128i(_mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(a, 4), m4), e8), _mm_sub_epi8(_mm_and_si128(a, m4), e8));
    const __m256i s = dot32(w, _mm256_loadu_si256((const __m256i*)(qy + 32 * b)));
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(h2f(wrow + b * sizeof(BlockQ4_0)) * dy[b]), acc);
  }
  return hsum(acc);
}

float dot_q4_K(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const BlockQ8_K* ys = reinterpret_cast<const BlockQ8_K*>(act);
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
  for (int64_t b = 0; b < K / QK_K; b++) {
    const BlockQ4_K* x = reinterpret_cast<const BlockQ4_K*>(wrow) + b;
    const uint8_t* xb = reinterpret_cast<const uint8_t*>(x);
    const BlockQ8_K& y = ys[b];
    uint32_t utmp[4];
    std::memcpy(utmp, x->scales, 12);
    utmp[3] = ((utmp[2] >> 4) & 0x0f0f0f0f) | (((utmp[1] >> 6) & 0x03030303) << 4);
    const uint32_t uaux = utmp[1] & 0x3f3f3f3f;
    utmp[1] = (utmp[2] & 0x0f0f0f0f) | (((utmp[0] >> 6) & 0x03030303) << 4);
    utmp[2] = uaux;
    utmp[0] &= 0x3f3f3f3f;
    const uint8_t* scales = reinterpret_cast<const uint8_t*>(utmp);
    const uint8_t* mins = scales + 8;
    __m256i isum = _mm256_setzero_si256();
    for (int c = 0; c < 4; c++) {
      const __m256i q = _mm256_loadu_si256((const __m256i*)(x->qs + 32 * c));
      const __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
      const __m256i p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i*)(y.qs + 64 * c)));
      const __m256i p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i*)(y.qs + 64 * c + 32)));
      isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p0, _mm256_set1_epi16(scales[2 * c])));
      isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p1, _mm256_set1_epi16(scales[2 * c + 1])));
    }
    const __m256i mins16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i*)mins), _mm_loadl_epi64((const __m128i*)mins)));
    const __m256i mm = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i*)y.bsums), mins16);
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_set1_ps(h2f(xb) * y.d), acc);
    accm = _mm256_fmadd_ps(_mm256_cvtepi32_ps(mm), _mm256_set1_ps(h2f(xb + 2) * y.d), accm);
  }
  return hsum(acc) - hsum(accm);
}

float dot_q6_K(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const BlockQ8_K* ys = reinterpret_cast<const BlockQ8_K*>(act);
  const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(3), o32 = _mm256_set1_epi8(32);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t b = 0; b < K / QK_K; b++) {
    const BlockQ6_K* x = reinterpret_cast<const BlockQ6_K*>(wrow) + b;
    const BlockQ8_K& y = ys[b];
    __m256i isum = _mm256_setzero_si256();
    for (int h = 0; h < 2; h++) {
      const __m256i l0 = _mm256_loadu_si256((const __m256i*)(x->ql + 64 * h));
      const __m256i l1 = _mm256_loadu_si256((const __m256i*)(x->ql + 64 * h + 32));
      const __m256i qh = _mm256_loadu_si256((const __m256i*)(x->qh + 32 * h));
      __m256i q[4];
      q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m2), 4));
      q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m2), 4));
      q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m2), 4));
      q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m2), 4));
      for (int k = 0; k < 4; k++) {
        // 32 values = sub-blocks j and j+1 (int16 lanes 0-7 and 8-15 after maddubs).
        const int j = 8 * h + 2 * k;
        const __m256i w = _mm256_sub_epi8(q[k], o32);
        const __m256i yv = _mm256_loadu_si256((const __m256i*)(y.qs + 128 * h + 32 * k));
        const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(yv, w));
        const __m256i sc = _mm256_set_m128i(_mm_set1_epi16(x->scales[j + 1]), _mm_set1_epi16(x->scales[j]));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, sc));
      }
    }
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_set1_ps(_cvtsh_ss(x->d) * y.d), acc);
  }
  return hsum(acc);
}

float dot_f16(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const float* x = reinterpret_cast<const float*>(act);
  const uint16_t* w = reinterpret_cast<const uint16_t*>(wrow);
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= K; i += 16) {
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(w + i))), a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)(w + i + 8))), a1);
  }
  float s = hsum(_mm256_add_ps(a0, a1));
  for (; i < K; i++) s += x[i] * _cvtsh_ss(w[i]);
  return s;
}

inline __m256 bf16x8(const uint16_t* p) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i*)p)), 16));
}

float dot_bf16(const uint8_t* wrow, const uint8_t* act, int64_t K) {
  const uint16_t* x = reinterpret_cast<const uint16_t*>(act);
  const uint16_t* w = reinterpret_cast<const uint16_t*>(wrow);
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= K; i += 16) {
    a0 = _mm256_fmadd_ps(bf16x8(x + i), bf16x8(w + i), a0);
    a1 = _mm256_fmadd_ps(bf16x8(x + i + 8), bf16x8(w + i + 8), a1);
  }
  float s = hsum(_mm256_add_ps(a0, a1));
  for (; i < K; i++) s += bf16_to_f32(x[i]) * bf16_to_f32(w[i]);
  return s;
}

}  // namespace

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
  // A chunk of weight rows that fits in L2 meets every activation row (which stays in L1) before the next chunk.
  const int64_t nb = std::max<int64_t>(1, (256 * 1024) / std::max<int64_t>(a.row_bytes, 1));
  for (int64_t c0 = n0; c0 < n1; c0 += nb) {
    const int64_t c1 = std::min(n1, c0 + nb);
    for (int64_t m = 0; m < a.M; m++)
      for (int64_t n = c0; n < c1; n++) a.out[m * a.N + n] = dot(a.w + n * a.row_bytes, a.act + m * a.act_bytes, a.K);
  }
}

}  // namespace llamats::avx2
