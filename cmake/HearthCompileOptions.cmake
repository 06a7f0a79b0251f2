# Warning and sanitizer flags shared by every hearth target.
add_library(hearth_compile_options INTERFACE)
target_compile_options(hearth_compile_options INTERFACE
  $<$<COMPILE_LANGUAGE:CXX,C>:-Wall -Wextra -Wshadow -Wno-unused-parameter>
  $<$<BOOL:${HEARTH_WERROR}>:-Werror>)
if(HEARTH_SANITIZE)
  target_compile_options(hearth_compile_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(hearth_compile_options INTERFACE -fsanitize=address,undefined)
endif()

# hearth_add_test(NAME SOURCES... [LIBS ...]): one gtest binary registered with CTest.
function(hearth_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} hearth_test_support GTest::gtest GTest::gtest_main
                        hearth_compile_options)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "HEARTH_SHARED_DIR=${HEARTH_SHARED_DIR}" LABELS "${ARG_LABELS}")
endfunction()
