# Installation, packages and documentation of the command line.

# Nothing in the tree points at files a clone does not have.
add_test(NAME install.no_outside_references
  COMMAND ${SIGIPC_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_references.py ${CMAKE_SOURCE_DIR})
