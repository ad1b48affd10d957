# Reports: every writer, reading saved runs back, sigipc report,
# sigipc diff and the matrix; the HTML page in headless Chromium.

add_executable(sigipc-reports-unit
  reports_writers_test.cc
  reports_load_test.cc
  reports_compare_test.cc)
target_include_directories(sigipc-reports-unit PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-reports-unit PRIVATE sigipc_reports GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-reports-unit DISCOVERY_TIMEOUT 60)

add_executable(sigipc-reports-cli reports_cli_test.cc selftest_util.cc)
target_include_directories(sigipc-reports-cli PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-reports-cli PRIVATE sigipc_reports GTest::gtest GTest::gtest_main)
target_compile_definitions(sigipc-reports-cli PRIVATE SIGIPC_BIN="$<TARGET_FILE:sigipc>")
add_dependencies(sigipc-reports-cli sigipc)
gtest_discover_tests(sigipc-reports-cli DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)

# A real run with every harness outcome (red by design), written again by
# sigipc report, then a matrix of that run against the suite's own catalogue
# run of the harness filtered to the passing cases: the files the checks
# below open.
set(REPORTS_RUN ${CMAKE_BINARY_DIR}/reports-harness)
add_test(NAME reports.harness_run
  COMMAND sh -c "rm -rf '${REPORTS_RUN}' && mkdir -p '${REPORTS_RUN}' && \
'$<TARGET_FILE:sigipc-harness-cases>' run --out '${REPORTS_RUN}/run' --jobs 4 >/dev/null 2>&1; \
test -s '${REPORTS_RUN}/run/report.html' && \
'$<TARGET_FILE:sigipc-harness-cases>' run --out '${REPORTS_RUN}/green' --jobs 4 \
  --filter 'Harness.Pass:Harness.Unsupported:Harness.GuardsCleanUp:Harness.ExecHelperRuns' >/dev/null 2>&1 && \
'$<TARGET_FILE:sigipc>' report '${REPORTS_RUN}/run/results.json' --out '${REPORTS_RUN}/again' >/dev/null && \
'$<TARGET_FILE:sigipc>' report --matrix '${REPORTS_RUN}/run/results.json' '${REPORTS_RUN}/green/results.json' \
  --label 'all outcomes' --label 'green subset' --out '${REPORTS_RUN}/matrix' >/dev/null")
set_tests_properties(reports.harness_run PROPERTIES FIXTURES_SETUP reports_run TIMEOUT 300)

# ctest reports these as skipped (not passed) where Chromium is missing.
add_test(NAME reports.html_chromium
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_html.py report
          ${REPORTS_RUN}/run/report.html ${REPORTS_RUN}/run/results.json)
add_test(NAME reports.html_chromium_rewritten
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_html.py report
          ${REPORTS_RUN}/again/report.html ${REPORTS_RUN}/run/results.json)
add_test(NAME reports.matrix_chromium
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_html.py matrix
          ${REPORTS_RUN}/matrix/matrix.html ${REPORTS_RUN}/run/results.json ${REPORTS_RUN}/green/results.json)
set_tests_properties(reports.html_chromium reports.html_chromium_rewritten reports.matrix_chromium
  PROPERTIES FIXTURES_REQUIRED reports_run SKIP_RETURN_CODE 77 TIMEOUT 300)

add_test(NAME reports.kcidb_schema
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_kcidb.py
          ${CMAKE_CURRENT_SOURCE_DIR}/kcidb_v5.schema.json ${REPORTS_RUN}/run/kcidb.json
          ${REPORTS_RUN}/run/results.json)
set_tests_properties(reports.kcidb_schema PROPERTIES FIXTURES_REQUIRED reports_run)
