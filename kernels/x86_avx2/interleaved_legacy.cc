// Interleaved decode layout for the 32-element formats (being written).
#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {

void RegisterInterleavedLegacy(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx2
