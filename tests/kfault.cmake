# Tests of the kernel fault-injection driver (injectors/kernel_fault.cc) on
# stand-in files: a plain file for fail-nth, a folder for debugfs, a
# fabricated kernel log. No fault-injection kernel needed.
add_executable(sigipc-kfault-unit ${CMAKE_CURRENT_SOURCE_DIR}/kernel_fault_test.cc)
target_link_libraries(sigipc-kfault-unit PRIVATE sigipc_injectors GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-kfault-unit DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 60)
