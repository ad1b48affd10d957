# The syscall-failure injector's cost per call against native and strace
# (bench/inject_vs_strace.sh). Run: cmake --build BUILD --target bench-inject
add_executable(sigipc-inject-workload ${CMAKE_CURRENT_SOURCE_DIR}/inject_workload.c)
add_custom_target(bench-inject
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/inject_vs_strace.sh ${CMAKE_BINARY_DIR}
  DEPENDS sigipc sigipc-inject-workload
  USES_TERMINAL)
