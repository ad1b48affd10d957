// Signal injector (docs/DESIGN.md section 5 "signals under load"):
// delivers chosen signals to a process or thread at random points drawn from
// a seeded schedule, at a bounded rate, and counts what it sent. The same
// plan and seed give the same schedule.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sigipc::inject {

struct PlanError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Via { kKill, kTgkill, kSigqueue, kPidfd, kTimer };

struct SignalPlan {
  std::vector<int> signals;  // chosen uniformly per send from the seed
  double rate_hz = 1000;     // mean sends per second; capped (kMaxRateHz)
  std::uint64_t seed = 0;
  Via via = Via::kKill;
  std::uint64_t max_signals = 0;  // 0: until stopped
};

// Above this a target spends its time in handlers (a 5 us periodic timer
// livelocks a process on a 2-core machine).
constexpr double kMaxRateHz = 50000;

// Parses "SIGUSR1", "USR1", "SIGRTMIN+3", "10"; throws PlanError.
int parse_signal(const std::string& text);
Via parse_via(const std::string& text);  // kill, tgkill, sigqueue, pidfd, timer
// Throws PlanError for an empty signal list, a rate <= 0 or above
// kMaxRateHz, SIGKILL/SIGSTOP, or a via that cannot reach the target kind.
void validate(const SignalPlan& plan);
// validate(plan), then what needs the target (start() calls this): pid > 0
// (one process, never a group) that exists; a tid only with tgkill or timer,
// and a thread of pid; a timer only for the calling process (it is one of
// its own timers).
void validate(const SignalPlan& plan, pid_t pid, pid_t tid);

// The first n (delay_ns, signal) steps of the plan's schedule: delay_ns is the
// wait before that send, uniform in [mean/2, 3*mean/2] with mean = 1/rate_hz
// (so bursts never exceed twice the rate), the signal uniform over the list.
// Integer arithmetic on std::mt19937_64 only: the same on every platform.
std::vector<std::pair<std::uint64_t, int>> schedule(const SignalPlan& plan, std::size_t n);

struct SignalCounts {
  std::uint64_t sent = 0;    // sends that succeeded
  std::uint64_t failed = 0;  // sends that returned an error (e.g. EAGAIN on a full RT queue)
  std::map<int, std::uint64_t> per_signal;  // successful sends by signal
  int first_error = 0;                      // errno of the first failed send (0: none)
  bool target_gone = false;                 // sending stopped because the target ended (ESRCH)
  std::string problem;                      // empty unless the sender ended without reporting
};
// "sent 12345 signals (SIGUSR1 12345), 0 failed"
std::string describe(const SignalCounts& c);

// Sends from a sibling process (kill, tgkill, sigqueue, pidfd_send_signal),
// or, with Via::kTimer, from a POSIX timer of the calling process aimed at
// tid (or the process). start() returns once sending has begun; stop() stops
// it, waits for the sender and returns the counts. The destructor stops.
// start() throws PlanError for a plan or target validate() rejects,
// std::system_error when the sender cannot be set up. With Via::kSigqueue,
// si_value.sival_int of each signal is its sequence number among the
// successful sends of that signal number (0, 1, 2, ...). Do not reap with
// waitpid(-1) while an injector runs: it may take the sender. How sending
// works (timing, descriptors, timers): injectors/signal_injector.cc.
class SignalInjector {
 public:
  explicit SignalInjector(SignalPlan plan);
  ~SignalInjector();
  SignalInjector(const SignalInjector&) = delete;
  SignalInjector& operator=(const SignalInjector&) = delete;

  void start(pid_t pid, pid_t tid = 0);
  SignalCounts stop();
  // Waits until sending ended on its own (max_signals sent, or the
  // target gone), at most safety_s seconds; false if it is still sending.
  bool wait_done(double safety_s);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sigipc::inject
