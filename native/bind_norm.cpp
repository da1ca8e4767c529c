// Bindings of RMSNorm (native/kernels/norm/), positional:
//   rmsnormForward(out, rstd, x, w, N, C, eps)
//   rmsnormBackward(dx, dw, dout, x, w, rstd, N, C)      dx written, dw accumulated (+=)
// Rows go to threads in chunks; dw is split by columns (each column summed over all rows in order), so it does
// not depend on the thread count.
#include <napi.h>

#include "bind_util.h"
#include "dispatch.h"
#include "kernels/norm/norm.h"
#include "thread_pool.h"

namespace llamats {

constexpr int64_t kDwColumns = 32;

static Napi::Value RmsnormForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, C, NC;
  double eps;
  ArrayArg<float> out, rstd, x, w;
  if (!get_int(info, 4, "N", N) || !get_int(info, 5, "C", C, 1) || !get_double(info, 6, "eps", eps) ||
      !count(env, "rmsnormForward", {N, C}, NC) || !get_array(info, 0, "out", out, NC) ||
      !get_array(info, 1, "rstd", rstd, N) || !get_array(info, 2, "x", x, NC) || !get_array(info, 3, "w", w, C))
    return env.Undefined();
  static const auto fn = LLAMATS_PICK(rmsnorm_forward);
  parallel_range(N, row_grain(C), [&](int64_t b, int64_t e) {
    fn(out.data + b * C, rstd.data + b, x.data + b * C, w.data, e - b, C, (float)eps);
  });
  return env.Undefined();
}

static Napi::Value RmsnormBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, C, NC;
  ArrayArg<float> dx, dw, dout, x, w, rstd;
  if (!get_int(info, 6, "N", N) || !get_int(info, 7, "C", C, 1) || !count(env, "rmsnormBackward", {N, C}, NC) ||
      !get_array(info, 0, "dx", dx, NC) || !get_array(info, 1, "dw", dw, C) || !get_array(info, 2, "dout", dout, NC) ||
      !get_array(info, 3, "x", x, NC) || !get_array(info, 4, "w", w, C) || !get_array(info, 5, "rstd", rstd, N))
    return env.Undefined();
  static const auto fdx = LLAMATS_PICK(rmsnorm_backward_dx);
  static const auto fdw = LLAMATS_PICK(rmsnorm_backward_dw);
  // dw first: dx may alias dout (not promised by the contract, but harmless to allow).
  parallel_range(C, kDwColumns, [&](int64_t b, int64_t e) { fdw(dw.data, dout.data, x.data, rstd.data, N, C, b, e); });
  parallel_range(N, row_grain(C), [&](int64_t b, int64_t e) {
    fdx(dx.data + b * C, dout.data + b * C, x.data + b * C, w.data, rstd.data + b, e - b, C);
  });
  return env.Undefined();
}

void register_norm(Napi::Env env, Napi::Object exports) {
  exports.Set("rmsnormForward", Napi::Function::New(env, RmsnormForward, "rmsnormForward"));
  exports.Set("rmsnormBackward", Napi::Function::New(env, RmsnormBackward, "rmsnormBackward"));
}

}  // namespace llamats
