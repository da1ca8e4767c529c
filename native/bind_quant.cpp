// Bindings of the quantized-weight kernels (native/kernels/quant/), positional:
//   matmulQuant(out, x, w, ggmlType, M, K, N)       out[M, N] = x[M, K] · Wᵀ, W = N rows of K values in ggmlType
//   dequantizeRow(out, w, ggmlType, row, K)         out[K] = row `row` of W as float
//   quantizeActivations(out, x, ggmlType, M, K)      the activation rows the product would use (test hook)
//   packQuant(w, ggmlType, N, K[, force])           Q8_0/Q4_0 W → a new Uint8Array in the x16 layout
//                                                   (kernels/qpack/qpack.h); undefined for other types, and
//                                                   unless force where this tier has no packed kernel (AVX-512)
//   matmulQuantPacked(out, x, packed, ggmlType, M, K, N)   the product on packed weights (every tier)
// K must be a multiple of the type's block (32 for Q8_0/Q4_0, 256 for Q4_K/Q6_K) and every array long enough,
// else RangeError. The activations are quantized once per call (rows in parallel), then the rows of W are split
// into contiguous static ranges, one per thread; each output element is computed by one thread with an
// operation sequence that depends on K only, so results are bit-identical for any thread count.
#include <napi.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bind_util.h"
#include "dispatch.h"
#include "kernels/qpack/qpack.h"
#include "kernels/quant/quant.h"
#include "thread_pool.h"

namespace llamats {

using quant::QGemmArgs;

// Below this many multiply-adds a product runs on the calling thread (waking the pool costs ~1 µs).
constexpr int64_t kQuantMinParallelMacs = 1 << 15;

static bool check_type(Napi::Env env, int64_t type, int64_t K, int64_t& block, int64_t& bytes) {
  if (!quant::type_info((int)type, block, bytes))
    return fail(env, "ggmlType: " + std::to_string(type) + " is not supported (F16 1, Q4_0 2, Q8_0 8, Q4_K 12, Q6_K 14, BF16 30)");
  if (K % block != 0)
    return fail(env, "K: " + std::to_string(K) + " is not a multiple of the block size " + std::to_string(block) + " of ggml type " + std::to_string(type));
  return true;
}

/** Converts M rows of x to the activation format of `type` into buf (resized), rows in parallel. */
static void quantize_rows(int type, const float* x, int64_t M, int64_t K, std::vector<uint8_t>& buf, int64_t& act_bytes) {
  static const auto quantize = LLAMATS_PICK(quantize_act);
  act_bytes = quant::act_row_bytes(type, K);
  if ((int64_t)buf.size() < M * act_bytes + 64) buf.resize((size_t)(M * act_bytes + 64));
  uint8_t* dst = buf.data();
  if (M * K < (1 << 16)) {
    for (int64_t m = 0; m < M; m++) quantize(type, x + m * K, K, dst + m * act_bytes);
  } else {
    parallel_range(M, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(K, 1)), [&](int64_t b, int64_t e) {
      for (int64_t m = b; m < e; m++) quantize(type, x + m * K, K, dst + m * act_bytes);
    });
  }
}

// The arguments both quantized products share: (out [M, N], x [M, K], weights, ggmlType, M, K, N), checked.
struct ProductArgs {
  int64_t type, M, K, N, block, bytes;
  ArrayArg<float> out, x;
};

static bool get_product_args(const Napi::CallbackInfo& info, const char* name, ProductArgs& p) {
  int64_t MK, MN;
  return get_int(info, 3, "ggmlType", p.type) && get_int(info, 4, "M", p.M) && get_int(info, 5, "K", p.K, 1) && get_int(info, 6, "N", p.N) &&
         check_type(info.Env(), p.type, p.K, p.block, p.bytes) && count(info.Env(), name, {p.M, p.K}, MK) && count(info.Env(), name, {p.M, p.N}, MN) &&
         get_array(info, 0, "out", p.out, MN) && get_array(info, 1, "x", p.x, MK);
}

static Napi::Value MatmulQuant(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProductArgs p;
  if (!get_product_args(info, "matmulQuant", p)) return env.Undefined();
  const int64_t type = p.type, M = p.M, K = p.K, N = p.N, block = p.block, bytes = p.bytes;
  ArrayArg<float>& out = p.out;
  ArrayArg<float>& x = p.x;
  ArrayArg<uint8_t> w;
  const int64_t row_bytes = K / block * bytes;
  int64_t w_bytes;
  if (!count(env, "matmulQuant", {N, row_bytes}, w_bytes) || !get_array(info, 2, "w", w, w_bytes)) return env.Undefined();
  if (M == 0 || N == 0) return env.Undefined();

  static thread_local std::vector<uint8_t> act;
  int64_t act_bytes;
  quantize_rows((int)type, x.data, M, K, act, act_bytes);
  const QGemmArgs a{(int)type, w.data, row_bytes, act.data(), act_bytes, out.data, M, K, N};
  static const auto qgemm = LLAMATS_PICK(qgemm);
  const int64_t threads = num_threads();
  if (threads == 1 || M * N * K < kQuantMinParallelMacs) {
    qgemm(a, 0, N);
  } else {
    // One contiguous range of weight rows per thread: each thread streams its part of W once.
    const int64_t tasks = std::min<int64_t>(threads, N);
    parallel_for(tasks, [&](int64_t t) { qgemm(a, N * t / tasks, N * (t + 1) / tasks); });
  }
  return env.Undefined();
}

static Napi::Value DequantizeRow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t type, row, K, block, bytes;
  ArrayArg<float> out;
  ArrayArg<uint8_t> w;
  if (!get_int(info, 2, "ggmlType", type) || !get_int(info, 3, "row", row) || !get_int(info, 4, "K", K, 1) ||
      !check_type(env, type, K, block, bytes) || !get_array(info, 0, "out", out, K))
    return env.Undefined();
  int64_t end;
  if (!count(env, "dequantizeRow", {row + 1, K / block * bytes}, end) || !get_array(info, 1, "w", w, end)) return env.Undefined();
  ref::dequantize_row((int)type, w.data, row, K, out.data);
  return env.Undefined();
}

static Napi::Value QuantizeActivations(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t type, M, K, MK, block, bytes;
  ArrayArg<uint8_t> out;
  ArrayArg<float> x;
  if (!get_int(info, 2, "ggmlType", type) || !get_int(info, 3, "M", M) || !get_int(info, 4, "K", K, 1) ||
      !check_type(env, type, K, block, bytes) || !count(env, "quantizeActivations", {M, K}, MK) || !get_array(info, 1, "x", x, MK))
    return env.Undefined();
  const int64_t act_bytes = quant::act_row_bytes((int)type, K);
  if (!get_array(info, 0, "out", out, M * act_bytes)) return env.Undefined();
  static const auto quantize = LLAMATS_PICK(quantize_act);
  for (int64_t m = 0; m < M; m++) quantize((int)type, x.data + m * K, K, out.data + m * act_bytes);
  return Napi::Number::New(env, (double)act_bytes);
}

static Napi::Value PackQuant(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t type, N, K, block, bytes, w_bytes;
  ArrayArg<uint8_t> w;
  if (!get_int(info, 1, "ggmlType", type) || !get_int(info, 2, "N", N) || !get_int(info, 3, "K", K, 1) ||
      !check_type(env, type, K, block, bytes) || !count(env, "packQuant", {N, K / block * bytes}, w_bytes) || !get_array(info, 0, "w", w, w_bytes))
    return env.Undefined();
  const bool force = info.Length() > 4 && info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  if (!qpack::packable((int)type) || (!force && isa() != "avx512")) return env.Undefined();
  Napi::Uint8Array dst = Napi::Uint8Array::New(env, (size_t)qpack::packed_bytes((int)type, N, K));
  const int64_t G = qpack::groups(N);
  parallel_range(G, std::max<int64_t>(1, 4096 / std::max<int64_t>(K / 32, 1)),
                 [&](int64_t g0, int64_t g1) { qpack::pack((int)type, w.data, N, K, g0, g1, dst.Data()); });
  return dst;
}

static Napi::Value MatmulQuantPacked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ProductArgs p;
  if (!get_product_args(info, "matmulQuantPacked", p)) return env.Undefined();
  const int64_t type = p.type, M = p.M, K = p.K, N = p.N;
  ArrayArg<float>& out = p.out;
  ArrayArg<float>& x = p.x;
  ArrayArg<uint8_t> w;
  if (!qpack::packable((int)type)) {
    fail(env, "ggmlType: " + std::to_string(type) + " has no packed layout (Q4_0 2, Q8_0 8)");
    return env.Undefined();
  }
  if (!get_array(info, 2, "packed", w, qpack::packed_bytes((int)type, N, K))) return env.Undefined();
  if (M == 0 || N == 0) return env.Undefined();

  static thread_local std::vector<uint8_t> act;
  static thread_local std::vector<int32_t> corr;
  int64_t act_bytes;
  quantize_rows((int)type, x.data, M, K, act, act_bytes);
  if ((int64_t)corr.size() < M * (K / 32)) corr.resize((size_t)(M * (K / 32)));
  qpack::block_offsets((int)type, act.data(), act_bytes, M, K, corr.data());
  const qpack::Args a{{(int)type, w.data, 0, act.data(), act_bytes, out.data, M, K, N}, corr.data()};
  static const auto qgemm = isa() == "avx512" ? &avx512::qgemm_x16 : &ref::qgemm_x16;
  const int64_t G = qpack::groups(N), threads = num_threads();
  if (threads == 1 || M * N * K < kQuantMinParallelMacs || G == 1) {
    qgemm(a, 0, G);
  } else {
    const int64_t tasks = std::min<int64_t>(threads, G);
    parallel_for(tasks, [&](int64_t t) { qgemm(a, G * t / tasks, G * (t + 1) / tasks); });
  }
  return env.Undefined();
}

void register_quant(Napi::Env env, Napi::Object exports) {
  exports.Set("matmulQuant", Napi::Function::New(env, MatmulQuant, "matmulQuant"));
  exports.Set("dequantizeRow", Napi::Function::New(env, DequantizeRow, "dequantizeRow"));
  exports.Set("packQuant", Napi::Function::New(env, PackQuant, "packQuant"));
  exports.Set("matmulQuantPacked", Napi::Function::New(env, MatmulQuantPacked, "matmulQuantPacked"));
  exports.Set("quantizeActivations", Napi::Function::New(env, QuantizeActivations, "quantizeActivations"));
}

}  // namespace llamats
