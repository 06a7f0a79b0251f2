hearth_add_test(float_ops_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/float_ops_test.cc LIBS hearth_kernels)
hearth_add_test(matmul_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/matmul_test.cc LIBS hearth_kernels)
hearth_add_test(gemm_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gemm_test.cc LIBS hearth_kernels)
