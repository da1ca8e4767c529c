// Q8_0 / Q4_0 weights repacked at load time, 16 rows interleaved ("x16"), so that one 512-bit vector holds the
// same 4 values of 16 weight rows and one vpdpbusd with a broadcast activation group advances 16 dot products
// (llama.cpp does the same with block_q4_0x8 / ggml_gemm_q4_0_8x8_q8_0, ggml-cpu/repack.cpp). The GGUF bytes are
// not changed; the packed copy lives beside them (src/model/weights.ts `packForInference`).
//
// Layout: rows are taken 16 at a time (group g = rows 16g … 16g+15; rows past N are zero, scale 0). For group g
// and block b (values 32b … 32b+31) one record of 16 × the block's bytes:
//   16 × f16 d, in row order (32 bytes), then the quants as 32-bit lanes, lane r = row 16g + r:
//   Q4_0: 4 vectors of 64 bytes; vector j, lane r = bytes 4j … 4j+3 of row r's qs, i.e. values 4j … 4j+3 in the
//         low nibbles and 16+4j … 16+4j+3 in the high nibbles (block_q4_0 byte i = value i | value i+16 << 4);
//   Q8_0: 8 vectors of 64 bytes; vector j, lane r = qs[4j … 4j+3] of row r, each byte + 128 (as uint8).
// A group's K/32 records are contiguous, so each group is one sequential stream.
//
// Per (weight row, activation row) and block the integer sum is exact: the activation's block sum Σq_x (int8
// codes of quantize_row_q8_0_ref) gives the offset, −8·Σq_x (Q4_0: nibble q, w = q − 8) or −128·Σq_x (Q8_0:
// stored w + 128). The float part is acc = fma(float(isum), d_w · d_x, acc), blocks in order — the same sequence for
// every tile shape, M, and thread split, so those give bit-identical results (the tiers differ only in rounding).
#pragma once
#include <cstdint>

#include "kernels/quant/quant.h"

namespace llamats::qpack {

constexpr int64_t kRows = 16;

inline bool packable(int type) { return type == quant::kQ8_0 || type == quant::kQ4_0; }

/** Bytes of one record (16 rows × one block). */
inline int64_t record_bytes(int type) { return kRows * (type == quant::kQ8_0 ? 34 : 18); }

inline int64_t groups(int64_t N) { return (N + kRows - 1) / kRows; }

/** Bytes of the packed matrix: one record per group and block. */
inline int64_t packed_bytes(int type, int64_t N, int64_t K) { return groups(N) * (K / 32) * record_bytes(type); }

/** Packs rows [g0·16, g1·16) of W (N rows of K values, ggml block layout) into dst (the whole packed matrix). */
void pack(int type, const uint8_t* w, int64_t N, int64_t K, int64_t g0, int64_t g1, uint8_t* dst);

/**
 * The offsets of every activation block: corr[m·(K/32) + b] = −8·Σq (Q4_0) or −128·Σq (Q8_0) over the 32 int8
 * codes of block b of activation row m (rows act_bytes apart, format quant::act_row_bytes).
 */
void block_offsets(int type, const uint8_t* act, int64_t act_bytes, int64_t M, int64_t K, int32_t* corr);

/** One packed product: a.w = packed weights, out[m·N + n] for all m and the rows of groups [g0, g1). */
struct Args {
  quant::QGemmArgs q;  // q.w = packed matrix, q.row_bytes unused
  const int32_t* corr;  // block_offsets of q.act
};

}  // namespace llamats::qpack

namespace llamats::ref {
void qgemm_x16(const qpack::Args& a, int64_t g0, int64_t g1);
}
namespace llamats::avx512 {
void qgemm_x16(const qpack::Args& a, int64_t g0, int64_t g1);
}
