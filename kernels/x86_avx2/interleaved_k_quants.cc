// Interleaved decode layout for the K-quants (being written).
#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {

void RegisterInterleavedKQuants(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx2
