# Installation, packages and documentation of the command line.

# Every command and long option of the CLI is in the man page and the bash
# completion.
add_test(NAME install.cli_options_documented
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_cli_docs.py $<TARGET_FILE:sigipc>
          ${CMAKE_SOURCE_DIR}/docs/sigipc.1 ${CMAKE_SOURCE_DIR}/completions/sigipc)
# Nothing in the tree points at files a clone does not have.
add_test(NAME install.no_outside_references
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_references.py ${CMAKE_SOURCE_DIR})
# cmake --install into a temporary prefix, then the downstream example
# configured, built and run against it.
add_test(NAME install.downstream_example
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/install_downstream.sh ${CMAKE_BINARY_DIR}
          ${CMAKE_SOURCE_DIR}/examples/downstream)
# cpack: the .deb and the -dev .deb; the .deb installed, run from PATH
# and purged.
add_test(NAME install.debian_package
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/install_deb.sh ${CMAKE_BINARY_DIR})
# Both read the whole build tree and compile or compress: one at a time.
set_tests_properties(install.downstream_example install.debian_package PROPERTIES
  TIMEOUT 300 RESOURCE_LOCK sigipc_install_tree)
