// The IPC mechanisms sigipc bench measures, each as a two-way channel
// between side A and side B: direction 0 carries A's messages to B,
// direction 1 B's to A. A channel is set up before the sides start (so a
// forked peer inherits it, and a refusal is found before any fork), and
// every object it creates is removed when it is destroyed.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/harness.h"

namespace sigipc::bench {

class Duplex {
 public:
  virtual ~Duplex() = default;
  // Sends len bytes (1 <= len <= the channel's message size) in direction
  // dir; blocks while the channel is full. Throws Refused on an error.
  virtual void send(int dir, const void* data, std::size_t len) = 0;
  // Receives one message of len bytes from direction dir.
  virtual void recv(int dir, void* data, std::size_t len) = 0;
};

// A mechanism and how to set up a channel for messages of up to max_size
// bytes between the two sides of a topology (throws Refused).
struct ChannelKind {
  std::string mechanism;
  bool carries_data;  // false: a notification only (semaphores, eventfd, futex)
  std::function<std::unique_ptr<Duplex>(Topology, std::size_t max_size)> open;
};

// pipe, fifo, posix-mq, sysv-msg, posix-sem, sysv-sem, eventfd, shm-futex,
// shm-sem (a ring of message slots in shared memory handed over with two
// POSIX semaphores a direction).
const std::vector<ChannelKind>& channel_kinds();
const ChannelKind& channel_kind(const std::string& mechanism);

}  // namespace sigipc::bench
