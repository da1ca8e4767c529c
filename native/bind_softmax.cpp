// Bindings of the row softmax (native/kernels/softmax/), positional:
//   softmaxForward(out, x, N, C)
//   softmaxBackward(dx, dout, out, N, C)
#include <napi.h>

#include "bind_util.h"
#include "dispatch.h"
#include "kernels/softmax/softmax.h"
#include "thread_pool.h"

namespace llamats {

static Napi::Value SoftmaxForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, C, NC;
  ArrayArg<float> out, x;
  if (!get_int(info, 2, "N", N) || !get_int(info, 3, "C", C) || !count(env, "softmaxForward", {N, C}, NC) ||
      !get_array(info, 0, "out", out, NC) || !get_array(info, 1, "x", x, NC))
    return env.Undefined();
  static const auto fn = LLAMATS_PICK(softmax_forward);
  parallel_range(N, row_grain(C), [&](int64_t b, int64_t e) { fn(out.data + b * C, x.data + b * C, e - b, C); });
  return env.Undefined();
}

static Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, C, NC;
  ArrayArg<float> dx, dout, out;
  if (!get_int(info, 3, "N", N) || !get_int(info, 4, "C", C) || !count(env, "softmaxBackward", {N, C}, NC) ||
      !get_array(info, 0, "dx", dx, NC) || !get_array(info, 1, "dout", dout, NC) || !get_array(info, 2, "out", out, NC))
    return env.Undefined();
  static const auto fn = LLAMATS_PICK(softmax_backward);
  parallel_range(N, row_grain(C), [&](int64_t b, int64_t e) {
    fn(dx.data + b * C, dout.data + b * C, out.data + b * C, e - b, C);
  });
  return env.Undefined();
}

void register_softmax(Napi::Env env, Napi::Object exports) {
  exports.Set("softmaxForward", Napi::Function::New(env, SoftmaxForward, "softmaxForward"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackward, "softmaxBackward"));
}

}  // namespace llamats
