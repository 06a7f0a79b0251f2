# AVX2 kernels: only these files are compiled with the AVX2 flags; the dispatcher checks the CPU first.
# No implicit FP contraction: dequantization must round d * q and + m separately, like the scalar oracle;
# kernels that want FMA ask for it with the intrinsic.
set(HEARTH_AVX2_SOURCES
  x86_avx2/avx2_table.cc
  x86_avx2/float_formats.cc
  x86_avx2/legacy_quants.cc
  x86_avx2/k_quants.cc
  x86_avx2/gemm_q8.cc
  x86_avx2/gemm_q8_legacy.cc
  x86_avx2/gemm_low_bit.cc
  x86_avx2/gemm_float.cc
  x86_avx2/interleaved_legacy.cc
  x86_avx2/interleaved_k_quants.cc
  x86_avx2/float_ops.cc)
set_source_files_properties(${HEARTH_AVX2_SOURCES} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c;-ffp-contract=off")
list(APPEND HEARTH_KERNEL_SOURCES ${HEARTH_AVX2_SOURCES})
list(APPEND HEARTH_KERNEL_DEFINITIONS HEARTH_KERNELS_AVX2)
