# The shape of the tree itself: formatting. Run with: ctest -R '^layout\.'
add_test(NAME layout.clang_format
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_format.py ${CMAKE_SOURCE_DIR})
set_tests_properties(layout.clang_format PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
