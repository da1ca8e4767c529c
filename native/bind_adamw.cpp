// Binding of the AdamW step (native/kernels/adamw/), positional:
//   adamw(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step)     step: 1-based integer
#include <napi.h>

#include <cmath>

#include "dispatch.h"
#include "kernels/adamw/adamw.h"
#include "napi_util.h"
#include "thread_pool.h"

namespace llamats {

constexpr int64_t kAdamwGrain = 1 << 14;

static Napi::Value Adamw(const Napi::CallbackInfo& info) {
  int64_t n, step;
  double lr, beta1, beta2, eps, wd;
  ArrayArg<float> param, grad, m, v;
  if (!get_int(info, 4, "n", n) || !get_array(info, 0, "param", param, n) || !get_array(info, 1, "grad", grad, n) ||
      !get_array(info, 2, "m", m, n) || !get_array(info, 3, "v", v, n) || !get_double(info, 5, "lr", lr) ||
      !get_double(info, 6, "beta1", beta1) || !get_double(info, 7, "beta2", beta2) || !get_double(info, 8, "eps", eps) ||
      !get_double(info, 9, "weightDecay", wd) || !get_int(info, 10, "step", step, 1))
    return info.Env().Undefined();
  const double bc1 = 1 - std::pow(beta1, (double)step), bc2 = 1 - std::pow(beta2, (double)step);
  static const auto fn = LLAMATS_PICK(adamw);
  parallel_range(n, kAdamwGrain, [&](int64_t b, int64_t e) {
    fn(param.data + b, grad.data + b, m.data + b, v.data + b, e - b, lr, beta1, beta2, eps, wd, bc1, bc2);
  });
  return info.Env().Undefined();
}

void register_adamw(Napi::Env env, Napi::Object exports) { exports.Set("adamw", Napi::Function::New(env, Adamw, "adamw")); }

}  // namespace llamats
