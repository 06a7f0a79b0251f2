// K-quant NEON kernels built for the neon level (see k_quants.inc and sources.cmake).
#define HEARTH_NEON_NS neon
#include "kernels/arm_neon/k_quants.inc"
