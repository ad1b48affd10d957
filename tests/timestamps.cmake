# The timestamp rules (fixtures/timestamp.h): green whatever time() reads,
# red when a stamp is stale or never updated. Run with: ctest -R timestamps
foreach(condition plain time-ahead time-precise stamps-stale stamps-unchanged)
  add_test(NAME timestamps.${condition}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/timestamp_rules.sh $<TARGET_FILE:sigipc>
            ${CMAKE_CURRENT_BINARY_DIR}/shims ${condition})
  set_tests_properties(timestamps.${condition} PROPERTIES TIMEOUT 120)
endforeach()

add_executable(sigipc-timestamp-unit ${CMAKE_CURRENT_LIST_DIR}/timestamp_test.cc)
target_link_libraries(sigipc-timestamp-unit PRIVATE sigipc_fixtures GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-timestamp-unit DISCOVERY_TIMEOUT 60)
