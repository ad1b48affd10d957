# CPack: `cpack` in the build folder makes
#   sigipc_<version>_<arch>.deb      the command, its data, man page, completion
#   sigipc-dev_<version>_<arch>.deb  headers, static libraries, CMake package
#   sigipc-<version>-Linux.tar.gz    everything, relative to the prefix
# The .deb's Depends come from dpkg-shlibdeps (libseccomp2, libyaml-cpp0.7,
# libstdc++6, libc6; GoogleTest is linked statically).
set(CPACK_PACKAGE_NAME sigipc)
set(CPACK_PACKAGE_VENDOR "sigipc")
set(CPACK_PACKAGE_CONTACT "sigipc maintainers <sigipc@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "conformance and fault-injection tests for POSIX/Linux signals and IPC")
set(CPACK_PACKAGE_DESCRIPTION
    "sigipc checks a platform (kernel, libc, emulator, sandbox) against the rules of POSIX and the Linux man pages for signals, pipes, FIFOs, message queues, shared memory and semaphores, each test in its own process, and injects syscall failures and signals into any program.")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_FILE_NAME "sigipc-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME sigipc)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME sigipc-dev)
# find_package(sigipc) finds these, as sigipc's own build does.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "sigipc (= ${PROJECT_VERSION}), libgtest-dev, nlohmann-json3-dev, libcli11-dev, libyaml-cpp-dev, libseccomp-dev, pkg-config")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Headers, static libraries and CMake package (find_package(sigipc)) to write fork-isolated GoogleTest tests with sigipc's fixtures and injectors.")
include(CPack)
