// Bindings of rotary position embedding (native/kernels/rope/), positional:
//   ropeForward(out, x, positions, freqs, N, nHeads, headDim, half)     half: 0 'pairs', 1 'half'
//   ropeBackward(dx, dout, positions, freqs, N, nHeads, headDim, half)
// cos and sin of positions[n]·freqs[i] are computed here in float64, as the TypeScript reference does. When the
// positions span at most N values (training: B sequences of the same T positions) they are tabulated once per
// distinct position instead of once per row.
#include <napi.h>

#include <cmath>
#include <vector>

#include "bind_util.h"
#include "dispatch.h"
#include "kernels/rope/rope.h"
#include "thread_pool.h"

namespace llamats {

constexpr int64_t kRopeMaxHeadDim = 1024;  // the SIMD kernels' per-row table size

static Napi::Value Rope(const Napi::CallbackInfo& info, float sign) {
  Napi::Env env = info.Env();
  int64_t N, nh, hd, half, total;
  ArrayArg<float> out, x, freqs;
  ArrayArg<int32_t> pos;
  if (!get_int(info, 4, "N", N) || !get_int(info, 5, "nHeads", nh) || !get_int(info, 6, "headDim", hd) ||
      !get_int(info, 7, "half", half))
    return env.Undefined();
  if (hd % 2 != 0 || hd > kRopeMaxHeadDim) {
    fail(env, "headDim: expected an even number ≤ " + std::to_string(kRopeMaxHeadDim) + ", got " + std::to_string(hd));
    return env.Undefined();
  }
  if (half > 1) {
    fail(env, "half: expected 0 ('pairs') or 1 ('half')");
    return env.Undefined();
  }
  if (!count(env, "rope", {N, nh, hd}, total) || !get_array(info, 0, "out", out, total) || !get_array(info, 1, "x", x, total) ||
      !get_array(info, 2, "positions", pos, N) || !get_array(info, 3, "freqs", freqs, hd / 2))
    return env.Undefined();
  static const auto fn = LLAMATS_PICK(rope_row);
  const int64_t h2 = hd / 2, row = nh * hd;
  int64_t lo = 0, hi = -1;
  for (int64_t n = 0; n < N; n++) {
    lo = n == 0 || pos.data[n] < lo ? pos.data[n] : lo;
    hi = n == 0 || pos.data[n] > hi ? pos.data[n] : hi;
  }
  auto angles = [&](double* cs, double* sn, int64_t p) {
    for (int64_t i = 0; i < h2; i++) {
      double a = (double)p * (double)freqs.data[i];
      cs[i] = std::cos(a);
      sn[i] = std::sin(a);
    }
  };
  if (N > 0 && hi - lo + 1 <= N) {
    const int64_t span = hi - lo + 1;
    std::vector<double> cs((size_t)(span * h2)), sn((size_t)(span * h2));
    parallel_range(span, 64, [&](int64_t b, int64_t e) {
      for (int64_t p = b; p < e; p++) angles(&cs[(size_t)(p * h2)], &sn[(size_t)(p * h2)], lo + p);
    });
    parallel_range(N, row_grain(row), [&](int64_t b, int64_t e) {
      for (int64_t n = b; n < e; n++) {
        const size_t t = (size_t)((pos.data[n] - lo) * h2);
        fn(out.data + n * row, x.data + n * row, &cs[t], &sn[t], nh, hd, half == 1, sign);
      }
    });
  } else {
    parallel_range(N, row_grain(row), [&](int64_t b, int64_t e) {
      std::vector<double> cs((size_t)h2), sn((size_t)h2);
      for (int64_t n = b; n < e; n++) {
        angles(cs.data(), sn.data(), pos.data[n]);
        fn(out.data + n * row, x.data + n * row, cs.data(), sn.data(), nh, hd, half == 1, sign);
      }
    });
  }
  return env.Undefined();
}

void register_rope(Napi::Env env, Napi::Object exports) {
  exports.Set("ropeForward", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Rope(i, 1.0f); }, "ropeForward"));
  exports.Set("ropeBackward", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Rope(i, -1.0f); }, "ropeBackward"));
}

}  // namespace llamats
