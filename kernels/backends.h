// The tables each backend folder builds. A backend that is not compiled for this target returns nullptr.
#ifndef HEARTH_KERNELS_BACKENDS_H_
#define HEARTH_KERNELS_BACKENDS_H_

#include "kernels/kernel_table.h"

namespace hearth::kernels {

// The table compiled for `isa`, or nullptr; the CPU may still be unable to run it (see dispatch.h).
const KernelTable* CompiledKernels(Isa isa);

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_BACKENDS_H_
