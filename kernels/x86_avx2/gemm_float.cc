// Many-token gemm for F16, BF16 (being written).
#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {

void RegisterGemmFloat(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::avx2
