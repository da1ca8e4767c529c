// AVX-512 VNNI product on x16-packed Q8_0 / Q4_0 weights (layout: qpack.h). One zmm lane per weight row: per
// block, vpdpbusd of a packed quant vector (unsigned: Q4_0 nibble, Q8_0 w + 128) with 4 activation codes
// broadcast from memory (signed) advances 16 dot products by 4 values; 8 of them cover the block. The lanes
// start at the activation block's offset (−8·Σq_x or −128·Σq_x), so each lane ends at the exact integer
// Σ w·q_x; then acc = fma(float(isum), d_w · d_x, acc) with the 16 weight scales in one vector.
// Tiles: 16 weight rows × MR ≤ 8 activation rows (8 int + 8 float accumulators), the unpacked quant vector used
// MR times. Prefill sweeps L2-sized chunks of groups past each tile of 8 activation rows (L1); decode (M = 1)
// streams each group once. Per (row, activation row) the operations are those of ref::qgemm_x16 with an FMA.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/qpack/qpack.h"

namespace llamats::avx512 {

using namespace quant;

namespace {

inline int32_t load32(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/** Bytes ahead of the read position that the kernel prefetches (one group is one stream). */
constexpr int64_t kPrefetch = 1024;

/** Group record stream g × activation rows act[0 … MR) → res[MR] (16 lanes each). */
template <int TYPE, int MR>
inline void tile(const uint8_t* g, const uint8_t* const* act, const int32_t* const* corr, int64_t K, __m512* res) {
  constexpr bool Q4 = TYPE == kQ4_0;
  constexpr int64_t RB = qpack::kRows * (Q4 ? 18 : 34);
  const int64_t nb = K / 32;
  __m512 acc[MR];
  for (int m = 0; m < MR; m++) acc[m] = _mm512_setzero_ps();
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  for (int64_t b = 0; b < nb; b++) {
    const uint8_t* rec = g + b * RB;
    if (MR <= 2)  // decode streams the weights from memory; prefill's chunk is in L2 already
      for (int64_t l = 0; l < RB; l += 64) _mm_prefetch((const char*)rec + kPrefetch + l, _MM_HINT_T0);
    const uint8_t* q = rec + 2 * qpack::kRows;
    __m512i s[MR];
    for (int m = 0; m < MR; m++) s[m] = _mm512_set1_epi32(corr[m][b]);
    if (Q4) {
      for (int j = 0; j < 4; j++) {
        const __m512i v = _mm512_loadu_si512(q + 64 * j);
        const __m512i lo = _mm512_and_si512(v, m4), hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
        for (int m = 0; m < MR; m++) {
          const int8_t* x = reinterpret_cast<const int8_t*>(act[m]) + 32 * b + 4 * j;
          s[m] = _mm512_dpbusd_epi32(s[m], lo, _mm512_set1_epi32(load32(x)));
          s[m] = _mm512_dpbusd_epi32(s[m], hi, _mm512_set1_epi32(load32(x + 16)));
        }
      }
    } else {
      for (int j = 0; j < 8; j++) {
        const __m512i v = _mm512_loadu_si512(q + 64 * j);
        for (int m = 0; m < MR; m++) {
          const int8_t* x = reinterpret_cast<const int8_t*>(act[m]) + 32 * b + 4 * j;
          s[m] = _mm512_dpbusd_epi32(s[m], v, _mm512_set1_epi32(load32(x)));
        }
      }
    }
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i*)rec));
    for (int m = 0; m < MR; m++) {
      const float dx = reinterpret_cast<const float*>(act[m] + K)[b];
      acc[m] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s[m]), _mm512_mul_ps(dw, _mm512_set1_ps(dx)), acc[m]);
    }
  }
  for (int m = 0; m < MR; m++) res[m] = acc[m];
}

template <int TYPE, int MR>
void tiles(const qpack::Args& a, int64_t m0, int64_t c0, int64_t c1) {
  const QGemmArgs& q = a.q;
  const int64_t nb = q.K / 32, gbytes = nb * qpack::kRows * (TYPE == kQ4_0 ? 18 : 34);
  const uint8_t* act[MR];
  const int32_t* corr[MR];
  for (int m = 0; m < MR; m++) {
    act[m] = q.act + (m0 + m) * q.act_bytes;
    corr[m] = a.corr + (m0 + m) * nb;
  }
  __m512 res[MR];
  for (int64_t g = c0; g < c1; g++) {
    tile<TYPE, MR>(q.w + g * gbytes, act, corr, q.K, res);
    const int64_t n = g * qpack::kRows, left = q.N - n;
    const __mmask16 k = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
    for (int m = 0; m < MR; m++) _mm512_mask_storeu_ps(q.out + (m0 + m) * q.N + n, k, res[m]);
  }
}

template <int TYPE>
void tiles(const qpack::Args& a, int r, int64_t m0, int64_t c0, int64_t c1) {
  switch (r) {
    case 8: return tiles<TYPE, 8>(a, m0, c0, c1);
    case 7: return tiles<TYPE, 7>(a, m0, c0, c1);
    case 6: return tiles<TYPE, 6>(a, m0, c0, c1);
    case 5: return tiles<TYPE, 5>(a, m0, c0, c1);
    case 4: return tiles<TYPE, 4>(a, m0, c0, c1);
    case 3: return tiles<TYPE, 3>(a, m0, c0, c1);
    case 2: return tiles<TYPE, 2>(a, m0, c0, c1);
    default: return tiles<TYPE, 1>(a, m0, c0, c1);
  }
}

}  // namespace

void qgemm_x16(const qpack::Args& a, int64_t g0, int64_t g1) {
  constexpr int64_t MR = 8;
  const QGemmArgs& q = a.q;
  // Chunks of groups that fit in L2 (~512 KB of the 2 MB) are swept by every tile of 8 activation rows (L1).
  const int64_t gbytes = (q.K / 32) * qpack::record_bytes(q.type);
  const int64_t chunk = std::max<int64_t>(1, (512 * 1024) / std::max<int64_t>(gbytes, 1));
  for (int64_t c0 = g0; c0 < g1; c0 += chunk) {
    const int64_t c1 = std::min(g1, c0 + chunk);
    for (int64_t m0 = 0; m0 < q.M; m0 += MR) {
      const int r = (int)std::min<int64_t>(MR, q.M - m0);
      if (q.type == kQ4_0) tiles<kQ4_0>(a, r, m0, c0, c1);
      else tiles<kQ8_0>(a, r, m0, c0, c1);
    }
  }
}

}  // namespace llamats::avx512
