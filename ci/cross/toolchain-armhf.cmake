# armhf (ARMv7, hard float) cross build (Debian's g++-arm-linux-gnueabihf);
# runs under qemu-arm -L /usr/arm-linux-gnueabihf.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(SIGIPC_CROSS_SYSROOT /usr/arm-linux-gnueabihf)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
# GCC notes on every std::map/vector iterator passed by value that its ARM
# AAPCS passing changed in GCC 7.1 (-Wpsabi): nothing here mixes objects built
# by GCC older than 7, so the notes only bury real warnings in the log.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
