hearth_add_test(sampler_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sampler_test.cc LIBS hearth_core)
hearth_add_test(stop_strings_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/stop_strings_test.cc LIBS hearth_core)
