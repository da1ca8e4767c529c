// Helpers for the N-API bindings: typed-array access with bounds checks. A kernel is never handed a pointer
// to fewer elements than the dimensions say: the check throws a JavaScript RangeError instead.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

namespace llamats {

template <typename T>
struct ArrayArg {
  T* data = nullptr;
  int64_t length = 0;
};

inline bool fail(Napi::Env env, const std::string& msg) {
  Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

/** Reads info[i] as a typed array of element type T (Float32Array, Int32Array, Uint8Array, Uint16Array). */
template <typename T>
inline bool get_array(const Napi::CallbackInfo& info, size_t i, const char* name, ArrayArg<T>& out, int64_t min_len) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray()) return fail(env, std::string(name) + ": expected a typed array");
  Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
  if (ta.ElementSize() != sizeof(T)) return fail(env, std::string(name) + ": wrong element type");
  out.length = (int64_t)ta.ElementLength();
  if (out.length < min_len) {
    return fail(env, std::string(name) + ": has " + std::to_string(out.length) + " elements, needs " + std::to_string(min_len));
  }
  Napi::ArrayBuffer ab = ta.ArrayBuffer();
  out.data = reinterpret_cast<T*>(static_cast<uint8_t*>(ab.Data()) + ta.ByteOffset());
  return true;
}

/** Optional typed array: null/undefined gives data == nullptr. */
template <typename T>
inline bool get_optional_array(const Napi::CallbackInfo& info, size_t i, const char* name, ArrayArg<T>& out, int64_t min_len) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) {
    out = ArrayArg<T>{};
    return true;
  }
  return get_array<T>(info, i, name, out, min_len);
}

inline bool get_int(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t& out, int64_t min = 0) {
  if (i >= info.Length() || !info[i].IsNumber()) return fail(info.Env(), std::string(name) + ": expected a number");
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (v != (double)(int64_t)v || v < (double)min) return fail(info.Env(), std::string(name) + ": expected an integer ≥ " + std::to_string(min));
  out = (int64_t)v;
  return true;
}

inline bool get_double(const Napi::CallbackInfo& info, size_t i, const char* name, double& out) {
  if (i >= info.Length() || !info[i].IsNumber()) return fail(info.Env(), std::string(name) + ": expected a number");
  out = info[i].As<Napi::Number>().DoubleValue();
  return true;
}

/** Reads an integer property of a dims object (e.g. d.M). */
inline bool get_prop_int(Napi::Object o, const char* key, int64_t& out, int64_t min = 0, const int64_t* fallback = nullptr) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() && fallback) {
    out = *fallback;
    return true;
  }
  if (!v.IsNumber()) return fail(o.Env(), std::string("dims.") + key + ": expected a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (d != (double)(int64_t)d || d < (double)min) return fail(o.Env(), std::string("dims.") + key + ": expected an integer ≥ " + std::to_string(min));
  out = (int64_t)d;
  return true;
}

inline bool get_prop_double(Napi::Object o, const char* key, double& out) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) return fail(o.Env(), std::string("dims.") + key + ": expected a number");
  out = v.As<Napi::Number>().DoubleValue();
  return true;
}

inline bool get_prop_bool(Napi::Object o, const char* key, bool& out) {
  Napi::Value v = o.Get(key);
  out = v.ToBoolean().Value();
  return true;
}

}  // namespace llamats
