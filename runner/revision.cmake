# Writes OUT (a header defining SIGIPC_REVISION) from `git describe` of the
# source tree SRC, at every build, touching OUT only when the text changes
# so nothing rebuilds for nothing. Outside a git checkout (a release tarball)
# the revision is REVISION if given (-DSIGIPC_REVISION=... at configure
# time, for packagers), else "unknown".
if(REVISION)
  set(rev "${REVISION}")
else()
  execute_process(COMMAND git -C "${SRC}" describe --always --dirty --abbrev=12
                  OUTPUT_VARIABLE rev ERROR_QUIET RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0 OR rev STREQUAL "")
    set(rev "unknown")
  endif()
endif()
set(text "#define SIGIPC_REVISION \"${rev}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
