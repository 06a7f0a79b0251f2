// Interleaved decode layout for the 32-element formats (being written).
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

void RegisterInterleavedLegacy(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx512
