# aarch64 cross build (Debian's g++-aarch64-linux-gnu); runs under
# qemu-aarch64 -L /usr/aarch64-linux-gnu.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(SIGIPC_CROSS_SYSROOT /usr/aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
