#include "kernels/cpu_features.h"

#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif
#if defined(__aarch64__) && defined(__APPLE__)
#include <sys/sysctl.h>
#endif

namespace hearth::kernels {
namespace {

#if defined(__x86_64__) || defined(__i386__)
uint64_t ReadXcr0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures DetectX86() {
  CpuFeatures f;
  uint32_t eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = (ecx >> 27) & 1;
  const bool fma = (ecx >> 12) & 1;
  const bool f16c = (ecx >> 29) & 1;
  const bool avx = (ecx >> 28) & 1;
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = ReadXcr0();
  const bool ymm_saved = (xcr0 & 0x6) == 0x6;             // SSE and AVX state.
  const bool zmm_saved = ymm_saved && (xcr0 & 0xe0) == 0xe0;  // Opmask, ZMM_Hi256, Hi16_ZMM.
  if (!ymm_saved) return f;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return f;
  f.fma = fma;
  f.f16c = f16c;
  f.avx2 = (ebx >> 5) & 1;
  if (zmm_saved) {
    f.avx512f = (ebx >> 16) & 1;
    f.avx512dq = (ebx >> 17) & 1;
    f.avx512bw = (ebx >> 30) & 1;
    f.avx512vl = (ebx >> 31) & 1;
    f.avx512vnni = (ecx >> 11) & 1;
  }
  return f;
}
#endif

#if defined(__aarch64__)
CpuFeatures DetectArm() {
  CpuFeatures f;
  f.neon = true;  // Mandatory in AArch64.
#if defined(__linux__)
  const unsigned long hwcap = getauxval(AT_HWCAP);
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  f.fp16 = (hwcap >> 10) & 1;     // HWCAP_ASIMDHP
  f.dotprod = (hwcap >> 20) & 1;  // HWCAP_ASIMDDP
  f.i8mm = (hwcap2 >> 13) & 1;    // HWCAP2_I8MM
#elif defined(__APPLE__)
  auto has = [](const char* name) {
    int value = 0;
    size_t size = sizeof(value);
    return sysctlbyname(name, &value, &size, nullptr, 0) == 0 && value != 0;
  };
  f.fp16 = has("hw.optional.arm.FEAT_FP16");
  f.dotprod = has("hw.optional.arm.FEAT_DotProd");
  f.i8mm = has("hw.optional.arm.FEAT_I8MM");
#endif
  return f;
}
#endif

}  // namespace

std::string CpuFeatures::ToString() const {
  std::string out;
  auto add = [&out](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ' ';
    out += name;
  };
  add(avx2, "avx2");
  add(fma, "fma");
  add(f16c, "f16c");
  add(avx512f, "avx512f");
  add(avx512bw, "avx512bw");
  add(avx512vl, "avx512vl");
  add(avx512dq, "avx512dq");
  add(avx512vnni, "avx512vnni");
  add(neon, "neon");
  add(dotprod, "dotprod");
  add(i8mm, "i8mm");
  add(fp16, "fp16");
  return out.empty() ? "none" : out;
}

const CpuFeatures& DetectCpuFeatures() {
  static const CpuFeatures features = [] {
#if defined(__x86_64__) || defined(__i386__)
    return DetectX86();
#elif defined(__aarch64__)
    return DetectArm();
#else
    return CpuFeatures{};
#endif
  }();
  return features;
}

}  // namespace hearth::kernels
