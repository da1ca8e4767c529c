// SwiGLU (Shazeer 2020), mirroring src/tensor/ref/swiglu.ts: out = silu(gate) ⊙ up. Elementwise over n floats;
// the binding splits the range over threads.
#pragma once
#include <cstdint>

#define LLAMATS_DECLARE_ACTIVATIONS(ns)                                                                          \
  namespace llamats::ns {                                                                                        \
  void swiglu_forward(float* out, const float* gate, const float* up, int64_t n);                               \
  void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, int64_t n); \
  }

LLAMATS_DECLARE_ACTIVATIONS(ref)
LLAMATS_DECLARE_ACTIVATIONS(avx2)
LLAMATS_DECLARE_ACTIVATIONS(avx512)
