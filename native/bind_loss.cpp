// Bindings of the fused cross-entropy (native/kernels/loss/), positional:
//   crossEntropyForward(losses, lse, logits, targets, N, V, ignoreIndex)
//   crossEntropyBackward(dlogits, logits, lse, targets, dloss, N, V, ignoreIndex)   dlogits may alias logits
// Every target must be ignoreIndex or in [0, V) (RangeError otherwise).
#include <napi.h>

#include <string>

#include "bind_util.h"
#include "dispatch.h"
#include "kernels/loss/loss.h"
#include "thread_pool.h"

namespace llamats {

static bool check_targets(Napi::Env env, const ArrayArg<int32_t>& t, int64_t N, int64_t V, int64_t ignore) {
  for (int64_t n = 0; n < N; n++) {
    int64_t x = t.data[n];
    if (x != ignore && (x < 0 || x >= V))
      return fail(env, "targets[" + std::to_string(n) + "] = " + std::to_string(x) + " is outside [0, " + std::to_string(V) + ")");
  }
  return true;
}

static bool ce_dims(const Napi::CallbackInfo& info, size_t i, int64_t& N, int64_t& V, int64_t& ignore, int64_t& NV) {
  return get_int(info, i, "N", N) && get_int(info, i + 1, "V", V, 1) && get_int(info, i + 2, "ignoreIndex", ignore, INT32_MIN) &&
         count(info.Env(), "crossEntropy", {N, V}, NV);
}

static Napi::Value CrossEntropyForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, V, ignore, NV;
  ArrayArg<float> losses, lse, logits;
  ArrayArg<int32_t> targets;
  if (!ce_dims(info, 4, N, V, ignore, NV) || !get_array(info, 0, "losses", losses, N) || !get_array(info, 1, "lse", lse, N) ||
      !get_array(info, 2, "logits", logits, NV) || !get_array(info, 3, "targets", targets, N) ||
      !check_targets(env, targets, N, V, ignore))
    return env.Undefined();
  static const auto fn = LLAMATS_PICK(cross_entropy_forward);
  parallel_range(N, row_grain(V), [&](int64_t b, int64_t e) {
    fn(losses.data + b, lse.data + b, logits.data + b * V, targets.data + b, e - b, V, ignore);
  });
  return env.Undefined();
}

static Napi::Value CrossEntropyBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, V, ignore, NV;
  ArrayArg<float> dlogits, logits, lse, dloss;
  ArrayArg<int32_t> targets;
  if (!ce_dims(info, 5, N, V, ignore, NV) || !get_array(info, 0, "dlogits", dlogits, NV) ||
      !get_array(info, 1, "logits", logits, NV) || !get_array(info, 2, "lse", lse, N) ||
      !get_array(info, 3, "targets", targets, N) || !get_array(info, 4, "dloss", dloss, N) ||
      !check_targets(env, targets, N, V, ignore))
    return env.Undefined();
  static const auto fn = LLAMATS_PICK(cross_entropy_backward);
  parallel_range(N, row_grain(V), [&](int64_t b, int64_t e) {
    fn(dlogits.data + b * V, logits.data + b * V, lse.data + b, targets.data + b, dloss.data + b, e - b, V, ignore);
  });
  return env.Undefined();
}

void register_loss(Napi::Env env, Napi::Object exports) {
  exports.Set("crossEntropyForward", Napi::Function::New(env, CrossEntropyForward, "crossEntropyForward"));
  exports.Set("crossEntropyBackward", Napi::Function::New(env, CrossEntropyBackward, "crossEntropyBackward"));
}

}  // namespace llamats
