// NEON kernels, registered per format family into the three ARM KernelTables. Each table starts as a copy
// of the one below it (scalar -> neon -> neon-dotprod -> neon-i8mm), so formats without a faster kernel
// fall back. The integer kernels are written once (legacy_quants.inc, k_quants.inc) and compiled twice: as
// base Armv8 NEON (namespace neon) and with -march=armv8.2-a+dotprod (namespace neon_dotprod), where the
// 16-byte integer dot becomes one SDOT. The many-token gemms of these two levels share gemm_panel.inc and
// differ in their inner loop (gemm_neon.cc, gemm_dotprod.cc); neon-i8mm has its own (gemm_i8mm.cc).
#ifndef HEARTH_KERNELS_ARM_NEON_NEON_KERNELS_H_
#define HEARTH_KERNELS_ARM_NEON_NEON_KERNELS_H_

#include "kernels/kernel_table.h"

namespace hearth::kernels {

namespace neon {
void RegisterFloatFormats(KernelTable& table);  // F32, F16, BF16
void RegisterLegacyQuants(KernelTable& table);  // Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL
void RegisterKQuants(KernelTable& table);       // Q2_K .. Q6_K, Q8_K, IQ4_XS
void RegisterFloatOps(KernelTable& table);      // RMSNorm, softmax, SiLU-mul, add, RoPE, attention
void RegisterGemm(KernelTable& table);          // Many-token gemm with SMULL + SADALP
}  // namespace neon

namespace neon_dotprod {
void RegisterLegacyQuants(KernelTable& table);
void RegisterKQuants(KernelTable& table);
void RegisterGemm(KernelTable& table);  // Many-token gemm with SDOT by element
}  // namespace neon_dotprod

namespace neon_i8mm {
void RegisterGemm(KernelTable& table);  // Many-token gemm with SMMLA
}  // namespace neon_i8mm

const KernelTable& NeonKernels();
const KernelTable& NeonDotprodKernels();
const KernelTable& NeonI8mmKernels();

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_ARM_NEON_NEON_KERNELS_H_
