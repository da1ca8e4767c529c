// CPU feature detection, done once at load: which instruction sets the kernels may use.
#pragma once
#include <string>

namespace llamats {

struct CpuFeatures {
  bool avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512vnni = false, avx512bf16 = false;
  bool amx_tile = false, amx_bf16 = false, amx_int8 = false;
  /** AMX state granted by the kernel (Linux arch_prctl ARCH_REQ_XCOMP_PERM). */
  bool amx_usable = false;
  int physical_cores = 1;
};

const CpuFeatures& cpu();
/** "avx512", "avx2" or "scalar": the widest instruction set all kernels may use on this CPU (env LLAMATS_ISA may lower it). */
const std::string& isa();

}  // namespace llamats
