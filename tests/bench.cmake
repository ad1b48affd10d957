# sigipc bench: the statistics and the baseline gate on fixed data, and the
# command on a quick pipe run (a document of schema sigipc-bench/1), bad
# input and the gate's exit statuses. Nothing here times anything.

add_executable(sigipc-bench-unit bench_stats_test.cc)
target_include_directories(sigipc-bench-unit PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-bench-unit PRIVATE sigipc_bench GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-bench-unit DISCOVERY_TIMEOUT 60)

add_executable(sigipc-bench-cli bench_cli_test.cc selftest_util.cc)
target_include_directories(sigipc-bench-cli PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-bench-cli PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(sigipc-bench-cli PRIVATE SIGIPC_BIN="$<TARGET_FILE:sigipc>"
  SHIM_MQ_ENOSYS="$<TARGET_FILE:shim_bench_mq_enosys>")
add_dependencies(sigipc-bench-cli sigipc shim_bench_mq_enosys)
gtest_discover_tests(sigipc-bench-cli DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
