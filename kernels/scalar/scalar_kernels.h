// Scalar reference kernels, registered per format family into the scalar KernelTable.
#ifndef HEARTH_KERNELS_SCALAR_SCALAR_KERNELS_H_
#define HEARTH_KERNELS_SCALAR_SCALAR_KERNELS_H_

#include "kernels/kernel_table.h"

namespace hearth::kernels::scalar {

void RegisterFloatFormats(KernelTable& table);   // F32, F16, BF16 (float_formats.cc)
void RegisterLegacyQuants(KernelTable& table);   // Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1 (legacy_quants.cc)
void RegisterKQuants(KernelTable& table);        // Q2_K .. Q6_K, Q8_K (k_quants*.cc)
void RegisterIq4Quants(KernelTable& table);      // IQ4_NL, IQ4_XS (iq4_quants.cc)

}  // namespace hearth::kernels::scalar

#endif  // HEARTH_KERNELS_SCALAR_SCALAR_KERNELS_H_
