# The kernel coverage report (ci/kernel/coverage-report) and test selection
# by kernel function (--touching), on a fake kernel built with --coverage:
# no booting.
add_test(NAME kernel_coverage.report_and_touching
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/kernel_coverage_test.py
          ${CMAKE_SOURCE_DIR} $<TARGET_FILE:sigipc>)
set_tests_properties(kernel_coverage.report_and_touching PROPERTIES TIMEOUT 120)
