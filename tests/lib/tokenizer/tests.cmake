hearth_add_test(tokenizer_unicode_util_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/unicode_util_test.cc LIBS hearth_core)
hearth_add_test(tokenizer_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/tokenizer_test.cc LIBS hearth_core)
hearth_add_test(tokenizer_vocab_cases_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/vocab_cases_test.cc LIBS hearth_core)
hearth_add_test(tokenizer_vocab_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/vocab_test.cc LIBS hearth_core)
