// What every measurement of sigipc bench shares: the clock, the two sides
// of a round trip (a forked process or a thread), their CPUs, and how a
// mechanism the platform refuses is reported (Refused, never a crash).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace sigipc::bench {

// The platform refused what a measurement needs (ENOSYS, a limit, EPERM):
// the row goes to "unsupported" with what() as the reason.
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// rc == -1: throws Refused("what: ERRNO (text)"); else returns rc.
long refused_if_failed(long rc, const std::string& what);

// CLOCK_MONOTONIC in nanoseconds (the vDSO: no system call).
std::uint64_t now_ns();

enum class Topology { kProcess, kThread };
const char* topology_name(Topology t);

// The two CPUs the two sides run on, or why they are not pinned.
struct Pinning {
  bool enabled = false;
  int cpu_a = -1, cpu_b = -1;
  std::string reason;  // when not enabled
};
// The first two CPUs of this process's affinity mask; not pinned when
// there is one CPU, when asked not to (off), or sched_setaffinity fails.
Pinning choose_pinning(bool wanted);
// Pins the calling thread to cpu (Linux: sched_setaffinity(0) is the
// calling thread); -1 leaves it alone.
void pin_calling_thread(int cpu);

// The side the round trip runs against: the peer process or thread.
struct Peer {
  Topology topology = Topology::kProcess;
  pid_t pid = -1;            // process topology: the other process
  unsigned long thread = 0;  // thread topology: the other thread's pthread_t
};

// Runs side_b in a forked child (process topology; it dies with its parent)
// or a thread, side_a in the calling thread, each on its CPU, and waits for
// both. Each side gets its peer. An exception of side_a kills the child
// and propagates; a child that fails exits non-zero, and run_pair throws
// Refused with its status.
void run_pair(Topology t, const Pinning& pin, const std::function<void(const Peer&)>& side_a,
              const std::function<void(const Peer&)>& side_b);

}  // namespace sigipc::bench
