# ARM NEON kernels (AArch64 only). Each level's files get their own -march, so nothing newer than base
# Armv8 runs before the dispatcher has checked HWCAP. The integer kernels are written once (*.inc) and
# compiled per level through thin .cc wrappers. No implicit FP contraction: dequantization must round
# d * q and + m separately, like the scalar oracle; kernels that want FMA ask for it with the intrinsic.
set(HEARTH_NEON_BASE_SOURCES
  arm_neon/neon_table.cc
  arm_neon/float_formats.cc
  arm_neon/legacy_quants.cc
  arm_neon/k_quants.cc
  arm_neon/float_ops.cc
  arm_neon/gemm_neon.cc)
set(HEARTH_NEON_DOTPROD_SOURCES
  arm_neon/legacy_quants_dotprod.cc
  arm_neon/k_quants_dotprod.cc
  arm_neon/gemm_dotprod.cc)
set(HEARTH_NEON_I8MM_SOURCES
  arm_neon/gemm_i8mm.cc)
set_source_files_properties(${HEARTH_NEON_BASE_SOURCES} PROPERTIES COMPILE_OPTIONS "-ffp-contract=off")
set_source_files_properties(${HEARTH_NEON_DOTPROD_SOURCES} PROPERTIES
  COMPILE_OPTIONS "-march=armv8.2-a+dotprod;-ffp-contract=off")
set_source_files_properties(${HEARTH_NEON_I8MM_SOURCES} PROPERTIES
  COMPILE_OPTIONS "-march=armv8.2-a+dotprod+i8mm;-ffp-contract=off")
list(APPEND HEARTH_KERNEL_SOURCES ${HEARTH_NEON_BASE_SOURCES} ${HEARTH_NEON_DOTPROD_SOURCES}
  ${HEARTH_NEON_I8MM_SOURCES})
list(APPEND HEARTH_KERNEL_DEFINITIONS HEARTH_KERNELS_NEON)
