// Bindings of the elementwise kernels (native/kernels/elementwise/).
#include <napi.h>

#include "dispatch.h"
#include "kernels/elementwise/elementwise.h"
#include "napi_util.h"
#include "thread_pool.h"

namespace llamats {

constexpr int64_t kElementwiseGrain = 1 << 16;

using BinaryFn = void (*)(float*, const float*, const float*, int64_t);

static Napi::Value Binary(const Napi::CallbackInfo& info, BinaryFn fn) {
  int64_t n;
  ArrayArg<float> out, a, b;
  if (!get_int(info, 3, "n", n) || !get_array(info, 0, "out", out, n) || !get_array(info, 1, "a", a, n) ||
      !get_array(info, 2, "b", b, n))
    return info.Env().Undefined();
  parallel_range(n, kElementwiseGrain, [&](int64_t s, int64_t e) { fn(out.data + s, a.data + s, b.data + s, e - s); });
  return info.Env().Undefined();
}

static Napi::Value Scale(const Napi::CallbackInfo& info) {
  int64_t n;
  double s;
  ArrayArg<float> out, a;
  if (!get_int(info, 3, "n", n) || !get_array(info, 0, "out", out, n) || !get_array(info, 1, "a", a, n) ||
      !get_double(info, 2, "s", s))
    return info.Env().Undefined();
  static const auto fn = LLAMATS_PICK(scale);
  parallel_range(n, kElementwiseGrain, [&](int64_t b, int64_t e) { fn(out.data + b, a.data + b, (float)s, e - b); });
  return info.Env().Undefined();
}

static Napi::Value Axpy(const Napi::CallbackInfo& info) {
  int64_t n;
  double alpha;
  ArrayArg<float> y, x;
  if (!get_int(info, 3, "n", n) || !get_array(info, 0, "y", y, n) || !get_double(info, 1, "alpha", alpha) ||
      !get_array(info, 2, "x", x, n))
    return info.Env().Undefined();
  static const auto fn = LLAMATS_PICK(axpy);
  parallel_range(n, kElementwiseGrain, [&](int64_t b, int64_t e) { fn(y.data + b, (float)alpha, x.data + b, e - b); });
  return info.Env().Undefined();
}

void register_elementwise(Napi::Env env, Napi::Object exports) {
  static const BinaryFn add = LLAMATS_PICK(add), mul = LLAMATS_PICK(mul);
  exports.Set("add", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Binary(i, add); }, "add"));
  exports.Set("mul", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Binary(i, mul); }, "mul"));
  exports.Set("scale", Napi::Function::New(env, Scale, "scale"));
  exports.Set("axpy", Napi::Function::New(env, Axpy, "axpy"));
}

}  // namespace llamats
