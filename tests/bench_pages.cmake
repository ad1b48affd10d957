# The pages drawn from bench.json: bench.html and the matrix's performance
# section, on the fabricated documents of bench_pages/cells (two matrix cells,
# native and qemu-x86_64) and a real one (bench_pages/sample.bench.json,
# sigipc bench --quick on a loaded 2-core machine), in unit tests and in
# headless Chromium.

set(BENCH_CELLS ${CMAKE_CURRENT_SOURCE_DIR}/bench_pages/cells)

add_executable(sigipc-bench-pages-unit bench_pages_test.cc)
target_include_directories(sigipc-bench-pages-unit PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-bench-pages-unit PRIVATE sigipc_reports GTest::gtest GTest::gtest_main)
target_compile_definitions(sigipc-bench-pages-unit PRIVATE BENCH_FIXTURES="${BENCH_CELLS}")
gtest_discover_tests(sigipc-bench-pages-unit DISCOVERY_TIMEOUT 60)

add_executable(sigipc-bench-page bench_page_writer.cc)
target_include_directories(sigipc-bench-page PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-bench-page PRIVATE sigipc_reports)

# Both pages written from the fixtures by the real tools: bench.html of each
# cell, and `sigipc report --matrix` finding each cell's bench/bench.json
# beside its results.json.
set(BENCH_PAGES ${CMAKE_BINARY_DIR}/bench-pages)
add_test(NAME bench_pages.write
  COMMAND sh -c "rm -rf '${BENCH_PAGES}' && mkdir -p '${BENCH_PAGES}' && \
'$<TARGET_FILE:sigipc-bench-page>' '${BENCH_CELLS}/native/bench/bench.json' '${BENCH_PAGES}/native.html' && \
'$<TARGET_FILE:sigipc-bench-page>' '${BENCH_CELLS}/qemu-x86_64/bench/bench.json' '${BENCH_PAGES}/qemu-x86_64.html' && \
'$<TARGET_FILE:sigipc-bench-page>' '${CMAKE_CURRENT_SOURCE_DIR}/bench_pages/sample.bench.json' '${BENCH_PAGES}/sample.html' && \
'$<TARGET_FILE:sigipc>' report --matrix '${BENCH_CELLS}/native/results.json' \
  '${BENCH_CELLS}/qemu-x86_64/results.json' --label native --label qemu-x86_64 \
  --out '${BENCH_PAGES}/matrix' | grep '^performance of 2 platforms side by side' >/dev/null && \
grep -q '^| mechanism | native | qemu-x86_64 (emulated) |$' '${BENCH_PAGES}/matrix/matrix.md'")
set_tests_properties(bench_pages.write PROPERTIES FIXTURES_SETUP bench_pages TIMEOUT 60)

# A bench.json beside a results file that is not one is bad input: exit 2
# with the file and the reason.
add_test(NAME bench_pages.matrix_bad_bench
  COMMAND sh -c "d=$(mktemp -d) && trap 'rm -rf \"$d\"' EXIT && \
cp -r '${BENCH_CELLS}/native' '${BENCH_CELLS}/qemu-x86_64' \"$d\"/ && \
echo '{\"schema\": \"sigipc-bench/2\"}' >\"$d\"/qemu-x86_64/bench/bench.json && \
'$<TARGET_FILE:sigipc>' report --matrix \"$d\"/native/results.json \"$d\"/qemu-x86_64/results.json \
  --out \"$d\"/m >/dev/null 2>\"$d\"/err; rc=$?; cat \"$d\"/err; test $rc -eq 2 && \
grep -q 'qemu-x86_64/bench/bench.json: schema: \"sigipc-bench/2\", expected \"sigipc-bench/1\"' \"$d\"/err")
set_tests_properties(bench_pages.matrix_bad_bench PROPERTIES TIMEOUT 60)

# ctest reports these as skipped (not passed) where Chromium is missing.
foreach(cell native qemu-x86_64)
  add_test(NAME bench_pages.chromium_${cell}
    COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_bench_html.py page
            ${BENCH_PAGES}/${cell}.html ${BENCH_CELLS}/${cell}/bench/bench.json)
endforeach()
add_test(NAME bench_pages.chromium_sample
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_bench_html.py page
          ${BENCH_PAGES}/sample.html ${CMAKE_CURRENT_SOURCE_DIR}/bench_pages/sample.bench.json)
add_test(NAME bench_pages.chromium_matrix
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_bench_html.py matrix
          ${BENCH_PAGES}/matrix/matrix.html ${BENCH_CELLS}/native/bench/bench.json
          ${BENCH_CELLS}/qemu-x86_64/bench/bench.json)
add_test(NAME bench_pages.chromium_matrix_rules
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_html.py matrix
          ${BENCH_PAGES}/matrix/matrix.html ${BENCH_CELLS}/native/results.json
          ${BENCH_CELLS}/qemu-x86_64/results.json)
set_tests_properties(bench_pages.chromium_native bench_pages.chromium_qemu-x86_64
  bench_pages.chromium_sample
  bench_pages.chromium_matrix bench_pages.chromium_matrix_rules
  PROPERTIES FIXTURES_REQUIRED bench_pages SKIP_RETURN_CODE 77 TIMEOUT 120)

# ci/matrix --bench with stand-in cells: each cell's bench beside its results,
# checked to have run where the cell says, in the summary and side by side
# in matrix.md, also through ci/merge-cells.
add_test(NAME ci.matrix_bench
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/ci_matrix_bench.sh $<TARGET_FILE:sigipc> ${BENCH_CELLS})
set_tests_properties(ci.matrix_bench PROPERTIES TIMEOUT 120)
