// Causal grouped-query attention with document masking, mirroring src/tensor/ref/attention.ts (see the
// contract in src/tensor/kernels.ts). q, out: [B, T, H, hd]; k, v: [B, S, KVH, hd] with batch stride
// kv_stride; dk, dv: dense [B, S, KVH, hd]; lse: [B, H, T]. Query t sits at p = S − T + t and attends key s iff
// s ≤ p and seg[b, s] == seg[b, p]; head h reads kv head h / (H/KVH).
//
// Work is split into tasks that own disjoint outputs, so no result depends on the thread count:
//  - forward task (b, kvh, t0, t1): all H/KVH query heads of kv head kvh, for queries [t0, t1) (one block);
//  - backward task (b, kvh): dq of those heads for every query, and dk, dv of (b, kvh) for every key.
#pragma once
#include <cstdint>

namespace llamats {

struct AttentionArgs {
  int64_t B, T, S, H, KVH, hd;
  float scale;
  /** Elements between sequences in k and v. */
  int64_t kv_stride;
  /** [B, S] document ids, or null. */
  const int32_t* seg;
  /** [B, S]: the first position whose id equals seg[b, p] (keys before it are masked for query p), or null. */
  const int32_t* first;
};

/** Query positions per block, so that a block has G·Bq ≈ 64 rows (query positions × heads of one kv head). */
static inline int64_t attention_query_block(int64_t G) { return G >= 64 ? 1 : 64 / G; }

}  // namespace llamats

#define LLAMATS_DECLARE_ATTENTION(ns)                                                                               \
  namespace llamats::ns {                                                                                           \
  void attention_forward(float* out, float* lse, const float* q, const float* k, const float* v,                     \
                         const AttentionArgs& a, int64_t b, int64_t kvh, int64_t t0, int64_t t1);                    \
  void attention_backward(float* dq, float* dk, float* dv, const float* dout, const float* q, const float* k,        \
                          const float* v, const float* out, const float* lse, const AttentionArgs& a, int64_t b,     \
                          int64_t kvh);                                                                             \
  }

LLAMATS_DECLARE_ATTENTION(ref)
LLAMATS_DECLARE_ATTENTION(avx2)
LLAMATS_DECLARE_ATTENTION(avx512)
