hearth_add_test(mapped_file_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/mapped_file_test.cc LIBS hearth_core)
hearth_add_test(fp16_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/../../kernels/fp16_test.cc LIBS hearth_kernels)
hearth_add_test(thread_pool_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/thread_pool_test.cc LIBS hearth_core)
