#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {

void RegisterFloatFormats(KernelTable& table) {}

}  // namespace hearth::kernels::scalar
