// AVX2 + FMA matmul: the blocking of avx512.cpp (read that file first) with a 6×16 register tile for CPUs
// without AVX-512. 16 ymm registers: 12 accumulators + 2 of B + 1 broadcast of A; each k step is 12 FMAs for 2
// loads and 6 broadcasts. KC = 256: the A micro-panel (6×256×4 = 6 KB) and the B micro-panel (16 KB) share a
// 32-48 KB L1; NC = 512: the packed B panel (512 KB) fits the 512 KB-2 MB L2 of AVX2-era cores.
#include <immintrin.h>

#include <cstdlib>
#include <cstring>

#include "matmul.h"

namespace llamats::avx2 {
namespace {

constexpr int MR = 6, NR = 16;
constexpr int64_t KC = 256, NC = 512, MC = 96;

int64_t kc_for(int64_t K) {
  int64_t slices = (K + KC - 1) / KC;
  return (K + slices - 1) / slices;
}

struct Buffers {
  float* pa;  // MC/MR micro-panels of [MR][KC] or [KC][MR]
  float* pb;  // [NC/NR][KC][NR]
};

Buffers& buffers() {
  static thread_local Buffers b = {static_cast<float*>(std::aligned_alloc(64, MC * KC * sizeof(float))),
                                   static_cast<float*>(std::aligned_alloc(64, KC * NC * sizeof(float)))};
  return b;
}

/** Lane mask selecting the first n (clamped to 0 … 8) of 8 floats, for maskload/maskstore. */
inline __m256i mask_first(int64_t n) {
  const int v = n < 0 ? 0 : n > 8 ? 8 : (int)n;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(v), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline void transpose8(__m256 r[8]) {
  __m256 t[8];
  for (int i = 0; i < 4; i++) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 2; i++) {
    r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
    r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
    r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
    r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
  }
  for (int i = 0; i < 4; i++) {
    t[i] = _mm256_permute2f128_ps(r[i], r[4 + i], 0x20);
    t[4 + i] = _mm256_permute2f128_ps(r[i], r[4 + i], 0x31);
  }
  for (int i = 0; i < 8; i++) r[i] = t[i];
}

// ---- packing (layouts as in avx512.cpp) ------------------------------------------------------------------

void pack_b_n(float* pb, const float* b, int64_t N, int64_t pc, int64_t kc, int64_t jc, int64_t nc) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    const int64_t w = nc - j0;
    const __m256i m0 = mask_first(w), m1 = mask_first(w - 8);
    const float* src = b + pc * N + jc + j0;
    float* dst = pb + j0 * kc;
    for (int64_t k = 0; k < kc; k++, src += N, dst += NR) {
      _mm256_store_ps(dst, _mm256_maskload_ps(src, m0));
      _mm256_store_ps(dst + 8, _mm256_maskload_ps(src + 8, m1));
    }
  }
}

void pack_b_t(float* pb, const float* b, int64_t K, int64_t pc, int64_t kc, int64_t jc, int64_t nc) {
  __m256 r[8];
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    float* panel = pb + j0 * kc;
    for (int64_t h = 0; h < NR; h += 8) {
      const int64_t rows = nc - j0 - h;
      const float* src = b + (jc + j0 + h) * K + pc;
      for (int64_t k0 = 0; k0 < kc; k0 += 8) {
        const int64_t kw = kc - k0 < 8 ? kc - k0 : 8;
        const __m256i km = mask_first(kw);
        for (int t = 0; t < 8; t++) r[t] = t < rows ? _mm256_maskload_ps(src + t * K + k0, km) : _mm256_setzero_ps();
        transpose8(r);
        for (int t = 0; t < kw; t++) _mm256_store_ps(panel + (k0 + t) * NR + h, r[t]);
      }
    }
  }
}

void pack_a_n(float* pa, const float* a, int64_t K, int64_t ic, int64_t mc, int64_t pc, int64_t kc) {
  for (int64_t i = 0; i < mc; i++) std::memcpy(pa + (i / MR) * MR * KC + (i % MR) * KC, a + (ic + i) * K + pc, kc * sizeof(float));
}

void pack_a_t(float* pa, const float* a, int64_t M, int64_t ic, int64_t mc, int64_t pc, int64_t kc) {
  for (int64_t k = 0; k < kc; k++) {
    const float* src = a + (pc + k) * M + ic;
    for (int64_t i0 = 0; i0 < mc; i0 += MR) {
      const int64_t w = mc - i0 < MR ? mc - i0 : MR;
      float* dst = pa + (i0 / MR) * MR * KC + k * MR;
      for (int64_t i = 0; i < w; i++) dst[i] = src[i0 + i];
    }
  }
}

// ---- register tile -------------------------------------------------------------------------------------

template <int R, bool KMAJOR>
void tile(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, __m256i m0, __m256i m1, bool load_c) {
  __m256 c0[R], c1[R];
  for (int i = 0; i < R; i++) {
    c0[i] = load_c ? _mm256_maskload_ps(c + i * ldc, m0) : _mm256_setzero_ps();
    c1[i] = load_c ? _mm256_maskload_ps(c + i * ldc + 8, m1) : _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < kc; k++, pb += NR) {
    _mm_prefetch((const char*)(pb + 16 * NR), _MM_HINT_T0);
    const __m256 b0 = _mm256_load_ps(pb), b1 = _mm256_load_ps(pb + 8);
    for (int i = 0; i < R; i++) {
      const __m256 ai = _mm256_broadcast_ss(KMAJOR ? pa + k * MR + i : pa + i * KC + k);
      c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
    }
  }
  for (int i = 0; i < R; i++) {
    _mm256_maskstore_ps(c + i * ldc, m0, c0[i]);
    _mm256_maskstore_ps(c + i * ldc + 8, m1, c1[i]);
  }
}

using TileFn = void (*)(int64_t, const float*, const float*, float*, int64_t, __m256i, __m256i, bool);
template <bool KMAJOR>
constexpr TileFn kTiles[MR + 1] = {nullptr, tile<1, KMAJOR>, tile<2, KMAJOR>, tile<3, KMAJOR>, tile<4, KMAJOR>, tile<5, KMAJOR>, tile<6, KMAJOR>};

// ---- decode GEMV (as in avx512.cpp, 8 lanes) ----------------------------------------------------------------

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

template <int MA, int RB>
void dot_tile(const float* a, int64_t lda, const float* b, int64_t K, float* c, int64_t ldc, bool accumulate) {
  __m256 s[MA][RB];
  for (int m = 0; m < MA; m++)
    for (int r = 0; r < RB; r++) s[m][r] = _mm256_setzero_ps();
  for (int64_t k = 0; k < K; k += 8) {
    const __m256i km = mask_first(K - k);
    __m256 bv[RB];
    for (int r = 0; r < RB; r++) bv[r] = _mm256_maskload_ps(b + r * K + k, km);
    for (int m = 0; m < MA; m++) {
      const __m256 av = _mm256_maskload_ps(a + m * lda + k, km);
      for (int r = 0; r < RB; r++) s[m][r] = _mm256_fmadd_ps(av, bv[r], s[m][r]);
    }
  }
  for (int m = 0; m < MA; m++)
    for (int r = 0; r < RB; r++) {
      const float v = hsum(s[m][r]);
      c[m * ldc + r] = accumulate ? c[m * ldc + r] + v : v;
    }
}

template <int RB>
void dot_rows(const GemmArgs& g, int64_t j) {
  const float* b = g.b + j * g.K;
  int64_t m = 0;
  for (; m + 2 <= g.M; m += 2) dot_tile<2, RB>(g.a + m * g.K, g.K, b, g.K, g.c + m * g.N + j, g.N, g.accumulate);
  for (; m < g.M; m++) dot_tile<1, RB>(g.a + m * g.K, g.K, b, g.K, g.c + m * g.N + j, g.N, g.accumulate);
}

}  // namespace

GemmTile gemm_tile() { return {MR, NR}; }

void gemm_block(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  if (g.K == 0) {
    if (!g.accumulate)
      for (int64_t i = m0; i < m1; i++) std::memset(g.c + i * g.N + n0, 0, (n1 - n0) * sizeof(float));
    return;
  }
  Buffers& buf = buffers();
  const int64_t kcs = kc_for(g.K);
  for (int64_t jc = n0; jc < n1; jc += NC) {
    const int64_t nc = n1 - jc < NC ? n1 - jc : NC;
    for (int64_t pc = 0; pc < g.K; pc += kcs) {
      const int64_t kc = g.K - pc < kcs ? g.K - pc : kcs;
      if (g.transB) pack_b_t(buf.pb, g.b, g.K, pc, kc, jc, nc);
      else pack_b_n(buf.pb, g.b, g.N, pc, kc, jc, nc);
      const bool load_c = g.accumulate || pc > 0;
      for (int64_t ic = m0; ic < m1; ic += MC) {
        const int64_t mc = m1 - ic < MC ? m1 - ic : MC;
        if (g.transA) pack_a_t(buf.pa, g.a, g.M, ic, mc, pc, kc);
        else pack_a_n(buf.pa, g.a, g.K, ic, mc, pc, kc);
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const int64_t mr = mc - ir < MR ? mc - ir : MR;
          const TileFn fn = g.transA ? kTiles<true>[mr] : kTiles<false>[mr];
          float* c = g.c + (ic + ir) * g.N + jc;
          for (int64_t jr = 0; jr < nc; jr += NR)
            fn(kc, buf.pa + (ir / MR) * MR * KC, buf.pb + jr * kc, c + jr, g.N, mask_first(nc - jr), mask_first(nc - jr - 8), load_c);
        }
      }
    }
  }
}

void gemv_block(const GemmArgs& g, int64_t n0, int64_t n1) {
  int64_t j = n0;
  for (; j + 4 <= n1; j += 4) dot_rows<4>(g, j);
  for (; j < n1; j++) dot_rows<1>(g, j);
}

// Four sequential streams at once, as in avx512.cpp.
double stream_sum(const float* x, int64_t n) {
  const int64_t q = n / 32 * 8;
  const float *x0 = x, *x1 = x + q, *x2 = x + 2 * q, *x3 = x + 3 * q;
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  for (int64_t i = 0; i < q; i += 8) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x0 + i));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x1 + i));
    s2 = _mm256_add_ps(s2, _mm256_loadu_ps(x2 + i));
    s3 = _mm256_add_ps(s3, _mm256_loadu_ps(x3 + i));
  }
  double s = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  for (int64_t i = 4 * q; i < n; i++) s += x[i];
  return s;
}

}  // namespace llamats::avx2
