# Suite folders stay apart: no suite folder includes another (what two
# families share lives in fixtures/). The second test proves the check fails
# on a copy of suites/ given one crossing include.
add_test(NAME layout.suite_includes
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_suite_includes.py ${CMAKE_SOURCE_DIR})
add_test(NAME layout.suite_includes_self_test
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_suite_includes.py --self-test
          ${CMAKE_SOURCE_DIR})
set_tests_properties(layout.suite_includes layout.suite_includes_self_test PROPERTIES TIMEOUT 60)
