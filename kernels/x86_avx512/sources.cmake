# AVX512 kernels: only these files are compiled with the AVX512 flags; the dispatcher checks the CPU first.
# No implicit FP contraction (see x86_avx2/sources.cmake).
set(HEARTH_AVX512_SOURCES
  x86_avx512/avx512_table.cc
  x86_avx512/float_formats.cc
  x86_avx512/legacy_quants.cc
  x86_avx512/k_quants.cc
  x86_avx512/gemm_q8.cc
  x86_avx512/gemm_q8_legacy.cc
  x86_avx512/gemm_low_bit.cc
  x86_avx512/gemm_float.cc
  x86_avx512/interleaved_legacy.cc
  x86_avx512/interleaved_k_quants.cc
  x86_avx512/float_ops.cc)
set_source_files_properties(${HEARTH_AVX512_SOURCES} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c;-mavx512f;-mavx512bw;-mavx512vl;-mavx512dq;-mavx512vnni;-ffp-contract=off")
list(APPEND HEARTH_KERNEL_SOURCES ${HEARTH_AVX512_SOURCES})
list(APPEND HEARTH_KERNEL_DEFINITIONS HEARTH_KERNELS_AVX512)
