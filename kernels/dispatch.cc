#include "kernels/dispatch.h"

#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "kernels/cpu_features.h"
#include "kernels/backends.h"

namespace hearth::kernels {
namespace {

constexpr Isa kAllIsas[] = {Isa::kScalar, Isa::kAvx2, Isa::kAvx512, Isa::kNeon, Isa::kNeonDotprod,
                            Isa::kNeonI8mm};

bool CpuRuns(Isa isa) {
  const CpuFeatures& f = DetectCpuFeatures();
  switch (isa) {
    case Isa::kScalar: return true;
    case Isa::kAvx2: return f.avx2 && f.fma && f.f16c;
    case Isa::kAvx512:
      // The avx512 folder is built with -mavx512vnni and its dot kernels use vpdpbusd/vpdpwssd.
      return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq &&
             f.avx512vnni;
    case Isa::kNeon: return f.neon;
    case Isa::kNeonDotprod: return f.neon && f.dotprod;
    case Isa::kNeonI8mm: return f.neon && f.dotprod && f.i8mm;
  }
  return false;
}

}  // namespace

absl::StatusOr<Isa> ParseIsa(std::string_view name) {
  for (Isa isa : kAllIsas) {
    if (IsaName(isa) == name) return isa;
  }
  std::vector<std::string> names;
  for (Isa isa : kAllIsas) names.emplace_back(IsaName(isa));
  return absl::InvalidArgumentError(
      absl::StrCat("unknown instruction set '", std::string(name), "' (known: ", absl::StrJoin(names, ", "), ")"));
}

std::vector<Isa> AvailableIsas() {
  std::vector<Isa> out;
  for (Isa isa : kAllIsas) {
    if (CompiledKernels(isa) != nullptr && CpuRuns(isa)) out.push_back(isa);
  }
  return out;
}

absl::StatusOr<const KernelTable*> KernelsForIsa(Isa isa) {
  const KernelTable* table = CompiledKernels(isa);
  if (table == nullptr) {
    return absl::UnavailableError(absl::StrCat("instruction set '", std::string(IsaName(isa)), "' is not built into hearth"));
  }
  if (!CpuRuns(isa)) {
    return absl::UnavailableError(absl::StrCat("this CPU cannot run instruction set '", std::string(IsaName(isa)),
                                               "' (it has: ", DetectCpuFeatures().ToString(), ")"));
  }
  return table;
}

absl::StatusOr<const KernelTable*> SelectKernels() {
  static const absl::StatusOr<const KernelTable*> selected = []() -> absl::StatusOr<const KernelTable*> {
    const char* forced = std::getenv("HEARTH_ISA");
    if (forced != nullptr && *forced != '\0') {
      absl::StatusOr<Isa> isa = ParseIsa(forced);
      if (!isa.ok()) return absl::InvalidArgumentError(absl::StrCat("HEARTH_ISA: ", isa.status().message()));
      absl::StatusOr<const KernelTable*> table = KernelsForIsa(*isa);
      if (!table.ok()) return absl::UnavailableError(absl::StrCat("HEARTH_ISA: ", table.status().message()));
      return table;
    }
    return KernelsForIsa(AvailableIsas().back());
  }();
  return selected;
}

}  // namespace hearth::kernels
