// The kernel table: one function pointer per kernel, filled at load time with the implementation for the
// widest instruction set this CPU supports (cpu.h). binding.cpp calls kernels only through this table.
#pragma once
#include <cstdint>
#include <string>

namespace llamats {

struct KernelTable {
  std::string isa;
  void (*add)(float*, const float*, const float*, int64_t);
  void (*mul)(float*, const float*, const float*, int64_t);
  void (*scale)(float*, const float*, float, int64_t);
  void (*axpy)(float*, float, const float*, int64_t);
};

const KernelTable& kernels();

}  // namespace llamats
