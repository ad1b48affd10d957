# The platform matrix's own checks (ci/): the package check under pipefail,
# the lock around apt, the matrix's exit status, the test kernel's pieces, and no early-exiting reader
# at the end of a pipeline in any ci/ script. Run with: ctest -R '^ci\.'
add_test(NAME ci.pipefail_lint
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/ci_pipefail_lint.py ${CMAKE_SOURCE_DIR})
add_test(NAME ci.package_check
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ci_package_check.sh)
set_tests_properties(ci.package_check PROPERTIES TIMEOUT 180)
add_test(NAME ci.matrix_exit
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ci_matrix_exit.sh $<TARGET_FILE:sigipc>)
set_tests_properties(ci.matrix_exit PROPERTIES TIMEOUT 180)
add_test(NAME ci.console_stream
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/ci_console_stream.py ${CMAKE_SOURCE_DIR})
add_test(NAME ci.loader_wrapper
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ci_loader_wrapper.sh $<TARGET_FILE:sigipc>)
set_tests_properties(ci.loader_wrapper PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
add_test(NAME ci.test_kernel
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/ci_test_kernel.sh ${CMAKE_SOURCE_DIR})
