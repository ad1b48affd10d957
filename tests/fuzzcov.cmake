# Fuzzing and bad input: bad-input tests for the readers, and the fuzz
# corpus replayed through the fuzz targets in the normal (gcc) build. The
# libFuzzer build itself is fuzz/CMakeLists.txt, run by fuzz/run, and is not
# part of this build.

add_executable(sigipc-bad-input-unit bad_expectations_test.cc bad_results_test.cc)
target_link_libraries(sigipc-bad-input-unit PRIVATE sigipc_runner GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-bad-input-unit DISCOVERY_TIMEOUT 60)

add_executable(sigipc-bad-input-cli selftest_util.cc bad_input_cli_test.cc)
target_include_directories(sigipc-bad-input-cli PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-bad-input-cli PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(sigipc-bad-input-cli PRIVATE
  SIGIPC_BIN="$<TARGET_FILE:sigipc>" HARNESS_BIN="$<TARGET_FILE:sigipc-harness-cases>"
  GOOD_RESULTS="${CMAKE_SOURCE_DIR}/fuzz/corpus/results_fuzz/harness-small.json")
add_dependencies(sigipc-bad-input-cli sigipc sigipc-harness-cases)
gtest_discover_tests(sigipc-bad-input-cli DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)

# Every seed and every past crash of a fuzz target goes through the target
# again; an input that breaks a reader's contract aborts the replay.
set(SIGIPC_FUZZ_DIR ${CMAKE_SOURCE_DIR}/fuzz)
function(sigipc_fuzz_replay target)
  add_executable(${target}-replay ${SIGIPC_FUZZ_DIR}/${target}.cc ${SIGIPC_FUZZ_DIR}/replay_main.cc)
  target_include_directories(${target}-replay PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${target}-replay PRIVATE ${ARGN})
  add_test(NAME fuzz_replay.${target} COMMAND ${target}-replay ${SIGIPC_FUZZ_DIR}/corpus/${target})
endfunction()
sigipc_fuzz_replay(expectations_fuzz sigipc_reports)
sigipc_fuzz_replay(records_fuzz sigipc_runner)
if(EXISTS ${CMAKE_SOURCE_DIR}/reports/load.cc)
  sigipc_fuzz_replay(results_fuzz sigipc_reports)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/injectors/syscall_fail.cc AND EXISTS ${SIGIPC_FUZZ_DIR}/fail_rule_fuzz.cc)
  sigipc_fuzz_replay(fail_rule_fuzz sigipc_injectors)
endif()
if(EXISTS ${CMAKE_SOURCE_DIR}/injectors/signal_injector.cc AND EXISTS ${SIGIPC_FUZZ_DIR}/signal_plan_fuzz.cc)
  sigipc_fuzz_replay(signal_plan_fuzz sigipc_injectors)
endif()
