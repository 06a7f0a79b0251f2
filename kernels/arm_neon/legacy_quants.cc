// Legacy-format NEON kernels built for the neon level (see legacy_quants.inc and sources.cmake).
#define HEARTH_NEON_NS neon
#include "kernels/arm_neon/legacy_quants.inc"
