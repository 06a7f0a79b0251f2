# libFuzzer targets: only with HEARTH_BUILD_FUZZERS=ON and clang (see scripts/fuzz_gguf.sh). The libraries
# under test get coverage instrumentation (-fsanitize=fuzzer-no-link); configure with HEARTH_SANITIZE=ON so
# that they are also built with AddressSanitizer and UndefinedBehaviorSanitizer.
if(HEARTH_BUILD_FUZZERS AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(hearth_core PRIVATE -fsanitize=fuzzer-no-link)
  target_compile_options(hearth_kernels PRIVATE -fsanitize=fuzzer-no-link)
  add_executable(gguf_reader_fuzzer ${CMAKE_CURRENT_LIST_DIR}/gguf_reader_fuzzer.cc)
  target_compile_options(gguf_reader_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(gguf_reader_fuzzer PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(gguf_reader_fuzzer PRIVATE hearth_core hearth_compile_options)
endif()
