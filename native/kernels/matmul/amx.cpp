// Opt-in bf16 matmul on AMX tiles (Sapphire Rapids and later): the operands are rounded to bfloat16 while they
// are packed, products are summed in float32 by TDPBF16PS. Not the default: bf16 keeps 8 bits of mantissa, so
// each product carries a relative error up to 2^-8 (f32: 2^-24). Selected by LLAMATS_MATMUL=bf16 or
// dims.precision = 'bf16' (native/bind_matmul.cpp), and only where cpu().amx_usable.
//
// Tiles (8 registers of 16 rows × 64 bytes): C is a 32×32 block in tiles 0-3 (16×16 f32 each), tiles 4-5 hold
// two 16×32 bf16 slices of A, tiles 6-7 two 32×16 slices of B in the "VNNI" pair layout (row p holds
// (B[2p][j], B[2p+1][j]) for 16 columns j). One k step of 32 is 4 loads and 4 TDPBF16PS = 32·32·32 MACs.
// Blocking as in avx512.cpp, with bf16 halving the bytes: KC = 512 (a 32×512 A slice and a 512×32 B slice are
// 32 KB each), NC = 1024 (the packed B panel is 1 MB, in L2; wider panels repack A less often, which matters
// when the tiles compute 4-6× faster than FMAs), MC = 128.
// Each C element is TDPBF16PS's fixed-order float sum over each k step, continued from the stored C across KC
// slices: the result does not depend on the thread count.
#include <immintrin.h>

#include <cstdlib>
#include <cstring>

#include "matmul.h"
#include "transpose_avx512.h"

namespace llamats::amx {
namespace {

using avx512::transpose16;

constexpr int64_t KC = 512, NC = 1024, MC = 128;
constexpr int64_t TK = 32;  // k values per tile step (16 bf16 pairs)

int64_t kc_for(int64_t K) {
  int64_t slices = (K + KC - 1) / KC;
  return (K + slices - 1) / slices;
}
inline int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
inline __mmask16 mask_first(int64_t n) { return n >= 16 ? (__mmask16)0xFFFF : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1); }

struct Buffers {
  uint16_t* pa;  // [MC/16][KC/32][16 rows][32 bf16]
  uint16_t* pb;  // [NC/16][KC/32][16 pairs][16 columns × 2 bf16]
};

Buffers& buffers() {
  static thread_local Buffers b = {static_cast<uint16_t*>(std::aligned_alloc(64, MC * KC * 2)),
                                   static_cast<uint16_t*>(std::aligned_alloc(64, KC * NC * 2))};
  return b;
}

// 32 floats (lo: k … k+15, hi: k+16 … k+31) → 32 bf16 in k order, rounded to nearest even.
inline __m512i to_bf16(__m512 lo, __m512 hi) { return (__m512i)_mm512_cvtne2ps_pbh(hi, lo); }

// ---- packing ------------------------------------------------------------------------------------------

// A block: rows ic … ic+mc−1 of op(A), k in [pc, pc+kc), as 16×32 tiles; rows past mc and k past kc are zero.
void pack_a(uint16_t* pa, const GemmArgs& g, int64_t ic, int64_t mc, int64_t pc, int64_t kc) {
  const int64_t kt = round_up(kc, TK) / TK;
  __m512 r[16], s[16];
  for (int64_t i0 = 0; i0 < round_up(mc, 32); i0 += 16)  // whole 32-row blocks: the padding rows are zeros
    for (int64_t t = 0; t < kt; t++) {
      uint16_t* tile = pa + ((i0 / 16) * kt + t) * 512;
      const int64_t k0 = t * TK, kw = kc - k0;
      if (!g.transA) {
        for (int i = 0; i < 16; i++) {
          const float* src = g.a + (ic + i0 + i) * g.K + pc + k0;
          const bool row = i0 + i < mc;
          const __m512 lo = row ? _mm512_maskz_loadu_ps(mask_first(kw), src) : _mm512_setzero_ps();
          const __m512 hi = row ? _mm512_maskz_loadu_ps(mask_first(kw - 16), src + 16) : _mm512_setzero_ps();
          _mm512_store_si512(tile + i * 32, to_bf16(lo, hi));
        }
      } else {
        // A stored [K, M]: transpose 16 k × 16 rows twice, then convert row by row.
        const __mmask16 im = mask_first(mc - i0);
        for (int k = 0; k < 16; k++) {
          const float* src = g.a + (pc + k0 + k) * g.M + ic + i0;
          r[k] = k < kw ? _mm512_maskz_loadu_ps(im, src) : _mm512_setzero_ps();
          s[k] = k + 16 < kw ? _mm512_maskz_loadu_ps(im, src + 16 * g.M) : _mm512_setzero_ps();
        }
        transpose16(r);
        transpose16(s);
        for (int i = 0; i < 16; i++) _mm512_store_si512(tile + i * 32, to_bf16(r[i], s[i]));
      }
    }
}

// B panel: columns jc … jc+nc−1 of op(B), k in [pc, pc+kc), as VNNI tiles of 32 k × 16 columns.
void pack_b(uint16_t* pb, const GemmArgs& g, int64_t jc, int64_t nc, int64_t pc, int64_t kc) {
  const int64_t kt = round_up(kc, TK) / TK;
  // (lo, hi) converted gives [lo0 … lo15 | hi0 … hi15] as 16-bit words; this index interleaves them pairwise.
  static const __m512i kInterleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                      23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  __m512 r[16];
  for (int64_t j0 = 0; j0 < round_up(nc, 32); j0 += 16)  // whole 32-column blocks, padding zeros
    for (int64_t t = 0; t < kt; t++) {
      uint16_t* tile = pb + ((j0 / 16) * kt + t) * 512;
      const int64_t k0 = t * TK, kw = kc - k0;
      if (g.transB) {
        // B stored [N, K]: row j has the 32 k values of column j; as bf16 pairs they are 16 32-bit units, so a
        // 16×16 transpose of 32-bit units gives the pair rows.
        for (int j = 0; j < 16; j++) {
          const float* src = g.b + (jc + j0 + j) * g.K + pc + k0;
          const bool col = j0 + j < nc;
          const __m512 lo = col ? _mm512_maskz_loadu_ps(mask_first(kw), src) : _mm512_setzero_ps();
          const __m512 hi = col ? _mm512_maskz_loadu_ps(mask_first(kw - 16), src + 16) : _mm512_setzero_ps();
          r[j] = _mm512_castsi512_ps(to_bf16(lo, hi));
        }
        transpose16(r);
        for (int p = 0; p < 16; p++) _mm512_store_ps(tile + p * 32, r[p]);
      } else {
        // B stored [K, N]: pair row p interleaves rows k0+2p and k0+2p+1.
        const __mmask16 jm = mask_first(nc - j0);
        for (int p = 0; p < 16; p++) {
          const float* src = g.b + (pc + k0 + 2 * p) * g.N + jc + j0;
          const __m512 e = 2 * p < kw ? _mm512_maskz_loadu_ps(jm, src) : _mm512_setzero_ps();
          const __m512 o = 2 * p + 1 < kw ? _mm512_maskz_loadu_ps(jm, src + g.N) : _mm512_setzero_ps();
          _mm512_store_si512(tile + p * 32, _mm512_permutexvar_epi16(kInterleave, to_bf16(e, o)));
        }
      }
    }
}

// ---- tile kernel --------------------------------------------------------------------------------------

struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0, reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

void configure_tiles() {
  TileConfig cfg;
  for (int t = 0; t < 8; t++) cfg.colsb[t] = 64, cfg.rows[t] = 16;
  _tile_loadconfig(&cfg);
}

// C[32×32] at c (row stride ldc floats) (+)= A slices (2 tiles per k step) · B slices (2 tiles per k step).
void block32(int64_t kt, const uint16_t* a0, const uint16_t* a1, const uint16_t* b0, const uint16_t* b1, float* c, int64_t ldc, bool load_c) {
  const int64_t ld = ldc * 4;
  if (load_c) {
    _tile_loadd(0, c, ld);
    _tile_loadd(1, c + 16, ld);
    _tile_loadd(2, c + 16 * ldc, ld);
    _tile_loadd(3, c + 16 * ldc + 16, ld);
  } else {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
  }
  for (int64_t t = 0; t < kt; t++) {
    _tile_loadd(4, a0 + t * 512, 64);
    _tile_loadd(6, b0 + t * 512, 64);
    _tile_loadd(7, b1 + t * 512, 64);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_loadd(5, a1 + t * 512, 64);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  _tile_stored(0, c, ld);
  _tile_stored(1, c + 16, ld);
  _tile_stored(2, c + 16 * ldc, ld);
  _tile_stored(3, c + 16 * ldc + 16, ld);
}

}  // namespace

GemmTile gemm_tile() { return {32, 32}; }

void gemm_block(const GemmArgs& g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  if (g.K == 0) {
    if (!g.accumulate)
      for (int64_t i = m0; i < m1; i++) std::memset(g.c + i * g.N + n0, 0, (n1 - n0) * sizeof(float));
    return;
  }
  configure_tiles();
  Buffers& buf = buffers();
  alignas(64) float edge[32 * 32];
  const int64_t kcs = kc_for(g.K);
  for (int64_t jc = n0; jc < n1; jc += NC) {
    const int64_t nc = n1 - jc < NC ? n1 - jc : NC;
    for (int64_t pc = 0; pc < g.K; pc += kcs) {
      const int64_t kc = g.K - pc < kcs ? g.K - pc : kcs, kt = round_up(kc, TK) / TK;
      pack_b(buf.pb, g, jc, nc, pc, kc);
      const bool load_c = g.accumulate || pc > 0;
      for (int64_t ic = m0; ic < m1; ic += MC) {
        const int64_t mc = m1 - ic < MC ? m1 - ic : MC;
        pack_a(buf.pa, g, ic, mc, pc, kc);
        for (int64_t ir = 0; ir < mc; ir += 32) {
          const uint16_t* a0 = buf.pa + (ir / 16) * kt * 512;
          const uint16_t* a1 = a0 + kt * 512;
          for (int64_t jr = 0; jr < nc; jr += 32) {
            const uint16_t* b0 = buf.pb + (jr / 16) * kt * 512;
            const uint16_t* b1 = b0 + kt * 512;
            float* c = g.c + (ic + ir) * g.N + jc + jr;
            const int64_t mr = mc - ir < 32 ? mc - ir : 32, nr = nc - jr < 32 ? nc - jr : 32;
            if (mr == 32 && nr == 32) {
              block32(kt, a0, a1, b0, b1, c, g.N, load_c);
              continue;
            }
            // Edge block: through a 32×32 buffer (only the valid part of C is read and written).
            for (int64_t i = 0; i < 32; i++)
              for (int64_t j = 0; j < 32; j++) edge[i * 32 + j] = load_c && i < mr && j < nr ? c[i * g.N + j] : 0.0f;
            block32(kt, a0, a1, b0, b1, edge, 32, true);
            for (int64_t i = 0; i < mr; i++) std::memcpy(c + i * g.N, edge + i * 32, nr * sizeof(float));
          }
        }
      }
    }
  }
  _tile_release();
}

}  // namespace llamats::amx
