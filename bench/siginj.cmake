# The highest sustained rate of real-time signals into a handler with every
# one received (injectors/signal_injector.h). A small program, not Google
# Benchmark: it steps rates and prints a table; run it on an idle machine.
add_executable(sigipc-bench-siginj ${CMAKE_CURRENT_LIST_DIR}/siginj_rt_rate.cc)
target_link_libraries(sigipc-bench-siginj PRIVATE sigipc_injectors)
