// The real-time signal range and the limits that size it: SIGRTMIN..SIGRTMAX
// against {RTSIG_MAX} and _POSIX_RTSIG_MAX, its place beside the standard
// signals, and {SIGQUEUE_MAX}. XBD <signal.h>, XBD <limits.h>, XSH sysconf().
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

int rt_range_size() { return SIGRTMAX - SIGRTMIN + 1; }

SIGIPC_TEST(SignalRtRange, RangeHoldsAtLeastPosixRtsigMax, "signal.rt.range-posix-minimum",
            "XBD <limits.h>; XBD <signal.h>",
            "SIGRTMIN..SIGRTMAX holds at least _POSIX_RTSIG_MAX (8) signal numbers") {
  EXPECT_GE(rt_range_size(), _POSIX_RTSIG_MAX)
      << "SIGRTMIN " << SIGRTMIN << ", SIGRTMAX " << SIGRTMAX;
}

// glibc keeps two kernel real-time signals for its threads (SIGRTMIN 34)
// yet reports the kernel's RTSIG_MAX (32) for the range that remains.
SIGIPC_TEST(SignalRtRange, RangeHoldsRtsigMaxSignals, "signal.rt.range-rtsig-max",
            "XBD <signal.h>; XBD <limits.h>",
            "SIGRTMIN..SIGRTMAX holds at least {RTSIG_MAX} signal numbers, as RTSIG_MAX and "
            "sysconf(_SC_RTSIG_MAX) report it") {
  errno = 0;
  long rtsig_max = sysconf(_SC_RTSIG_MAX);
  if (rtsig_max == -1 && errno != 0) FAIL() << "sysconf(_SC_RTSIG_MAX): " << ErrnoText(errno);
  // -1 without errno: no determinate limit, nothing to compare.
  if (rtsig_max != -1) {
    EXPECT_GE(rt_range_size(), rtsig_max) << "SIGRTMIN " << SIGRTMIN << ", SIGRTMAX " << SIGRTMAX
                                          << ", sysconf(_SC_RTSIG_MAX) " << rtsig_max;
  }
#ifdef RTSIG_MAX
  EXPECT_GE(rt_range_size(), RTSIG_MAX)
      << "SIGRTMIN " << SIGRTMIN << ", SIGRTMAX " << SIGRTMAX << ", RTSIG_MAX " << RTSIG_MAX;
#endif
}

SIGIPC_TEST(SignalRtRange, RtsigMaxAtLeastPosixMinimum, "signal.rt.rtsig-max-minimum",
            "XBD <limits.h>; XSH sysconf()",
            "sysconf(_SC_RTSIG_MAX) reports at least _POSIX_RTSIG_MAX (8), or -1 for no "
            "determinate limit") {
  errno = 0;
  long v = sysconf(_SC_RTSIG_MAX);
  if (v == -1) {
    EXPECT_EQ(errno, 0) << "sysconf(_SC_RTSIG_MAX) failed: " << ErrnoText(errno);
    return;
  }
  EXPECT_GE(v, _POSIX_RTSIG_MAX);
}

SIGIPC_TEST(SignalRtRange, SigqueueMaxAtLeastPosixMinimum, "signal.rt.sigqueue-max-minimum",
            "XBD <limits.h>; XSH sysconf()",
            "sysconf(_SC_SIGQUEUE_MAX) reports at least _POSIX_SIGQUEUE_MAX (32), or -1 for no "
            "determinate limit") {
  errno = 0;
  long v = sysconf(_SC_SIGQUEUE_MAX);
  if (v == -1) {
    EXPECT_EQ(errno, 0) << "sysconf(_SC_SIGQUEUE_MAX) failed: " << ErrnoText(errno);
    return;
  }
  EXPECT_GE(v, _POSIX_SIGQUEUE_MAX);
}

SIGIPC_TEST(SignalRtRange, RangeOverlapsNoStandardSignal, "signal.rt.no-overlap", "XBD <signal.h>",
            "No signal of the <signal.h> table has a number in SIGRTMIN..SIGRTMAX") {
  const int lo = SIGRTMIN, hi = SIGRTMAX;
  auto check = [&](int sig) {
    EXPECT_FALSE(sig >= lo && sig <= hi)
        << SignalText(sig) << " lies in SIGRTMIN..SIGRTMAX (" << lo << ".." << hi << ")";
  };
  for (int s : signals::kTerminateSignals) check(s);
  for (int s : signals::kAbnormalSignals) check(s);
  for (int s : signals::kStopSignals) check(s);
  for (int s : signals::kIgnoreSignals) check(s);
  check(SIGCONT);
}

SIGIPC_TEST(SignalRtRange, StandardSignalsAreExactlyOneToThirtyOne, "signal.rt.standard-one-to-31",
            "signal(7) (Linux-only: the numbering)",
            "The standard signals of signal(7) are numbered exactly 1..31, one signal each, and "
            "the real-time range starts above them (SIGRTMIN > 31)") {
  const int standard[] = {
      SIGHUP,    SIGINT,    SIGQUIT, SIGILL,   SIGTRAP, SIGABRT, SIGBUS,  SIGFPE,
      SIGKILL,   SIGUSR1,   SIGSEGV, SIGUSR2,  SIGPIPE, SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
      SIGSTKFLT,
#endif
      SIGCHLD,   SIGCONT,   SIGSTOP, SIGTSTP,  SIGTTIN, SIGTTOU, SIGURG,  SIGXCPU,
      SIGXFSZ,   SIGVTALRM, SIGPROF, SIGWINCH, SIGIO,   SIGPWR,  SIGSYS,
  };
  bool seen[32] = {};
  for (int sig : standard) {
    ASSERT_TRUE(sig >= 1 && sig <= 31) << SignalText(sig) << " is outside 1..31";
    EXPECT_FALSE(seen[sig]) << "two standard signals share number " << sig;
    seen[sig] = true;
  }
  for (int n = 1; n <= 31; ++n) EXPECT_TRUE(seen[n]) << "no standard signal has number " << n;
  EXPECT_GT(SIGRTMIN, 31) << "SIGRTMIN";
}

}  // namespace
}  // namespace sigipc
