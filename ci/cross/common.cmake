# Shared part of the toolchain files in ci/cross/: the target's dependencies
# (GoogleTest, yaml-cpp, libseccomp, built static by ci/cross/deps, plus copies
# of the header-only nlohmann-json and CLI11) live in one prefix per target,
# given as -DSIGIPC_DEPS_PREFIX=... . Nothing is taken from the host's
# /usr/include or /usr/lib: a host header or library in a target build would
# silently test the host's libc instead of the target's.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SIGIPC_DEPS_PREFIX)
if(NOT SIGIPC_DEPS_PREFIX)
  message(FATAL_ERROR "ci/cross toolchain: pass -DSIGIPC_DEPS_PREFIX=<prefix built by ci/cross/deps>")
endif()

set(CMAKE_FIND_ROOT_PATH ${SIGIPC_DEPS_PREFIX} ${SIGIPC_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg_check_modules(libseccomp) must read the target's .pc file only.
set(ENV{PKG_CONFIG_LIBDIR} "${SIGIPC_DEPS_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
