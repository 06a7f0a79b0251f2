// Many-token gemm for Q2_K, Q3_K, IQ4_NL, IQ4_XS (being written).
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

void RegisterGemmLowBit(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx512
