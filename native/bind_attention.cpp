// Bindings of fused causal grouped-query attention (native/kernels/attention/), positional:
//   attentionForward(out, lse | null, q, k, v, segIds | null, B, T, S, H, KVH, headDim, scale, kvBatchStride)
//   attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, segIds | null, B, T, S, H, KVH, headDim, scale,
//                     kvBatchStride)
// Shapes as in src/tensor/kernels.ts: q, out, dq, dout [B, T, H, hd]; k, v [B, S, KVH, hd] with batch stride
// kvBatchStride (≥ S·KVH·hd); dk, dv dense [B, S, KVH, hd]; lse [B, H, T]; segIds [B, S]. Forward tasks are
// (b, kv head, query block), backward tasks (b, kv head): each owns its outputs, so results do not depend
// on the thread count.
#include <napi.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "bind_util.h"
#include "dispatch.h"
#include "kernels/attention/attention.h"
#include "thread_pool.h"

namespace llamats {

/** Reads B, T, S, H, KVH, headDim, scale, kvBatchStride from info[i..i+7] and checks them. */
static bool attention_dims(const Napi::CallbackInfo& info, size_t i, AttentionArgs& a) {
  Napi::Env env = info.Env();
  double scale = 0;
  if (!get_int(info, i, "B", a.B) || !get_int(info, i + 1, "T", a.T) || !get_int(info, i + 2, "S", a.S) ||
      !get_int(info, i + 3, "H", a.H, 1) || !get_int(info, i + 4, "KVH", a.KVH, 1) || !get_int(info, i + 5, "headDim", a.hd, 1) ||
      !get_double(info, i + 6, "scale", scale) || !get_int(info, i + 7, "kvBatchStride", a.kv_stride))
    return false;
  a.scale = (float)scale;
  if (a.S < a.T) return fail(env, "S (" + std::to_string(a.S) + ") must be ≥ T (" + std::to_string(a.T) + ")");
  if (a.H % a.KVH != 0) return fail(env, "H (" + std::to_string(a.H) + ") must be a multiple of KVH (" + std::to_string(a.KVH) + ")");
  int64_t row;
  if (!count(env, "attention", {a.S, a.KVH, a.hd}, row)) return false;
  if (a.kv_stride < row) return fail(env, "kvBatchStride (" + std::to_string(a.kv_stride) + ") must be ≥ S·KVH·headDim (" + std::to_string(row) + ")");
  int64_t nkv;
  if (!count(env, "attention", {a.B, a.kv_stride}, nkv)) return false;
  return true;
}

/** The elements k and v must hold: (B − 1)·kvBatchStride + S·KVH·hd. */
static int64_t kv_len(const AttentionArgs& a) { return a.B == 0 ? 0 : (a.B - 1) * a.kv_stride + a.S * a.KVH * a.hd; }

/** first[b, p] = the first position of sequence b whose document id equals seg[b, p]. */
static void first_positions(std::vector<int32_t>& first, const int32_t* seg, int64_t B, int64_t S) {
  first.resize((size_t)(B * S));
  std::unordered_map<int32_t, int32_t> seen;
  for (int64_t b = 0; b < B; b++) {
    seen.clear();
    for (int64_t s = 0; s < S; s++) first[(size_t)(b * S + s)] = seen.emplace(seg[b * S + s], (int32_t)s).first->second;
  }
}

static Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AttentionArgs a{};
  int64_t nq, nlse;
  ArrayArg<float> out, lse, q, k, v;
  ArrayArg<int32_t> seg;
  if (!attention_dims(info, 6, a) || !count(env, "attentionForward", {a.B, a.T, a.H, a.hd}, nq) ||
      !count(env, "attentionForward", {a.B, a.H, a.T}, nlse) || !get_array(info, 0, "out", out, nq) ||
      !get_optional_array(info, 1, "lse", lse, nlse) || !get_array(info, 2, "q", q, nq) || !get_array(info, 3, "k", k, kv_len(a)) ||
      !get_array(info, 4, "v", v, kv_len(a)) || !get_optional_array(info, 5, "segIds", seg, a.B * a.S))
    return env.Undefined();
  std::vector<int32_t> first;
  if (seg.data) {
    first_positions(first, seg.data, a.B, a.S);
    a.seg = seg.data;
    a.first = first.data();
  }
  static const auto fn = LLAMATS_PICK(attention_forward);
  const int64_t chunk = attention_query_block(a.H / a.KVH);
  const int64_t chunks = (a.T + chunk - 1) / chunk;
  parallel_for(a.B * a.KVH * chunks, [&](int64_t task) {
    const int64_t c = task % chunks, bk = task / chunks, t0 = c * chunk;
    fn(out.data, lse.data, q.data, k.data, v.data, a, bk / a.KVH, bk % a.KVH, t0, t0 + chunk < a.T ? t0 + chunk : a.T);
  });
  return env.Undefined();
}

static Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AttentionArgs a{};
  int64_t nq, nlse, nkv;
  ArrayArg<float> dq, dk, dv, dout, q, k, v, out, lse;
  ArrayArg<int32_t> seg;
  if (!attention_dims(info, 10, a) || !count(env, "attentionBackward", {a.B, a.T, a.H, a.hd}, nq) ||
      !count(env, "attentionBackward", {a.B, a.H, a.T}, nlse) || !count(env, "attentionBackward", {a.B, a.S, a.KVH, a.hd}, nkv) ||
      !get_array(info, 0, "dq", dq, nq) || !get_array(info, 1, "dk", dk, nkv) || !get_array(info, 2, "dv", dv, nkv) ||
      !get_array(info, 3, "dout", dout, nq) || !get_array(info, 4, "q", q, nq) || !get_array(info, 5, "k", k, kv_len(a)) ||
      !get_array(info, 6, "v", v, kv_len(a)) || !get_array(info, 7, "out", out, nq) || !get_array(info, 8, "lse", lse, nlse) ||
      !get_optional_array(info, 9, "segIds", seg, a.B * a.S))
    return env.Undefined();
  std::vector<int32_t> first;
  if (seg.data) {
    first_positions(first, seg.data, a.B, a.S);
    a.seg = seg.data;
    a.first = first.data();
  }
  static const auto fn = LLAMATS_PICK(attention_backward);
  parallel_for(a.B * a.KVH, [&](int64_t task) {
    fn(dq.data, dk.data, dv.data, dout.data, q.data, k.data, v.data, out.data, lse.data, a, task / a.KVH, task % a.KVH);
  });
  return env.Undefined();
}

void register_attention(Napi::Env env, Napi::Object exports) {
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward, "attentionForward"));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward, "attentionBackward"));
}

}  // namespace llamats
