# x86 SIMD kernels (AVX2, AVX-512) against the scalar reference, for every level this CPU can run.
hearth_add_test(simd_legacy_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/simd_legacy_test.cc LIBS hearth_kernels)
hearth_add_test(simd_k_quants_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/simd_k_quants_test.cc LIBS hearth_kernels)
hearth_add_test(interleaved_k_quants_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/interleaved_k_quants_test.cc LIBS hearth_kernels)
hearth_add_test(interleaved_legacy_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/interleaved_legacy_test.cc LIBS hearth_kernels)
