// AVX512 kernels, registered per format family into the avx512 KernelTable (which starts as a copy of the
// scalar table, so formats without a AVX512 kernel fall back to the reference).
#ifndef HEARTH_KERNELS_X86_AVX512_AVX512_KERNELS_H_
#define HEARTH_KERNELS_X86_AVX512_AVX512_KERNELS_H_

#include "kernels/kernel_table.h"

namespace hearth::kernels::avx512 {

void RegisterFloatFormats(KernelTable& table);  // F32, F16, BF16
void RegisterLegacyQuants(KernelTable& table);  // Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL
void RegisterKQuants(KernelTable& table);       // Q2_K .. Q6_K, Q8_K, IQ4_XS
void RegisterGemmKQuants(KernelTable& table);   // Many-token gemm: Q4_K, Q5_K, Q6_K
void RegisterGemmLegacy(KernelTable& table);    // Many-token gemm: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0
void RegisterGemmLowBit(KernelTable& table);         // Many-token gemm: Q2_K, Q3_K, IQ4_NL, IQ4_XS
void RegisterGemmFloat(KernelTable& table);          // Many-token gemm: F16, BF16
void RegisterInterleavedLegacy(KernelTable& table);  // Decode layout: 32-element formats
void RegisterInterleavedKQuants(KernelTable& table); // Decode layout: Q2_K..Q6_K, IQ4_XS
void RegisterFloatOps(KernelTable& table);      // RMSNorm, softmax, SiLU-mul, add, RoPE, attention

}  // namespace hearth::kernels::avx512

#endif  // HEARTH_KERNELS_X86_AVX512_AVX512_KERNELS_H_
