#include "dispatch.h"

#include "cpu.h"
#include "kernels/elementwise/elementwise.h"

namespace llamats {

#define LLAMATS_TABLE(ns) \
  KernelTable { #ns, ns::add, ns::mul, ns::scale, ns::axpy }

const KernelTable& kernels() {
  static const KernelTable table = [] {
    if (isa() == "avx512") return LLAMATS_TABLE(avx512);
    if (isa() == "avx2") return LLAMATS_TABLE(avx2);
    return LLAMATS_TABLE(ref);
  }();
  return table;
}

}  // namespace llamats
