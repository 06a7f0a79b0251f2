find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_executable(format_tool ${CMAKE_CURRENT_LIST_DIR}/format_tool.cc)
target_link_libraries(format_tool PRIVATE hearth_kernels hearth_compile_options)

# Python oracle tests (gguf-py and numpy), run through CTest so one runner covers everything.
foreach(pytest_file test_dequantize_vs_gguf.py test_quantize_rmse.py)
  get_filename_component(pytest_name ${pytest_file} NAME_WE)
  add_test(NAME kernels_${pytest_name}
           COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR}/${pytest_file})
  set_tests_properties(kernels_${pytest_name} PROPERTIES
    ENVIRONMENT "HEARTH_FORMAT_TOOL=$<TARGET_FILE:format_tool>;HEARTH_SHARED_DIR=${HEARTH_SHARED_DIR}"
    LABELS "python")
endforeach()

# Scalar format kernels: vec_dot against dequantized operands, round-trip bounds, degenerate inputs.
hearth_add_test(scalar_float_formats_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/scalar_float_formats_test.cc
                LIBS hearth_kernels)
hearth_add_test(scalar_legacy_quants_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/scalar_legacy_quants_test.cc
                LIBS hearth_kernels)
hearth_add_test(scalar_iq4_quants_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/scalar_iq4_quants_test.cc
                LIBS hearth_kernels)
hearth_add_test(scalar_k_quants_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/scalar_k_quants_test.cc LIBS hearth_kernels)
