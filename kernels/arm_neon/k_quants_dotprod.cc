// K-quant NEON kernels built for the neon-dotprod level (see k_quants.inc and sources.cmake).
#define HEARTH_NEON_NS neon_dotprod
#include "kernels/arm_neon/k_quants.inc"
