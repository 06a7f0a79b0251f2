find_package(nlohmann_json REQUIRED)
hearth_add_test(golden_logits_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/golden_logits_test.cc
                LIBS hearth_core nlohmann_json::nlohmann_json)
hearth_add_test(model_errors_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/model_errors_test.cc
                LIBS hearth_core GTest::gmock)
hearth_add_test(inference_context_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/inference_context_test.cc
                LIBS hearth_core)
hearth_add_test(forward_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/forward_test.cc LIBS hearth_core)
