# The CLI (pytest, through CTest) and the C example on a shared model.
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_test(NAME examples_test_cli
         COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR}/test_cli.py)
set_tests_properties(examples_test_cli PROPERTIES
  ENVIRONMENT "HEARTH_CLI=$<TARGET_FILE:hearth_cli>;HEARTH_SHARED_DIR=${HEARTH_SHARED_DIR}"
  LABELS "python")
add_test(NAME examples_test_cli_bench
         COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_LIST_DIR}/test_cli_bench.py)
set_tests_properties(examples_test_cli_bench PROPERTIES
  ENVIRONMENT "HEARTH_CLI=$<TARGET_FILE:hearth_cli>;HEARTH_SHARED_DIR=${HEARTH_SHARED_DIR}"
  LABELS "python")

add_test(NAME examples_c_generate
         COMMAND hearth_c_example ${HEARTH_SHARED_DIR}/data/models/tiny-qwen2-Q8_0.gguf "Hello" 16)
set_tests_properties(examples_c_generate PROPERTIES PASS_REGULAR_EXPRESSION "generated")
