// Legacy-format NEON kernels built for the neon-dotprod level (see legacy_quants.inc and sources.cmake).
#define HEARTH_NEON_NS neon_dotprod
#include "kernels/arm_neon/legacy_quants.inc"
