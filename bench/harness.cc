#include "bench/harness.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>

#include "fixtures/check.h"

namespace sigipc::bench {

long refused_if_failed(long rc, const std::string& what) {
  if (rc == -1) throw Refused(what + ": " + ErrnoText(errno));
  return rc;
}

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

const char* topology_name(Topology t) { return t == Topology::kProcess ? "process" : "thread"; }

Pinning choose_pinning(bool wanted) {
  Pinning p;
  if (!wanted) {
    p.reason = "pinning turned off (--no-pin)";
    return p;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) {
    p.reason = "sched_getaffinity: " + ErrnoText(errno);
    return p;
  }
  for (int cpu = 0; cpu < CPU_SETSIZE && p.cpu_b < 0; ++cpu) {
    if (!CPU_ISSET(cpu, &set)) continue;
    (p.cpu_a < 0 ? p.cpu_a : p.cpu_b) = cpu;
  }
  if (p.cpu_b < 0) {
    p.reason = "only one CPU is available to this process";
    p.cpu_a = -1;
    return p;
  }
  // Try it on a throwaway thread: some sandboxes refuse affinity changes.
  int err = 0;
  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(p.cpu_b, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) err = errno;
  }).join();
  if (err) {
    p.reason = "sched_setaffinity: " + ErrnoText(err);
    p.cpu_a = p.cpu_b = -1;
    return p;
  }
  p.enabled = true;
  return p;
}

void pin_calling_thread(int cpu) {
  if (cpu < 0) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  sched_setaffinity(0, sizeof one, &one);
}

namespace {

void run_process_pair(const Pinning& pin, const std::function<void(const Peer&)>& side_a,
                      const std::function<void(const Peer&)>& side_b) {
  const pid_t parent = getpid();
  const pid_t child = refused_if_failed(fork(), "fork");
  if (child == 0) {
    // The peer must not outlive the measuring side, whatever ends it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(97);
    int code = 0;
    try {
      pin_calling_thread(pin.cpu_b);
      side_b(Peer{Topology::kProcess, parent, 0});
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sigipc bench: peer: %s\n", e.what());
      code = 3;
    }
    _exit(code);
  }
  try {
    pin_calling_thread(pin.cpu_a);
    side_a(Peer{Topology::kProcess, child, 0});
  } catch (...) {
    kill(child, SIGKILL);
    while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw;
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Refused("the peer process ended with status " + std::to_string(status));
}

void run_thread_pair(const Pinning& pin, const std::function<void(const Peer&)>& side_a,
                     const std::function<void(const Peer&)>& side_b) {
  const pthread_t self = pthread_self();
  // What the peer runs and how it ended live on the heap, shared with it:
  // when side_a fails the peer is left running, and must not write into
  // this frame once it is gone. Where a call is ENOSYS both sides fail at
  // once; a write into a dead frame would crash the measurement process
  // before it reports the reason.
  struct PeerState {
    std::function<void(const Peer&)> body;
    std::exception_ptr failed;
  };
  auto state = std::make_shared<PeerState>(PeerState{side_b, nullptr});
  std::thread b([state, cpu = pin.cpu_b, self] {
    try {
      pin_calling_thread(cpu);
      state->body(Peer{Topology::kThread, getpid(), static_cast<unsigned long>(self)});
    } catch (...) {
      state->failed = std::current_exception();
    }
  });
  try {
    pin_calling_thread(pin.cpu_a);
    side_a(Peer{Topology::kThread, getpid(), static_cast<unsigned long>(b.native_handle())});
  } catch (...) {
    // The peer may block for ever on a message that never comes: leave it;
    // the measurement process ends right after reporting.
    b.detach();
    throw;
  }
  b.join();
  if (state->failed) std::rethrow_exception(state->failed);
}

}  // namespace

void run_pair(Topology t, const Pinning& pin, const std::function<void(const Peer&)>& side_a,
              const std::function<void(const Peer&)>& side_b) {
  if (t == Topology::kProcess)
    run_process_pair(pin, side_a, side_b);
  else
    run_thread_pair(pin, side_a, side_b);
}

}  // namespace sigipc::bench
