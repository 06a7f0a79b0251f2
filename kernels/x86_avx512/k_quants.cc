#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

void RegisterKQuants(KernelTable& table) {}

}  // namespace hearth::kernels::avx512
