// Binding of the matmul kernels (native/kernels/matmul/). JavaScript surface, two equivalent forms:
//
//   addon.matmul(c, a, b, dims)
//   addon.matmul(c, a, b, M, K, N, transA, transB, accumulate[, batch, strideA, strideB, strideC])
//
// c, a, b: Float32Array. dims is the MatmulDims object of src/tensor/kernels.ts (`Kernels.matmul`):
// { M, K, N, transA, transB, accumulate, batch?, strideA?, strideB?, strideC? }; batch defaults to 1 and the
// strides to the dense matrix sizes (M·K, K·N, M·N); a stride of 0 broadcasts one matrix to the whole batch.
// The positional form takes the same values as numbers and booleans (undefined batch or strides: defaults); it costs
// ~4× less per call (reading ten properties of an object dominates a small decode product): adapters should
// use it. Every dimension must be a non-negative integer and every array a Float32Array long enough for what
// the dims say ((batch−1)·stride + rows·cols elements); c must not overlap a or b. Anything else throws a
// RangeError before any element is read or written. Batches run in order (so a C stride of 0 sums the batch
// when accumulating). The work is split over the thread pool (addon.setThreads); the result is bit-identical
// for any thread count. Products with M ≤ 64 and transB (decode: y = x·Wᵀ) take a GEMV path that streams W
// once; its rounding differs from the GEMM path's (both are within the tolerance of the f32 reference).
//
// Opt-in bf16 (not the default: it changes numerics, relative error ~2e-3 against ~1e-6): dims.precision = 'bf16'
// (positional: a 14th argument 'bf16'), or LLAMATS_MATMUL=bf16 for every call that names no precision. The
// operands are rounded to bfloat16 while packing and multiplied on AMX tiles with float32 sums, 2.5-6× faster on
// the training shapes; GEMV-path products stay float32. Where AMX is not usable (addon.matmulBf16 === false) the
// request is ignored and the product is float32.
#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "dispatch.h"
#include "kernels/matmul/driver.h"
#include "napi_util.h"

namespace llamats {

namespace {

// One napi_get_typedarray_info call per array (the node-addon-api accessors make five): decode issues a few
// hundred small products per token, so the per-call cost matters.
bool get_f32(const Napi::CallbackInfo& info, size_t i, const char* name, ArrayArg<float>& out) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  if (i >= info.Length() || napi_get_typedarray_info(info.Env(), info[i], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array)
    return fail(info.Env(), std::string("matmul: ") + name + ": expected a Float32Array");
  out.data = static_cast<float*>(data);
  out.length = (int64_t)length;
  return true;
}

// A non-negative integer argument (positional form).
bool get_dim(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t& out) {
  double v;
  if (i >= info.Length() || napi_get_value_double(info.Env(), info[i], &v) != napi_ok || !(v >= 0) || v > 9007199254740992.0 ||
      v != (double)(int64_t)v)
    return fail(info.Env(), std::string("matmul: ") + name + ": expected an integer ≥ 0");
  out = (int64_t)v;
  return true;
}

// Elements that `batch` matrices of rows·cols values, `stride` apart, occupy (computed in 128 bits, so that
// absurd dims cannot wrap around and pass the length check).
__int128 span(int64_t batch, int64_t stride, int64_t rows, int64_t cols) {
  const __int128 size = (__int128)rows * cols;
  if (batch == 0 || size == 0) return 0;
  return (__int128)(batch - 1) * stride + size;
}

bool check_len(Napi::Env env, const char* name, const ArrayArg<float>& x, __int128 need) {
  if ((__int128)x.length >= need) return true;
  return fail(env, std::string("matmul: ") + name + ": has " + std::to_string(x.length) + " elements, needs " +
                       std::to_string((long double)need));
}

bool overlap(const ArrayArg<float>& x, __int128 nx, const ArrayArg<float>& y, __int128 ny) {
  if (nx == 0 || ny == 0) return false;
  return x.data < y.data + (int64_t)ny && y.data < x.data + (int64_t)nx;
}

const MatmulImpl& impl() {
  static const MatmulImpl i = {LLAMATS_PICK(gemm_tile), LLAMATS_PICK(gemm_block), LLAMATS_PICK(gemv_block), LLAMATS_PICK(stream_sum)};
  return i;
}

// bf16 products on AMX tiles need the tile permission and AVX512_BF16 (for the conversions while packing).
bool bf16_available() {
  static const bool ok = cpu().amx_usable && cpu().amx_bf16 && isa() == "avx512";
  return ok;
}

// The bf16 variant: AMX for GEMM, the float32 GEMV (one row of x gains nothing from tiles).
const MatmulImpl& impl_bf16() {
  static const MatmulImpl i = {&amx::gemm_tile, &amx::gemm_block, impl().gemv_block, impl().stream_sum};
  return i;
}

// LLAMATS_MATMUL=bf16 makes bf16 the default precision of every call that does not name one.
bool bf16_by_default() {
  static const bool on = [] {
    const char* e = std::getenv("LLAMATS_MATMUL");
    return e && std::string(e) == "bf16";
  }();
  return on;
}

// "f32" or "bf16" (argument or property value; undefined: the default).
bool get_precision(Napi::Env env, Napi::Value v, bool& bf16) {
  bf16 = bf16_by_default();
  if (v.IsUndefined()) return true;
  const std::string p = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (p != "f32" && p != "bf16") return fail(env, "matmul: precision: expected 'f32' or 'bf16'");
  bf16 = p == "bf16";
  return true;
}

// Default strides: the dense sizes (saturated: a size past int64 can never pass the length checks).
int64_t dense(int64_t r, int64_t c) {
  const __int128 n = (__int128)r * c;
  return n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

bool get_flag(const Napi::CallbackInfo& info, size_t i, bool& out) {
  napi_value v;
  if (i >= info.Length()) return out = false, true;
  if (napi_coerce_to_bool(info.Env(), info[i], &v) != napi_ok || napi_get_value_bool(info.Env(), v, &out) != napi_ok)
    return fail(info.Env(), "matmul: expected a boolean flag");
  return true;
}

// dims object: { M, K, N, transA, transB, accumulate, batch?, strideA?, strideB?, strideC? }
bool shape_from_object(Napi::Object d, MatmulShape& s) {
  const int64_t one = 1;
  if (!get_prop_int(d, "M", s.M) || !get_prop_int(d, "K", s.K) || !get_prop_int(d, "N", s.N) || !get_prop_int(d, "batch", s.batch, 0, &one))
    return false;
  get_prop_bool(d, "transA", s.transA);
  get_prop_bool(d, "transB", s.transB);
  get_prop_bool(d, "accumulate", s.accumulate);
  const int64_t dA = dense(s.M, s.K), dB = dense(s.K, s.N), dC = dense(s.M, s.N);
  return get_prop_int(d, "strideA", s.strideA, 0, &dA) && get_prop_int(d, "strideB", s.strideB, 0, &dB) &&
         get_prop_int(d, "strideC", s.strideC, 0, &dC);
}

// positional: M, K, N, transA, transB, accumulate[, batch, strideA, strideB, strideC] from argument 3 on
bool shape_from_args(const Napi::CallbackInfo& info, MatmulShape& s) {
  if (!get_dim(info, 3, "M", s.M) || !get_dim(info, 4, "K", s.K) || !get_dim(info, 5, "N", s.N) || !get_flag(info, 6, s.transA) ||
      !get_flag(info, 7, s.transB) || !get_flag(info, 8, s.accumulate))
    return false;
  s.batch = 1, s.strideA = dense(s.M, s.K), s.strideB = dense(s.K, s.N), s.strideC = dense(s.M, s.N);
  // Missing or undefined: the default (so `d.batch, d.strideA, …` can be passed straight through).
  auto opt = [&](size_t i, const char* name, int64_t& out) { return i >= info.Length() || info[i].IsUndefined() || get_dim(info, i, name, out); };
  return opt(9, "batch", s.batch) && opt(10, "strideA", s.strideA) && opt(11, "strideB", s.strideB) && opt(12, "strideC", s.strideC);
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg<float> c, a, b;
  if (!get_f32(info, 0, "c", c) || !get_f32(info, 1, "a", a) || !get_f32(info, 2, "b", b)) return env.Undefined();
  MatmulShape s{};
  bool bf16 = false;
  if (info.Length() >= 4 && info[3].IsNumber()) {
    if (!shape_from_args(info, s) || !get_precision(env, info.Length() > 13 ? info[13] : env.Undefined(), bf16)) return env.Undefined();
  } else if (info.Length() >= 4 && info[3].IsObject()) {
    if (!shape_from_object(info[3].As<Napi::Object>(), s) || !get_precision(env, info[3].As<Napi::Object>().Get("precision"), bf16))
      return env.Undefined();
  } else {
    fail(env, "matmul: dims: expected an object { M, K, N, transA, transB, accumulate, batch?, strideA?, strideB?, strideC? }");
    return env.Undefined();
  }
  const __int128 nA = span(s.batch, s.strideA, s.M, s.K), nB = span(s.batch, s.strideB, s.K, s.N),
                 nC = span(s.batch, s.strideC, s.M, s.N);
  if (!check_len(env, "a", a, nA) || !check_len(env, "b", b, nB) || !check_len(env, "c", c, nC)) return env.Undefined();
  if (overlap(c, nC, a, nA) || overlap(c, nC, b, nB)) {
    fail(env, "matmul: c overlaps a or b (the product cannot be written in place)");
    return env.Undefined();
  }
  matmul_run(bf16 && bf16_available() ? impl_bf16() : impl(), c.data, a.data, b.data, s);
  return env.Undefined();
}

// streamSum(x: Float32Array): number — Σ x read once over the thread pool, as fast as the memory allows.
// bench/gemm.ts times it to measure the read bandwidth that the decode GEMV is compared with.
Napi::Value StreamSum(const Napi::CallbackInfo& info) {
  ArrayArg<float> x;
  if (!get_f32(info, 0, "x", x)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), stream_sum_parallel(impl(), x.data, x.length));
}

}  // namespace

void register_matmul(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
  exports.Set("streamSum", Napi::Function::New(env, StreamSum, "streamSum"));
  exports.Set("matmulBf16", Napi::Boolean::New(env, bf16_available()));
}

}  // namespace llamats
