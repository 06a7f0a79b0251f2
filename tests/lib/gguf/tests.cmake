hearth_add_test(gguf_value_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gguf_value_test.cc
                LIBS hearth_core GTest::gmock)
hearth_add_test(gguf_reader_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gguf_reader_test.cc
                LIBS hearth_core GTest::gmock)
hearth_add_test(gguf_malformed_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gguf_malformed_test.cc
                LIBS hearth_core GTest::gmock)
hearth_add_test(gguf_shared_files_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/gguf_shared_files_test.cc
                LIBS hearth_core GTest::gmock)
