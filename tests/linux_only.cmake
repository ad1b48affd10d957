# Every Linux-only rule says so in its clause (docs/DESIGN.md, "Linux-only
# clauses"); the self-test shows the check flags unmarked clauses.
# Run with: ctest -R '^layout\.linux_only'
add_test(NAME layout.linux_only_clauses
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_linux_only.py $<TARGET_FILE:sigipc>)
set_tests_properties(layout.linux_only_clauses PROPERTIES TIMEOUT 60)
add_test(NAME layout.linux_only_clauses_selftest
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/check_linux_only.py --self-test)
set_tests_properties(layout.linux_only_clauses_selftest PROPERTIES TIMEOUT 60)
