# What `cmake --install` puts under the prefix, and the CMake package other
# projects find. Included from the top-level CMakeLists.txt.
#
#   bin/sigipc
#   share/sigipc/expectations/*.yaml, share/sigipc/schema/results.schema.json
#   share/man/man1/sigipc.1, share/bash-completion/completions/sigipc
#   include/sigipc/{fixtures,injectors,runner}/*.h   (#include "fixtures/check.h")
#   lib/libsigipc_*.a, lib/cmake/sigipc/             (find_package(sigipc))
#
# Components: "runtime" (the command and its data) and "dev" (headers, static
# libraries, CMake package); CPack makes one Debian package of each.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SIGIPC_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/sigipc)
set(SIGIPC_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/sigipc)
set(SIGIPC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/sigipc)

install(TARGETS sigipc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY ci/expectations/ DESTINATION ${SIGIPC_INSTALL_DATADIR}/expectations
        COMPONENT runtime FILES_MATCHING PATTERN "*.yaml")
install(FILES reports/schema/results.schema.json DESTINATION ${SIGIPC_INSTALL_DATADIR}/schema
        COMPONENT runtime)
install(FILES docs/sigipc.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT runtime)
install(FILES completions/sigipc DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        COMPONENT runtime)

# main() of the command, as a library: a downstream test program links it
# and becomes a sigipc runner over its own SIGIPC_TESTs.
add_library(sigipc_main STATIC runner/main.cc)
target_link_libraries(sigipc_main PUBLIC sigipc_runner)
# The runner's public header, for programs with a main of their own.
target_include_directories(sigipc_runner PUBLIC $<INSTALL_INTERFACE:${SIGIPC_INSTALL_INCLUDEDIR}>)

set(SIGIPC_EXPORTED sigipc_fixtures sigipc_injectors sigipc_reports sigipc_bench sigipc_runner
  sigipc_main)
foreach(lib ${SIGIPC_EXPORTED})
  string(REPLACE "sigipc_" "" short ${lib})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${short})
  target_include_directories(${lib} PUBLIC $<INSTALL_INTERFACE:${SIGIPC_INSTALL_INCLUDEDIR}>)
endforeach()
install(TARGETS ${SIGIPC_EXPORTED} EXPORT sigipcTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
# `cmake --install --strip` and cpack strip executables only; the archives'
# debug information would make most of the packages' size.
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    file(GLOB sigipc_libs \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/libsigipc_*.a\")
    foreach(lib IN LISTS sigipc_libs)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug \"\${lib}\")
    endforeach()
  endif()" COMPONENT dev)
foreach(dir fixtures injectors)
  install(DIRECTORY ${dir}/ DESTINATION ${SIGIPC_INSTALL_INCLUDEDIR}/${dir} COMPONENT dev
          FILES_MATCHING PATTERN "*.h")
endforeach()
install(FILES runner/cli.h DESTINATION ${SIGIPC_INSTALL_INCLUDEDIR}/runner COMPONENT dev)

install(EXPORT sigipcTargets NAMESPACE sigipc:: DESTINATION ${SIGIPC_INSTALL_CMAKEDIR}
        COMPONENT dev)
configure_package_config_file(cmake/sigipcConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/sigipcConfig.cmake
  INSTALL_DESTINATION ${SIGIPC_INSTALL_CMAKEDIR}
  PATH_VARS SIGIPC_INSTALL_DATADIR CMAKE_INSTALL_BINDIR)
# 0.x: a minor version may change the interface.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/sigipcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/sigipcConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/sigipcConfigVersion.cmake
        DESTINATION ${SIGIPC_INSTALL_CMAKEDIR} COMPONENT dev)
