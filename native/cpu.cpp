#include "cpu.h"

#include <cpuid.h>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <unistd.h>
#include <sys/syscall.h>
#include <fstream>
#include <set>

namespace llamats {

static bool os_saves_avx512() {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (eax & 0xE6) == 0xE6;  // XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM state enabled
}

static bool os_saves_avx() {
  unsigned eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (eax & 0x6) == 0x6;
}

static bool request_amx() {
#ifdef __linux__
  // Linux requires a process to ask for the AMX tile data state before using it (kernel ≥ 5.16).
  const long ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18;
  return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#else
  return false;
#endif
}

static int count_physical_cores() {
  // Distinct (physical id, core id) pairs in /proc/cpuinfo; fall back to the logical count.
  std::ifstream f("/proc/cpuinfo");
  std::set<std::pair<int, int>> cores;
  std::string line;
  int phys = 0;
  while (std::getline(f, line)) {
    if (line.rfind("physical id", 0) == 0) phys = std::atoi(line.substr(line.find(':') + 1).c_str());
    if (line.rfind("core id", 0) == 0) cores.insert({phys, std::atoi(line.substr(line.find(':') + 1).c_str())});
  }
  int logical = (int)std::thread::hardware_concurrency();
  if (cores.empty()) return logical > 0 ? logical : 1;
  return (int)cores.size();
}

static CpuFeatures detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    bool osxsave = c & (1u << 27);
    bool avx_os = osxsave && os_saves_avx();
    f.fma = avx_os && (c & (1u << 12));
    f.f16c = avx_os && (c & (1u << 29));
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
      f.avx2 = avx_os && (b & (1u << 5));
      bool z = osxsave && os_saves_avx512();
      f.avx512f = z && (b & (1u << 16));
      f.avx512dq = z && (b & (1u << 17));
      f.avx512bw = z && (b & (1u << 30));
      f.avx512vl = z && (b & (1u << 31));
      f.avx512vnni = z && (c & (1u << 11));
      f.amx_bf16 = d & (1u << 22);
      f.amx_tile = d & (1u << 24);
      f.amx_int8 = d & (1u << 25);
      unsigned a1, b1, c1, d1;
      if (__get_cpuid_count(7, 1, &a1, &b1, &c1, &d1)) f.avx512bf16 = z && (a1 & (1u << 5));
    }
  }
  if (f.amx_tile) f.amx_usable = request_amx();
  f.physical_cores = count_physical_cores();
  return f;
}

const CpuFeatures& cpu() {
  static const CpuFeatures f = detect();
  return f;
}

const std::string& isa() {
  static const std::string chosen = [] {
    const CpuFeatures& f = cpu();
    std::string best = "scalar";
    if (f.avx2 && f.fma && f.f16c) best = "avx2";
    if (best == "avx2" && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni && f.avx512bf16) best = "avx512";
    const char* env = std::getenv("LLAMATS_ISA");
    if (env) {
      std::string want(env);
      int rank_best = best == "avx512" ? 2 : best == "avx2" ? 1 : 0;
      int rank_want = want == "avx512" ? 2 : want == "avx2" ? 1 : want == "scalar" ? 0 : -1;
      if (rank_want >= 0 && rank_want <= rank_best) best = want;
    }
    return best;
  }();
  return chosen;
}

}  // namespace llamats
