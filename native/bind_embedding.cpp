// Bindings of the token embedding (native/kernels/embedding/), positional:
//   embeddingForward(out, table, ids, N, C)
//   embeddingBackward(dtable, dout, ids, N, C)     dtable accumulated (+=)
// Every id must index a row of the table (RangeError otherwise). The backward splits dtable by columns, each
// task walking n in increasing order, so repeated ids sum in the same order for any thread count.
#include <napi.h>

#include <string>

#include "bind_util.h"
#include "kernels/embedding/embedding.h"
#include "thread_pool.h"

namespace llamats {

static bool check_ids(Napi::Env env, const ArrayArg<int32_t>& ids, int64_t N, int64_t rows) {
  for (int64_t n = 0; n < N; n++) {
    int64_t id = ids.data[n];
    if (id < 0 || id >= rows)
      return fail(env, "ids[" + std::to_string(n) + "] = " + std::to_string(id) + " is outside the table's " + std::to_string(rows) + " rows");
  }
  return true;
}

static Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, C, NC;
  ArrayArg<float> out, table;
  ArrayArg<int32_t> ids;
  if (!get_int(info, 3, "N", N) || !get_int(info, 4, "C", C, 1) || !count(env, "embeddingForward", {N, C}, NC) ||
      !get_array(info, 0, "out", out, NC) || !get_array(info, 1, "table", table, C) || !get_array(info, 2, "ids", ids, N) ||
      !check_ids(env, ids, N, table.length / C))
    return env.Undefined();
  parallel_range(N, row_grain(C), [&](int64_t b, int64_t e) {
    ref::embedding_forward(out.data + b * C, table.data, ids.data + b, e - b, C);
  });
  return env.Undefined();
}

static Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t N, C, NC;
  ArrayArg<float> dtable, dout;
  ArrayArg<int32_t> ids;
  if (!get_int(info, 3, "N", N) || !get_int(info, 4, "C", C, 1) || !count(env, "embeddingBackward", {N, C}, NC) ||
      !get_array(info, 0, "dtable", dtable, C) || !get_array(info, 1, "dout", dout, NC) || !get_array(info, 2, "ids", ids, N) ||
      !check_ids(env, ids, N, dtable.length / C))
    return env.Undefined();
  // Column blocks (multiples of 16 floats): the result does not depend on the split, only the speed does.
  int64_t block = (C + 4 * num_threads() - 1) / (4 * num_threads());
  block = (block + 15) / 16 * 16;
  parallel_range(C, block, [&](int64_t b, int64_t e) { ref::embedding_backward(dtable.data, dout.data, ids.data, N, C, b, e); });
  return env.Undefined();
}

void register_embedding(Napi::Env env, Napi::Object exports) {
  exports.Set("embeddingForward", Napi::Function::New(env, EmbeddingForward, "embeddingForward"));
  exports.Set("embeddingBackward", Napi::Function::New(env, EmbeddingBackward, "embeddingBackward"));
}

}  // namespace llamats
