// N-API entry point: memory, machine info, and the kernel bindings. Each binding checks its arguments
// (napi_util.h), then calls the kernel chosen by dispatch.cpp, splitting work over the thread pool.
#include <napi.h>

#include <cstdlib>
#include <cstring>

#include "cpu.h"
#include "dispatch.h"
#include "napi_util.h"
#include "thread_pool.h"

namespace llamats {

// ---- memory ----------------------------------------------------------------------------------------------

static void free_aligned(Napi::Env env, void* data, int64_t* bytes) {
  Napi::MemoryManagement::AdjustExternalMemory(env, -*bytes);
  std::free(data);
  delete bytes;
}

/** alloc(bytes): a zero-filled, 64-byte aligned external ArrayBuffer (freed when garbage-collected). */
static Napi::Value Alloc(const Napi::CallbackInfo& info) {
  int64_t bytes;
  if (!get_int(info, 0, "bytes", bytes)) return info.Env().Undefined();
  size_t size = (size_t)((bytes + 63) / 64 * 64);
  if (size == 0) size = 64;
  void* p = std::aligned_alloc(64, size);
  if (!p) {
    Napi::Error::New(info.Env(), "llamats native alloc: out of memory allocating " + std::to_string(bytes) + " bytes")
        .ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  std::memset(p, 0, size);
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), (int64_t)size);
  return Napi::ArrayBuffer::New(info.Env(), p, (size_t)bytes, free_aligned, new int64_t((int64_t)size));
}

// ---- machine ---------------------------------------------------------------------------------------------

static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CpuFeatures& f = cpu();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa());
  o.Set("threads", num_threads());
  o.Set("physicalCores", f.physical_cores);
  Napi::Object feat = Napi::Object::New(env);
  feat.Set("avx2", f.avx2);
  feat.Set("fma", f.fma);
  feat.Set("f16c", f.f16c);
  feat.Set("avx512f", f.avx512f);
  feat.Set("avx512bw", f.avx512bw);
  feat.Set("avx512vl", f.avx512vl);
  feat.Set("avx512vnni", f.avx512vnni);
  feat.Set("avx512bf16", f.avx512bf16);
  feat.Set("amxTile", f.amx_tile);
  feat.Set("amxBf16", f.amx_bf16);
  feat.Set("amxInt8", f.amx_int8);
  feat.Set("amxUsable", f.amx_usable);
  o.Set("features", feat);
  return o;
}

static Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int64_t n;
  if (!get_int(info, 0, "threads", n, 1)) return info.Env().Undefined();
  set_num_threads((int)n);
  return Napi::Number::New(info.Env(), num_threads());
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("alloc", Napi::Function::New(env, Alloc, "alloc"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads, "setThreads"));
  // One line per kernel family (native/bind_<family>.cpp).
  register_elementwise(env, exports);
  register_matmul(env, exports);
  register_reduce(env, exports);
  register_norm(env, exports);
  register_activations(env, exports);
  register_softmax(env, exports);
  register_rope(env, exports);
  register_attention(env, exports);
  register_embedding(env, exports);
  register_loss(env, exports);
  register_adamw(env, exports);
  register_quant(env, exports);
  return exports;
}

}  // namespace llamats

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return llamats::Init(env, exports); }
NODE_API_MODULE(llamats_native, InitModule)
