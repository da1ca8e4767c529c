// Run-time choice of a kernel implementation: every kernel exists as llamats::ref::f (scalar, mirrors the
// TypeScript reference), llamats::avx2::f and llamats::avx512::f with one signature; pick() returns the one
// for the widest instruction set this CPU supports (cpu.h, capped by LLAMATS_ISA).
#pragma once
#include <napi.h>

#include "cpu.h"

namespace llamats {

template <typename F>
F pick(F ref_fn, F avx2_fn, F avx512_fn) {
  const std::string& i = isa();
  if (i == "avx512") return avx512_fn;
  if (i == "avx2") return avx2_fn;
  return ref_fn;
}

#define LLAMATS_PICK(name) ::llamats::pick(&::llamats::ref::name, &::llamats::avx2::name, &::llamats::avx512::name)

// Each kernel family binds its functions in native/bind_<family>.cpp and is registered in binding.cpp.
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_matmul(Napi::Env env, Napi::Object exports);
void register_reduce(Napi::Env env, Napi::Object exports);
void register_norm(Napi::Env env, Napi::Object exports);
void register_activations(Napi::Env env, Napi::Object exports);
void register_softmax(Napi::Env env, Napi::Object exports);
void register_rope(Napi::Env env, Napi::Object exports);
void register_attention(Napi::Env env, Napi::Object exports);
void register_embedding(Napi::Env env, Napi::Object exports);
void register_loss(Napi::Env env, Napi::Object exports);
void register_adamw(Napi::Env env, Napi::Object exports);
void register_quant(Napi::Env env, Napi::Object exports);

}  // namespace llamats
