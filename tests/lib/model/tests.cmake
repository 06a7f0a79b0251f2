find_package(nlohmann_json REQUIRED)
hearth_add_test(golden_logits_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/golden_logits_test.cc
                LIBS hearth_core nlohmann_json::nlohmann_json)
