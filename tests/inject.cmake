# Tests of the syscall-failure injector (injectors/syscall_*.cc,
# injectors/notify_decider.cc) and of `sigipc inject` (runner/inject_cmd.cc).

# The program the CLI tests run under `sigipc inject`.
add_executable(sigipc-inject-target ${CMAKE_CURRENT_SOURCE_DIR}/inject_target.c)

# Rule parser, name resolution, decisions, and the library run in a child.
add_executable(sigipc-inject-unit
  ${CMAKE_CURRENT_SOURCE_DIR}/inject_rules_test.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/inject_decider_test.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/inject_library_test.cc)
target_link_libraries(sigipc-inject-unit PRIVATE sigipc_injectors GTest::gtest GTest::gtest_main)

# The command line through the real binary.
add_executable(sigipc-inject-cli
  ${CMAKE_CURRENT_SOURCE_DIR}/inject_cli_test.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/selftest_util.cc)
target_include_directories(sigipc-inject-cli PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-inject-cli PRIVATE GTest::gtest GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(sigipc-inject-cli PRIVATE
  SIGIPC_BIN="$<TARGET_FILE:sigipc>"
  INJECT_TARGET="$<TARGET_FILE:sigipc-inject-target>")
add_dependencies(sigipc-inject-cli sigipc sigipc-inject-target)

include(GoogleTest)
gtest_discover_tests(sigipc-inject-unit DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
gtest_discover_tests(sigipc-inject-cli DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
