# Every requirement id `sigipc list` prints is one whole string literal,
# written once under suites/, so a grep for an id from a report finds its
# test. The mutation case shows the check fails on a pasted, a doubled and a
# commented-out id. Run with: ctest -R '^layout\.rule_ids'
add_test(NAME layout.rule_ids_literal
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_rule_ids.py $<TARGET_FILE:sigipc>
          ${CMAKE_SOURCE_DIR}/suites)
set_tests_properties(layout.rule_ids_literal PROPERTIES TIMEOUT 60)
add_test(NAME layout.rule_ids_literal_mutation
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/rule_ids_mutation.sh ${SIGIPC_PYTHON} $<TARGET_FILE:sigipc>
          ${CMAKE_SOURCE_DIR})
set_tests_properties(layout.rule_ids_literal_mutation PROPERTIES TIMEOUT 60)
