// Throughput of the mechanisms that carry data: side A (the parent) sends
// a fixed number of messages of one size to side B (a forked process),
// which answers with one byte when it has them all; bytes moved over the
// time from the first send to that answer.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "bench/harness.h"

namespace sigipc::bench {

// pipe, fifo, posix-mq, sysv-msg, shm (the shared-memory ring of shm-sem).
const std::vector<std::string>& throughput_mechanisms();

// Messages of one repeat: about budget_bytes in all, at least 64 and at
// most max_messages.
std::size_t throughput_messages(std::size_t size, std::size_t budget_bytes,
                                std::size_t max_messages);

// One repeat: bytes per second. Throws Refused.
double measure_throughput(const std::string& mechanism, std::size_t size, std::size_t messages,
                          const Pinning& pin);

}  // namespace sigipc::bench
