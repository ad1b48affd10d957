# Isolation for an ordinary user on a shared machine (ci/unprivileged-check):
# as nobody, beside foreign IPC objects of every kind and a second run, a
# representative subset - every test of system-wide IPC counts and one
# family of each IPC interface that creates objects - must give the same
# verdicts under process-group isolation as under (user) namespaces, touch
# no foreign object and leave nothing behind. The whole suite: run the
# script without --filter.
add_test(NAME isolation.unprivileged_check
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_SOURCE_DIR}/ci/unprivileged-check
          --sigipc $<TARGET_FILE:sigipc>
          --filter "PosixMqLifecycle.*" --filter "SysvMsgLinux.*" --filter "SysvSemInfo.*"
          --filter "SysvShmLinux.*" --filter "SysvMsgGet.*" --filter "PosixShmNames.*"
          --filter "PosixSemNames.*")
set_tests_properties(isolation.unprivileged_check PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
