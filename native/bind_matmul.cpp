// Binding of the matmul kernels (native/kernels/matmul/). JavaScript surface:
//
//   addon.matmul(c: Float32Array, a: Float32Array, b: Float32Array, dims: MatmulDims): void
//
// exactly the contract of src/tensor/kernels.ts `Kernels.matmul` (dims = { M, K, N, transA, transB, accumulate,
// batch?, strideA?, strideB?, strideC? }; batch defaults to 1, strides to the dense matrix sizes, 0 broadcasts).
// Every dimension must be a non-negative integer and every array a Float32Array long enough for what the dims
// say ((batch−1)·stride + rows·cols elements); c must not overlap a or b. Anything else throws a RangeError
// before a byte is read. Batches run in order (a C stride of 0 sums the batch when accumulating).
// The call splits the work over the thread pool (addon.setThreads); the result is bit-identical for any thread
// count. Products with M ≤ 8 and transB (decode: y = x·Wᵀ) take a GEMV path that streams W once.
#include <napi.h>

#include <cstdint>
#include <string>

#include "dispatch.h"
#include "kernels/matmul/driver.h"
#include "napi_util.h"

namespace llamats {

namespace {

bool get_f32(const Napi::CallbackInfo& info, size_t i, const char* name, ArrayArg<float>& out) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    return fail(env, std::string("matmul: ") + name + ": expected a Float32Array");
  return get_array<float>(info, i, name, out, 0);
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
  static const MatmulImpl i = {LLAMATS_PICK(gemm_tile), LLAMATS_PICK(gemm_block), LLAMATS_PICK(gemv_block)};
  return i;
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ArrayArg<float> c, a, b;
  if (!get_f32(info, 0, "c", c) || !get_f32(info, 1, "a", a) || !get_f32(info, 2, "b", b)) return env.Undefined();
  if (info.Length() < 4 || !info[3].IsObject()) {
    fail(env, "matmul: dims: expected an object { M, K, N, transA, transB, accumulate, batch?, stride?? }");
    return env.Undefined();
  }
  Napi::Object d = info[3].As<Napi::Object>();
  MatmulShape s{};
  const int64_t one = 1;
  if (!get_prop_int(d, "M", s.M) || !get_prop_int(d, "K", s.K) || !get_prop_int(d, "N", s.N) ||
      !get_prop_int(d, "batch", s.batch, 0, &one))
    return env.Undefined();
  get_prop_bool(d, "transA", s.transA);
  get_prop_bool(d, "transB", s.transB);
  get_prop_bool(d, "accumulate", s.accumulate);
  // Default strides: the dense sizes (saturated: a size past int64 can never pass the length checks below).
  auto size = [](int64_t r, int64_t c) { const __int128 n = (__int128)r * c; return n > INT64_MAX ? INT64_MAX : (int64_t)n; };
  const int64_t dA = size(s.M, s.K), dB = size(s.K, s.N), dC = size(s.M, s.N);
  if (!get_prop_int(d, "strideA", s.strideA, 0, &dA) || !get_prop_int(d, "strideB", s.strideB, 0, &dB) ||
      !get_prop_int(d, "strideC", s.strideC, 0, &dC))
    return env.Undefined();
  const __int128 nA = span(s.batch, s.strideA, s.M, s.K), nB = span(s.batch, s.strideB, s.K, s.N),
                 nC = span(s.batch, s.strideC, s.M, s.N);
  if (!check_len(env, "a", a, nA) || !check_len(env, "b", b, nB) || !check_len(env, "c", c, nC)) return env.Undefined();
  if (overlap(c, nC, a, nA) || overlap(c, nC, b, nB)) {
    fail(env, "matmul: c overlaps a or b (the product cannot be written in place)");
    return env.Undefined();
  }
  matmul_run(impl(), c.data, a.data, b.data, s);
  return env.Undefined();
}

}  // namespace

void register_matmul(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
}

}  // namespace llamats
