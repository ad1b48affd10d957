# The runner's CI-facing behaviour: result stream, skip/shuffle/shard/merge,
# resume, and the ways a run used to lose results or leave folders behind.
add_executable(sigipc-runner-unit runner_plan_test.cc stream_load_test.cc)
target_link_libraries(sigipc-runner-unit PRIVATE sigipc_runner GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-runner-unit DISCOVERY_TIMEOUT 60)

add_executable(sigipc-runner-selftest selftest_util.cc run_options_selftest.cc crash_selftest.cc)
target_include_directories(sigipc-runner-selftest PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-runner-selftest PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(sigipc-runner-selftest PRIVATE
  SIGIPC_BIN="$<TARGET_FILE:sigipc>"
  HARNESS_BIN="$<TARGET_FILE:sigipc-harness-cases>")
add_dependencies(sigipc-runner-selftest sigipc sigipc-harness-cases)
gtest_discover_tests(sigipc-runner-selftest DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
