#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

void RegisterFloatFormats(KernelTable& table) {}

}  // namespace hearth::kernels::avx512
