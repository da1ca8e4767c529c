// Bindings of SwiGLU (native/kernels/activations/), positional:
//   swigluForward(out, gate, up, n)
//   swigluBackward(dgate, dup, dout, gate, up, n)
#include <napi.h>

#include "dispatch.h"
#include "kernels/activations/activations.h"
#include "napi_util.h"
#include "thread_pool.h"

namespace llamats {

constexpr int64_t kActivationGrain = 1 << 14;

static Napi::Value SwigluForward(const Napi::CallbackInfo& info) {
  int64_t n;
  ArrayArg<float> out, gate, up;
  if (!get_int(info, 3, "n", n) || !get_array(info, 0, "out", out, n) || !get_array(info, 1, "gate", gate, n) ||
      !get_array(info, 2, "up", up, n))
    return info.Env().Undefined();
  static const auto fn = LLAMATS_PICK(swiglu_forward);
  parallel_range(n, kActivationGrain, [&](int64_t b, int64_t e) { fn(out.data + b, gate.data + b, up.data + b, e - b); });
  return info.Env().Undefined();
}

static Napi::Value SwigluBackward(const Napi::CallbackInfo& info) {
  int64_t n;
  ArrayArg<float> dgate, dup, dout, gate, up;
  if (!get_int(info, 5, "n", n) || !get_array(info, 0, "dgate", dgate, n) || !get_array(info, 1, "dup", dup, n) ||
      !get_array(info, 2, "dout", dout, n) || !get_array(info, 3, "gate", gate, n) || !get_array(info, 4, "up", up, n))
    return info.Env().Undefined();
  static const auto fn = LLAMATS_PICK(swiglu_backward);
  parallel_range(n, kActivationGrain, [&](int64_t b, int64_t e) {
    fn(dgate.data + b, dup.data + b, dout.data + b, gate.data + b, up.data + b, e - b);
  });
  return info.Env().Undefined();
}

void register_activations(Napi::Env env, Napi::Object exports) {
  exports.Set("swigluForward", Napi::Function::New(env, SwigluForward, "swigluForward"));
  exports.Set("swigluBackward", Napi::Function::New(env, SwigluBackward, "swigluBackward"));
}

}  // namespace llamats
