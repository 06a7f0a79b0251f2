#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {

void RegisterFloatFormats(KernelTable& table) {}

}  // namespace hearth::kernels::avx2
