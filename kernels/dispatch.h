// Choosing a KernelTable: the best instruction set this build and this CPU share, or the one named by the
// HEARTH_ISA environment variable (scalar, avx2, avx512, neon, neon-dotprod, neon-i8mm) so that tests and
// benchmarks can compare levels on one machine.
#ifndef HEARTH_KERNELS_DISPATCH_H_
#define HEARTH_KERNELS_DISPATCH_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {

absl::StatusOr<Isa> ParseIsa(std::string_view name);

// Levels compiled into this build that this CPU can run, scalar first and best last.
std::vector<Isa> AvailableIsas();

// The table for `isa`; an error if this build lacks it or this CPU cannot run it.
absl::StatusOr<const KernelTable*> KernelsForIsa(Isa isa);

// HEARTH_ISA if set (an unknown or unavailable level is an error, never a silent fallback), else the best
// available level. Decided once per process.
absl::StatusOr<const KernelTable*> SelectKernels();

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_DISPATCH_H_
