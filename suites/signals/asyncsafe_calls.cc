// Async-signal-safe calls made by a handler while the code it interrupted is
// inside the same kind of call (XSH 2.4.3 list): the identity queries
// (getpid, getppid, getuid, ...), the clocks (clock_gettime, time), and the
// descriptor calls (open, pipe, dup2, read, write, close). Each must give
// the handler the same answers as the main flow and leave the main flow's
// calls undisturbed. The main flow sets g_inside around its calls and the
// handler counts the runs that found it set: a test passes only with
// evidence that handlers interrupted the calls (UNSUPPORTED with the figures
// otherwise); the per-function table is asyncsafe_table*.cc.
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

constexpr long kTickUs = 500;
constexpr int kHandlerRuns = 5;

// True until kHandlerRuns handlers landed inside a main-flow call or two
// seconds have passed (a bound for a handler that never runs, not a
// synchronisation).
class UntilHandlerRuns {
 public:
  UntilHandlerRuns() : deadline_(signals::monotonic_ns() + 2000000000LL) {}
  bool operator()() const;

 private:
  long long deadline_;
};

volatile sig_atomic_t g_runs = 0;
volatile sig_atomic_t g_inside = 0;  // the main flow is inside a call
volatile sig_atomic_t g_landed = 0;  // handler runs that found g_inside set

void count_run() {
  g_runs = g_runs + 1;
  if (g_inside) g_landed = g_landed + 1;
}

void reset_counts() {
  g_runs = 0;
  g_inside = 0;
  g_landed = 0;
}

bool UntilHandlerRuns::operator()() const {
  return g_landed < kHandlerRuns && signals::monotonic_ns() < deadline_;
}

std::string figures(const char* calls) {
  return std::to_string(g_landed) + " of " + std::to_string(g_runs) + " handler runs interrupted " +
         calls;
}

enum Identity { kPid, kPpid, kUid, kEuid, kGid, kEgid, kPgrp, kIdentities };
const char* const kIdentityNames[] = {"getpid", "getppid", "getuid", "geteuid",
                                      "getgid", "getegid", "getpgrp"};
volatile sig_atomic_t g_identity[kIdentities];

void query_identity(int) {
  g_identity[kPid] = getpid();
  g_identity[kPpid] = getppid();
  g_identity[kUid] = static_cast<sig_atomic_t>(getuid());
  g_identity[kEuid] = static_cast<sig_atomic_t>(geteuid());
  g_identity[kGid] = static_cast<sig_atomic_t>(getgid());
  g_identity[kEgid] = static_cast<sig_atomic_t>(getegid());
  g_identity[kPgrp] = getpgrp();
  count_run();
}

SIGIPC_TEST(SignalAsyncSafeCalls, IdentityQueriesInAHandlerAgreeWithTheMainFlow,
            "signal.asyncsafe.identity-queries", "XSH 2.4.3 Signal Actions",
            "getpid(), getppid(), getuid(), geteuid(), getgid(), getegid() and getpgrp() "
            "called by a handler that interrupted the same calls return the process's values") {
  const sig_atomic_t want[kIdentities] = {getpid(),
                                          getppid(),
                                          static_cast<sig_atomic_t>(getuid()),
                                          static_cast<sig_atomic_t>(geteuid()),
                                          static_cast<sig_atomic_t>(getgid()),
                                          static_cast<sig_atomic_t>(getegid()),
                                          getpgrp()};
  reset_counts();
  for (int i = 0; i < kIdentities; ++i) g_identity[i] = -1;
  SignalAction action(SIGUSR1, query_identity);
  long long main_mismatches = 0;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    for (UntilHandlerRuns more; more();) {
      g_inside = 1;
      const pid_t pid = getpid(), ppid = getppid();
      g_inside = 0;
      if (pid != want[kPid] || ppid != want[kPpid]) ++main_mismatches;
    }
  }
  ASSERT_GE(g_runs, 1) << "the handler never ran";
  EXPECT_EQ(main_mismatches, 0) << "interrupted getpid()/getppid() calls gave wrong answers ("
                                << figures("them") << ")";
  for (int i = 0; i < kIdentities; ++i)
    EXPECT_EQ(g_identity[i], want[i]) << kIdentityNames[i] << "() in the handler";
  if (!HasFailure() && g_landed == 0)
    SIGIPC_UNSUPPORTED("no evidence of a handler inside getpid()/getppid(): " + figures("a call"));
}

std::atomic<long long> g_monotonic_ns{-1};
std::atomic<long long> g_realtime_s{-1};
volatile sig_atomic_t g_clock_errors = 0;

void read_clocks(int) {
  const int saved = errno;
  timespec ts{};
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) g_clock_errors = g_clock_errors + 1;
  g_monotonic_ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
  time_t t = time(nullptr);
  if (t == static_cast<time_t>(-1)) g_clock_errors = g_clock_errors + 1;
  g_realtime_s = static_cast<long long>(t);
  count_run();
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeCalls, ClockReadsInAHandlerFallWithinTheMainFlowsReads,
            "signal.asyncsafe.clock-reads", "XSH 2.4.3 Signal Actions",
            "clock_gettime() and time() called by a handler that interrupted clock_gettime() "
            "succeed and return times between the main flow's readings before and after") {
  if (!std::atomic<long long>::is_always_lock_free)
    SIGIPC_UNSUPPORTED("std::atomic<long long> is not lock-free here: not usable in a handler");
  reset_counts();
  g_clock_errors = 0;
  SignalAction action(SIGUSR1, read_clocks);
  const time_t before_s = time(nullptr);
  const long long before_ns = signals::monotonic_ns();
  long long backwards = 0;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    long long last = before_ns;
    for (UntilHandlerRuns more; more();) {
      g_inside = 1;
      const long long now = signals::monotonic_ns();
      g_inside = 0;
      if (now < last) ++backwards;
      last = now;
    }
  }
  const long long after_ns = signals::monotonic_ns();
  const time_t after_s = time(nullptr);
  ASSERT_GE(g_runs, 1) << "the handler never ran";
  EXPECT_EQ(g_clock_errors, 0) << "clock calls that failed inside the handler";
  EXPECT_EQ(backwards, 0) << "interrupted CLOCK_MONOTONIC reads went backwards";
  EXPECT_GE(g_monotonic_ns.load(), before_ns);
  EXPECT_LE(g_monotonic_ns.load(), after_ns);
  EXPECT_GE(g_realtime_s.load(), static_cast<long long>(before_s));
  EXPECT_LE(g_realtime_s.load(), static_cast<long long>(after_s));
  if (!HasFailure() && g_landed == 0)
    SIGIPC_UNSUPPORTED("no evidence of a handler inside clock_gettime(): " + figures("a call"));
}

// Bit per step of the handler's descriptor round trip that failed.
volatile sig_atomic_t g_fd_failures = 0;

void descriptor_round_trip(int) {
  const int saved = errno;
  int failed = 0;
  int p[2] = {-1, -1};
  if (pipe(p) != 0) failed |= 1;
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) failed |= 2;
  if (!failed) {
    // The /dev/null descriptor becomes the pipe's write end.
    if (dup2(p[1], fd) != fd) failed |= 4;
    char out = 'x', in = 0;
    if (write(fd, &out, 1) != 1) failed |= 8;
    if (read(p[0], &in, 1) != 1 || in != 'x') failed |= 16;
  }
  for (int d : {fd, p[0], p[1]})
    if (d >= 0 && close(d) != 0) failed |= 32;
  g_fd_failures = g_fd_failures | failed;
  count_run();
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeCalls, DescriptorCallsInAHandlerWorkAndLeakNothing,
            "signal.asyncsafe.descriptor-calls", "XSH 2.4.3 Signal Actions",
            "pipe(), open(), dup2(), write(), read() and close() called by a handler that "
            "interrupted open()/close() all succeed, and the main flow's calls succeed too") {
  reset_counts();
  g_fd_failures = 0;
  SignalAction action(SIGUSR1, descriptor_round_trip);
  long long main_failures = 0;
  {
    signals::RepeatingSignal ticks(SIGUSR1, kTickUs);
    for (UntilHandlerRuns more; more();) {
      g_inside = 1;
      int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      const bool ok = fd >= 0 && close(fd) == 0;
      g_inside = 0;
      if (!ok) ++main_failures;
    }
  }
  ASSERT_GE(g_runs, 1) << "the handler never ran";
  EXPECT_EQ(g_fd_failures, 0) << "failed steps in the handler (1 pipe, 2 open, 4 dup2, "
                                 "8 write, 16 read, 32 close)";
  EXPECT_EQ(main_failures, 0) << "interrupted open()/close() pairs that failed";
  if (!HasFailure() && g_landed == 0)
    SIGIPC_UNSUPPORTED("no evidence of a handler inside open()/close(): " + figures("a call"));
}

}  // namespace
}  // namespace sigipc
