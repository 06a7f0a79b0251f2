# NEON kernels against the scalar reference; only for AArch64 targets (native, or cross-built and run
# through QEMU by scripts/test_aarch64.sh).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  hearth_add_test(neon_kernels_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/neon_kernels_test.cc LIBS hearth_kernels)
  hearth_add_test(neon_gemm_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/neon_gemm_test.cc LIBS hearth_kernels)
endif()
