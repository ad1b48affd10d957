// The exec helpers of the fork/exec suites: run as a fresh program image
// (`sigipc __exec-helper NAME ARGS`), they check the signal state the image
// started with and report failures to the runner themselves (the result
// channel's descriptor survives exec). Names and arguments: send_helpers.h.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/result_channel.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::parse_signals_arg;

constexpr int kBadArgs = 2;

SIGIPC_EXEC_HELPER(forkexec_actions) {
  result_fd_init();
  const signals::SignalList all = signals::posix_signals();
  for (const std::string& a : args) {
    if (a.size() < 2 || a[1] != '=' || (a[0] != 'D' && a[0] != 'I')) return kBadArgs;
    const bool dfl = a[0] == 'D';
    const sigset_t want = parse_signals_arg(a.substr(2));
    for (int i = 0; i < all.count; ++i) {
      int sig = all.sigs[i];
      if (sigismember(&want, sig) != 1) continue;
      struct sigaction cur {};
      CHILD_CHECK_OK(sigaction(sig, nullptr, &cur));
      if (cur.sa_handler == (dfl ? SIG_DFL : SIG_IGN)) continue;
      SafeBuf detail;
      detail.signal_text(sig).str(dfl ? " is not SIG_DFL" : " is not SIG_IGN");
      check_fail(__FILE__, __LINE__, "the action in the new image", detail.c_str(), true);
    }
  }
  return 0;
}

SIGIPC_EXEC_HELPER(forkexec_mask) {
  result_fd_init();
  if (args.size() != 1) return kBadArgs;
  const signals::SignalList all = signals::posix_signals();
  const sigset_t want = parse_signals_arg(args[0]);
  sigset_t mask;
  CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &mask));
  CHILD_CHECK_SAME_SIGNALS(mask, want, all);
  return 0;
}

SIGIPC_EXEC_HELPER(forkexec_pending) {
  result_fd_init();
  if (args.size() != 1) return kBadArgs;
  const signals::SignalList all = signals::posix_signals();
  const sigset_t want = parse_signals_arg(args[0]);
  sigset_t pending;
  CHILD_CHECK_OK(sigpending(&pending));
  CHILD_CHECK_SAME_SIGNALS(pending, want, all);
  return 0;
}

SIGIPC_EXEC_HELPER(forkexec_alarm) {
  result_fd_init();
  if (args.size() != 2) return kBadArgs;
  const unsigned lo = static_cast<unsigned>(std::stoul(args[0]));
  const unsigned hi = static_cast<unsigned>(std::stoul(args[1]));
  const unsigned left = alarm(0);
  if (left < lo || left > hi) {
    SafeBuf detail;
    detail.str("alarm(0) returned ").num(left).str(", expected ").num(lo).str("..").num(hi);
    check_fail(__FILE__, __LINE__, "the time left on the alarm in the new image", detail.c_str(),
               true);
  }
  return 0;
}

// args: a descriptor to read the timer's ID (a timer_t as intptr_t) from.
SIGIPC_EXEC_HELPER(forkexec_timer_gone) {
  result_fd_init();
  if (args.size() != 1) return kBadArgs;
  std::intptr_t raw = 0;
  if (read(std::stoi(args[0]), &raw, sizeof raw) != static_cast<ssize_t>(sizeof raw))
    return kBadArgs;
  itimerspec v{};
  CHILD_CHECK_ERRNO(timer_gettime(reinterpret_cast<timer_t>(raw), &v), EINVAL);
  return 0;
}

}  // namespace
}  // namespace sigipc
