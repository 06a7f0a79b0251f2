// Interleaved decode layout for the K-quants (being written).
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

void RegisterInterleavedKQuants(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx512
