// Many-token gemm for F16, BF16 (being written).
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

void RegisterGemmFloat(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx512
