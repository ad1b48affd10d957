# Tests of the kernel fault-injection driver (injectors/kernel_fault.cc) on
# stand-in files: a plain file for fail-nth, a folder for debugfs, a
# fabricated kernel log. No fault-injection kernel needed.
add_executable(sigipc-kfault-unit ${CMAKE_CURRENT_SOURCE_DIR}/kernel_fault_test.cc)
target_link_libraries(sigipc-kfault-unit PRIVATE sigipc_injectors GTest::gtest GTest::gtest_main)
gtest_discover_tests(sigipc-kfault-unit DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 60)

# The --fail-kernel spec and the ptrace loop, with a stand-in /proc.
add_executable(sigipc-kfault-trace
  ${CMAKE_CURRENT_SOURCE_DIR}/kernel_fault_trace_test.cc
  ${CMAKE_CURRENT_SOURCE_DIR}/selftest_util.cc)
target_include_directories(sigipc-kfault-trace PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sigipc-kfault-trace PRIVATE sigipc_injectors GTest::gtest GTest::gtest_main)
target_compile_definitions(sigipc-kfault-trace PRIVATE
  SIGIPC_BIN="$<TARGET_FILE:sigipc>"
  INJECT_TARGET="$<TARGET_FILE:sigipc-inject-target>")
add_dependencies(sigipc-kfault-trace sigipc sigipc-inject-target)
gtest_discover_tests(sigipc-kfault-trace DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 60)

# The kmemleak attributor on a fabricated run folder and dump.
add_test(NAME kfault.kmemleak_attribute
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/kmemleak_attribute_test.py
          ${CMAKE_SOURCE_DIR}/ci/kernel/kmemleak-attribute)
