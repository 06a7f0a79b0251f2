# Python binding tests (pytest), run against the extension built in this tree: PYTHONPATH holds the package
# sources and the directory the compiled module lands in (the package joins them with pkgutil.extend_path).
# Registered only when the extension is built (HEARTH_BUILD_PYTHON, ON when pybind11 is found).
if(HEARTH_BUILD_PYTHON AND TARGET hearth_python_ext)
  set(HEARTH_PYTHON_TEST_ENV
    "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python:${PROJECT_BINARY_DIR}/bindings/python"
    "HEARTH_SHARED_DIR=${HEARTH_SHARED_DIR}"
    "HEARTH_LIBRARY=$<TARGET_FILE:hearth>"
    "PYTHONDONTWRITEBYTECODE=1")
  if(TARGET hearth_cli)
    list(APPEND HEARTH_PYTHON_TEST_ENV "HEARTH_CLI=$<TARGET_FILE:hearth_cli>")
  endif()
  foreach(pytest_file test_basics.py test_logits.py test_generate.py)
    get_filename_component(pytest_name ${pytest_file} NAME_WE)
    add_test(NAME python_${pytest_name}
             COMMAND ${HEARTH_PYTHON_EXECUTABLE} -m pytest -q -p no:cacheprovider
                     ${CMAKE_CURRENT_LIST_DIR}/${pytest_file}
             WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR})
    set_tests_properties(python_${pytest_name} PROPERTIES ENVIRONMENT "${HEARTH_PYTHON_TEST_ENV}"
                         LABELS "python")
  endforeach()

  # The example script, as a user would run it, on a shared tiny model.
  add_test(NAME python_example_generate
           COMMAND ${HEARTH_PYTHON_EXECUTABLE} ${PROJECT_SOURCE_DIR}/examples/python/generate.py
                   ${HEARTH_SHARED_DIR}/data/models/tiny-qwen2-Q8_0.gguf "Once upon a time" --max-tokens 24)
  set_tests_properties(python_example_generate PROPERTIES ENVIRONMENT "${HEARTH_PYTHON_TEST_ENV}"
                       LABELS "python")
endif()
