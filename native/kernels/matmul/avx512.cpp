// AVX-512 SGEMM with the GotoBLAS/BLIS structure, and the decode GEMV.
//
// gemm_block loops, outermost first: NC columns of C (jc) → KC-deep slice of K (pc): op(B)[pc…, jc…] is packed into
// NR-wide micro-panels ([kc][NR], zero-padded) that stay in L2 → MC rows of op(A) (ic): packed into MR-row
// micro-panels → MR rows (ir): the micro-panel stays in L1 → NR columns (jr): the register tile streams one B
// micro-panel from L2. Numbers for Sapphire Rapids (48 KB L1d and 2 MB L2 per core, 2 FMA ports × 16 floats):
// - tile MR×NR = 12×32: 24 zmm accumulators + 2 zmm of B + 1 broadcast of A = 27 of 32 registers; each k step is
//   24 FMAs (12 cycles) for 2 vector loads and 12 broadcasts, so the FMA ports, not the loads, set the pace.
//   Alone in L1 it runs at ~88% of the FMA peak (hand-written assembly did no better).
// - KC = 384: the A micro-panel is 12×384×4 = 18 KB, in L1 beside the streaming B micro-panel (48 KB).
// - NC = 1024: the packed B panel is 384×1024×4 = 1.5 MB, in L2.
// - MC = 144 (12 micro-panels, 216 KB): packing a block of rows at once reads A [K, M] as contiguous segments,
//   and the next block is prefetched while this one computes (NextBlock).
// Sweeps of KC, NC and MC (256-512, 768-2048, 96-192) moved the training shapes by less than the noise.
// Each C element is one FMA chain over k, continued from the stored C across KC slices, so its value does not
// depend on where it sits in a tile, or on how C is split between threads.
#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "matmul.h"
#include "transpose_avx512.h"

namespace llamats::avx512 {
namespace {

constexpr int MR = 12, NR = 32;
constexpr int64_t KC = 384, NC = 1024, MC = 144;

// K is summed in slices of at most KC, balanced (K = 768 is two slices of 384, K = 500 two of 250); the slice
// length depends on K only.
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

inline __mmask16 mask_first(int64_t n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1); }

// ---- packing -------------------------------------------------------------------------------------------

// B stored [K, N]: panel p holds columns jc + p·NR … as [kc][NR]. Row by row, so that B is read sequentially.
void pack_b_n(float* pb, const float* b, int64_t N, int64_t pc, int64_t kc, int64_t jc, int64_t nc) {
  const int64_t w = nc % NR;  // width of a partial last panel (0: none)
  const __mmask16 m0 = mask_first(w), m1 = mask_first(w - 16 > 0 ? w - 16 : 0);
  for (int64_t k = 0; k < kc; k++) {
    const float* src = b + (pc + k) * N + jc;
    float* dst = pb + k * NR;
    int64_t j0 = 0;
    for (; j0 + NR <= nc; j0 += NR, dst += kc * NR) {
      _mm512_store_ps(dst, _mm512_loadu_ps(src + j0));
      _mm512_store_ps(dst + 16, _mm512_loadu_ps(src + j0 + 16));
    }
    if (w) {
      _mm512_store_ps(dst, _mm512_maskz_loadu_ps(m0, src + j0));
      _mm512_store_ps(dst + 16, _mm512_maskz_loadu_ps(m1, src + j0 + 16));
    }
  }
}

// B stored [N, K]: the same panels, transposed 16×16 at a time from 16 rows of B.
void pack_b_t(float* pb, const float* b, int64_t K, int64_t pc, int64_t kc, int64_t jc, int64_t nc) {
  __m512 r[16];
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    float* panel = pb + j0 * kc;
    for (int64_t h = 0; h < NR; h += 16) {
      const int64_t rows = nc - j0 - h;  // valid rows of B in this half (may be ≤ 0: zero padding)
      const float* src = b + (jc + j0 + h) * K + pc;
      for (int64_t k0 = 0; k0 < kc; k0 += 16) {
        const int64_t kw = kc - k0 < 16 ? kc - k0 : 16;
        const __mmask16 km = mask_first(kw);
        for (int t = 0; t < 16; t++) {
          _mm_prefetch((const char*)(src + t * K + k0 + 64), _MM_HINT_T0);  // 16 row streams: help the prefetcher
          r[t] = t < rows ? _mm512_maskz_loadu_ps(km, src + t * K + k0) : _mm512_setzero_ps();
        }
        transpose16(r);
        for (int t = 0; t < kw; t++) _mm512_store_ps(panel + (k0 + t) * NR + h, r[t]);
      }
    }
  }
}

// A block: rows ic … ic+mc−1 of op(A), columns pc … pc+kc−1, as micro-panels of MR rows, panel p at pa + p·MR·KC.
// A stored [M, K]: each micro-panel is [MR][KC] (row-major), a copy of contiguous row segments.
void pack_a_n(float* pa, const float* a, int64_t K, int64_t ic, int64_t mc, int64_t pc, int64_t kc) {
  for (int64_t i = 0; i < mc; i++) std::memcpy(pa + (i / MR) * MR * KC + (i % MR) * KC, a + (ic + i) * K + pc, kc * sizeof(float));
}

// A stored [K, M]: the values of one k are contiguous, so each micro-panel keeps that order, [kc][MR] (k-major);
// the tile reads it with another constant stride instead of paying for a transpose. Packing the whole MC block
// at once reads each row of A as one contiguous segment (per micro-panel it would touch a new line every k).
void pack_a_t(float* pa, const float* a, int64_t M, int64_t ic, int64_t mc, int64_t pc, int64_t kc) {
  // Panel by panel: the stores run sequentially, and after the first panel the loads hit the lines it brought in.
  for (int64_t i0 = 0; i0 < mc; i0 += MR) {
    const __mmask16 im = mask_first(mc - i0 < MR ? mc - i0 : MR);
    const float* src = a + pc * M + ic + i0;
    float* dst = pa + (i0 / MR) * MR * KC;
    for (int64_t k = 0; k < kc; k++, src += M, dst += MR) _mm512_mask_storeu_ps(dst, im, _mm512_maskz_loadu_ps(im, src));
  }
}

// Brings the next A block into L2 while the current one computes, a share of its cache lines per tile call:
// A is read once per column panel, usually from memory, and packing it would otherwise wait on every line.
struct NextBlock {
  const char* base = nullptr;
  int64_t stride = 0, segments = 0, seg_lines = 0, lines = 0;
  const char* seg = nullptr;  // the segment being fetched, and the next line of it
  int64_t seg_done = 0, line = 0;

  // The segments are rows of A (stored [M, K]) or rows k of A (stored [K, M]) of the block (ic…, pc…).
  void start(const GemmArgs& g, int64_t ic, int64_t m1, int64_t pc, int64_t kc) {
    const int64_t mc = m1 - ic < MC ? m1 - ic : MC;
    const float* first = g.transA ? g.a + pc * g.M + ic : g.a + ic * g.K + pc;
    const int64_t seg_bytes = (g.transA ? mc : kc) * 4;
    base = reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(first) & ~(uintptr_t)63);
    seg_lines = (seg_bytes + (reinterpret_cast<uintptr_t>(first) & 63) + 63) / 64;
    stride = (g.transA ? g.M : g.K) * 4;
    segments = g.transA ? kc : mc;
    lines = segments * seg_lines;
    seg = base, seg_done = 0, line = 0;
  }
  void stop() { lines = 0, seg_done = segments; }
  // The next n line addresses (fewer at the end); the tile issues them one per 16 k steps, since a burst of
  // prefetches that miss to memory fills the line-fill buffers and stalls the FMAs behind it.
  int take(const char** out, int n) {
    int i = 0;
    for (; i < n && seg_done < segments; i++) {
      out[i] = seg + line * 64;
      if (++line == seg_lines) line = 0, seg += stride, seg_done++;
    }
    return i;
  }
};

// ---- register tile -------------------------------------------------------------------------------------

// C[R rows, NR columns (masks m0, m1)] (+)= A micro-panel · B micro-panel [kc][NR]. The A micro-panel is
// [R][KC] (row-major, from A stored [M, K]) or [kc][MR] (k-major, from A stored [K, M]).
// Prefetches ride along, one batch per 16 k steps (a burst of misses would fill the line-fill buffers and stall
// the FMAs): a row of the next C tile cn (if any; it is read at the start of the next call) and one line pf[] of
// the next A block (NextBlock).
template <int R, bool KMAJOR>
void tile(int64_t kc, const float* pa, const float* pb, float* c, int64_t ldc, __mmask16 m0, __mmask16 m1, bool load_c,
          const float* cn, const char* const* pf, int npf) {
  __m512 c0[R], c1[R];
  for (int i = 0; i < R; i++) {
    c0[i] = load_c ? _mm512_maskz_loadu_ps(m0, c + i * ldc) : _mm512_setzero_ps();
    c1[i] = load_c ? _mm512_maskz_loadu_ps(m1, c + i * ldc + 16) : _mm512_setzero_ps();
  }
  for (int64_t k0 = 0, t = 0; k0 < kc; k0 += 16, t++) {
    if (cn && t < R) _mm_prefetch((const char*)(cn + t * ldc), _MM_HINT_T0), _mm_prefetch((const char*)(cn + t * ldc + 16), _MM_HINT_T0);
    if (npf > 0) _mm_prefetch(*pf++, _MM_HINT_T1), npf--;
    const int64_t k1 = kc - k0 < 16 ? kc : k0 + 16;
    for (int64_t k = k0; k < k1; k++, pb += NR) {
      // The B micro-panel streams from L2: fetch it 16 k steps (2 KB) ahead.
      _mm_prefetch((const char*)(pb + 16 * NR), _MM_HINT_T0);
      _mm_prefetch((const char*)(pb + 16 * NR + 16), _MM_HINT_T0);
      const __m512 b0 = _mm512_load_ps(pb), b1 = _mm512_load_ps(pb + 16);
      for (int i = 0; i < R; i++) {
        const __m512 ai = _mm512_set1_ps(KMAJOR ? pa[k * MR + i] : pa[i * KC + k]);
        c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
        c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
      }
    }
  }
  for (int i = 0; i < R; i++) {
    _mm512_mask_storeu_ps(c + i * ldc, m0, c0[i]);
    _mm512_mask_storeu_ps(c + i * ldc + 16, m1, c1[i]);
  }
}

using TileFn = void (*)(int64_t, const float*, const float*, float*, int64_t, __mmask16, __mmask16, bool, const float*, const char* const*, int);
template <bool KMAJOR>
constexpr TileFn kTiles[MR + 1] = {nullptr,
                                   tile<1, KMAJOR>, tile<2, KMAJOR>, tile<3, KMAJOR>,  tile<4, KMAJOR>,  tile<5, KMAJOR>,  tile<6, KMAJOR>,
                                   tile<7, KMAJOR>, tile<8, KMAJOR>, tile<9, KMAJOR>, tile<10, KMAJOR>, tile<11, KMAJOR>, tile<12, KMAJOR>};

// ---- decode GEMV: C[m, j] = A[m, :] · B[j, :] --------------------------------------------------------------

// Horizontal sum in a fixed order (halves, then quarters, …).
inline float hsum(__m512 v) {
  const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  __m128 q = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  q = _mm_add_ps(q, _mm_movehl_ps(q, q));
  q = _mm_add_ss(q, _mm_movehdup_ps(q));
  return _mm_cvtss_f32(q);
}

// MA rows of A against RB rows of B: one 16-lane FMA chain per C element, then a fixed reduction tree.
template <int MA, int RB>
void dot_tile(const float* a, int64_t lda, const float* b, int64_t K, float* c, int64_t ldc, bool accumulate) {
  __m512 s[MA][RB];
  for (int m = 0; m < MA; m++)
    for (int r = 0; r < RB; r++) s[m][r] = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 16 <= K; k += 16) {
    __m512 bv[RB];
    for (int r = 0; r < RB; r++) bv[r] = _mm512_loadu_ps(b + r * K + k);
    for (int m = 0; m < MA; m++) {
      const __m512 av = _mm512_loadu_ps(a + m * lda + k);
      for (int r = 0; r < RB; r++) s[m][r] = _mm512_fmadd_ps(av, bv[r], s[m][r]);
    }
  }
  if (k < K) {
    const __mmask16 km = mask_first(K - k);
    __m512 bv[RB];
    for (int r = 0; r < RB; r++) bv[r] = _mm512_maskz_loadu_ps(km, b + r * K + k);
    for (int m = 0; m < MA; m++) {
      const __m512 av = _mm512_maskz_loadu_ps(km, a + m * lda + k);
      for (int r = 0; r < RB; r++) s[m][r] = _mm512_fmadd_ps(av, bv[r], s[m][r]);
    }
  }
  for (int m = 0; m < MA; m++)
    for (int r = 0; r < RB; r++) {
      const float v = hsum(s[m][r]);
      c[m * ldc + r] = accumulate ? c[m * ldc + r] + v : v;
    }
}

// Rows of B in groups of RB; for each group, the rows of A in groups of 4 (then 2, 1) while the group is in L1.
template <int RB>
void dot_rows(const GemmArgs& g, int64_t j) {
  const float* b = g.b + j * g.K;
  int64_t m = 0;
  for (; m + 4 <= g.M; m += 4) dot_tile<4, RB>(g.a + m * g.K, g.K, b, g.K, g.c + m * g.N + j, g.N, g.accumulate);
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
  NextBlock next;
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
        // The A block packed after this one: next rows, else the next K slice, else the next column panel.
        if (ic + MC < m1) next.start(g, ic + MC, m1, pc, kc);
        else if (pc + kcs < g.K) next.start(g, m0, m1, pc + kcs, g.K - pc - kcs < kcs ? g.K - pc - kcs : kcs);
        else if (jc + NC < n1) next.start(g, m0, m1, 0, kcs);
        else next.stop();
        const int per_tile = (int)std::min<int64_t>(next.lines / (((mc + MR - 1) / MR) * ((nc + NR - 1) / NR)) + 1, KC / 16);
        const char* pf[KC / 16];
        for (int64_t ir = 0; ir < mc; ir += MR) {
          const int64_t mr = mc - ir < MR ? mc - ir : MR;
          const TileFn fn = g.transA ? kTiles<true>[mr] : kTiles<false>[mr];
          const float* pa = buf.pa + (ir / MR) * MR * KC;
          float* c = g.c + (ic + ir) * g.N + jc;
          for (int64_t jr = 0; jr < nc; jr += NR) {
            const int64_t nr = nc - jr < NR ? nc - jr : NR;
            // C is out of cache (it is swept once per KC slice): the tile fetches the next tile's rows.
            const float* cn = load_c && jr + NR < nc ? c + jr + NR : nullptr;
            const int npf = next.take(pf, std::min<int64_t>(per_tile, (kc + 15) / 16));
            fn(kc, pa, buf.pb + jr * kc, c + jr, g.N, mask_first(nr), mask_first(nr > 16 ? nr - 16 : 0), load_c, cn, pf, npf);
          }
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

// Four sequential streams at once (the quarters of x), as GEMV reads four rows of W: one stream alone leaves the
// memory system idle between the prefetcher's requests and under-reports the bandwidth.
double stream_sum(const float* x, int64_t n) {
  const int64_t q = n / 64 * 16;  // quarter length, a multiple of 16
  const float *x0 = x, *x1 = x + q, *x2 = x + 2 * q, *x3 = x + 3 * q;
  __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  for (int64_t i = 0; i < q; i += 16) {
    s0 = _mm512_add_ps(s0, _mm512_loadu_ps(x0 + i));
    s1 = _mm512_add_ps(s1, _mm512_loadu_ps(x1 + i));
    s2 = _mm512_add_ps(s2, _mm512_loadu_ps(x2 + i));
    s3 = _mm512_add_ps(s3, _mm512_loadu_ps(x3 + i));
  }
  double s = hsum(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
  for (int64_t i = 4 * q; i < n; i++) s += x[i];
  return s;
}

}  // namespace llamats::avx512
