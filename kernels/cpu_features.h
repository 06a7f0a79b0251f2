// What the CPU we run on can execute, detected once (cpuid/xgetbv on x86, the auxiliary vector on Linux/ARM,
// sysctl on macOS). /proc/cpuinfo is never read: under emulation it describes the host.
#ifndef HEARTH_KERNELS_CPU_FEATURES_H_
#define HEARTH_KERNELS_CPU_FEATURES_H_

#include <string>

namespace hearth::kernels {

struct CpuFeatures {
  // x86: the OS must also save the wider registers (checked through xgetbv).
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512dq = false;
  bool avx512vnni = false;
  // AArch64.
  bool neon = false;
  bool dotprod = false;
  bool i8mm = false;
  bool fp16 = false;

  std::string ToString() const;  // "avx2 fma f16c avx512f ...".
};

const CpuFeatures& DetectCpuFeatures();

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_CPU_FEATURES_H_
