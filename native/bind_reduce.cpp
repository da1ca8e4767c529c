// Bindings of the float64 reductions (native/kernels/reduce/), positional:
//   sum(x, n) → number        sumSquares(x, n) → number
// The array is cut into fixed 16K-element chunks whatever the thread count, and the chunk sums are added in
// order, so the result is bit-identical for any number of threads.
#include <napi.h>

#include <vector>

#include "dispatch.h"
#include "kernels/reduce/reduce.h"
#include "napi_util.h"
#include "thread_pool.h"

namespace llamats {

constexpr int64_t kReduceChunk = 1 << 14;

using ReduceFn = double (*)(const float*, int64_t);

static Napi::Value Reduce(const Napi::CallbackInfo& info, ReduceFn fn) {
  int64_t n;
  ArrayArg<float> x;
  if (!get_int(info, 1, "n", n) || !get_array(info, 0, "x", x, n)) return info.Env().Undefined();
  const int64_t chunks = (n + kReduceChunk - 1) / kReduceChunk;
  std::vector<double> partial((size_t)chunks);
  parallel_for(chunks, [&](int64_t c) {
    const int64_t b = c * kReduceChunk, e = b + kReduceChunk < n ? b + kReduceChunk : n;
    partial[(size_t)c] = fn(x.data + b, e - b);
  });
  double s = 0;
  for (double p : partial) s += p;
  return Napi::Number::New(info.Env(), s);
}

void register_reduce(Napi::Env env, Napi::Object exports) {
  static const ReduceFn sum = LLAMATS_PICK(sum), sum_squares = LLAMATS_PICK(sum_squares);
  exports.Set("sum", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Reduce(i, sum); }, "sum"));
  exports.Set("sumSquares", Napi::Function::New(env, [](const Napi::CallbackInfo& i) { return Reduce(i, sum_squares); }, "sumSquares"));
}

}  // namespace llamats
