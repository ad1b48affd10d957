# A `fails:` pattern that names a check by place (basename.cc:LINE) must
# still name a check inside a test its deviation lists, so an edit that moves
# the check turns this red here instead of a cell red on another platform.
# Run with: ctest -R '^layout\.expectation_lines'
file(GLOB SIGIPC_EXPECTATION_FILES ${CMAKE_SOURCE_DIR}/ci/expectations/*.yaml)
add_test(NAME layout.expectation_lines
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_expectation_lines.py
          ${CMAKE_SOURCE_DIR}/suites ${SIGIPC_EXPECTATION_FILES})
add_test(NAME layout.expectation_lines_self_test
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_expectation_lines.py --self-test)
set_tests_properties(layout.expectation_lines layout.expectation_lines_self_test
  PROPERTIES TIMEOUT 60)
