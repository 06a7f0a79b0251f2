// Many-token gemm for Q2_K, Q3_K, IQ4_NL, IQ4_XS (being written).
#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {

void RegisterGemmLowBit(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx2
