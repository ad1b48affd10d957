# The signal injector library (injectors/signal_*.cc): plan parsing and
# validation, the seeded schedule, and the sender against real targets.
# Included from tests/CMakeLists.txt; paths are relative to tests/.
add_executable(sigipc-siginj-test
  ${CMAKE_CURRENT_LIST_DIR}/siginj_plan_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/siginj_sender_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/siginj_timer_test.cc)
target_link_libraries(sigipc-siginj-test PRIVATE sigipc_injectors sigipc_fixtures
  GTest::gtest GTest::gtest_main)
# One process per test (signal state, children): discovery, not one run.
gtest_discover_tests(sigipc-siginj-test DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 60)
