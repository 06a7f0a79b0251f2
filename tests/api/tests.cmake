# C API tests: they link the shared library and see only include/hearth/hearth.h, like an application.
hearth_add_test(hearth_api_file_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/file_api_test.cc LIBS hearth)
hearth_add_test(hearth_api_basics_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/basics_api_test.cc LIBS hearth)

find_program(HEARTH_NM NAMES nm)
add_test(NAME hearth_api_exports
         COMMAND ${CMAKE_COMMAND} -DLIBRARY=$<TARGET_FILE:hearth> -DNM=${HEARTH_NM}
                 -P ${CMAKE_CURRENT_LIST_DIR}/check_exports.cmake)
hearth_add_test(hearth_api_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/model_api_test.cc LIBS hearth)
