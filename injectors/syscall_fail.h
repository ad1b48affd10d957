// Syscall-failure injector (docs/DESIGN.md section 5 "seccomp"): rules
// that make chosen syscalls fail with a chosen errno, always, on the Nth call,
// every Nth call, from the Nth call on, or with probability P under a seed,
// optionally only when arguments match.
//
// Rule text (the `sigipc inject --fail` syntax and what tests write):
//   NAME[(aI OP V[,...])]=ERRNO[WHEN]
//     NAME   a syscall ("mq_timedsend") or a libc function, translated to the
//            syscalls it really makes on this arch ("mq_send" -> mq_timedsend,
//            "sem_wait" -> futex, "pipe" -> pipe2, "fork" -> clone, clone3);
//            "SYS_pipe" is the system call itself, never the libc function
//     aI OP V  argument filter, I in 0..5, OP one of == != < <= > >= &=
//            (&= is "masked equal": aI&=MASK:VALUE), V decimal or 0x hex
//     ERRNO  a name (EAGAIN) or a number
//     WHEN   empty: every call; @N: the Nth call only; @N+: the Nth call and
//            every one after; @*N: every Nth call; %P: each call with
//            probability P (0 < P <= 1) drawn from the seed
// Calls are counted per rule and per thread (a call is "the Nth" of its
// thread), from the moment the filter is installed.
//
// The filter goes into the target process only (a forked child), never into
// the runner, the CLI or the supervisor. "Every call" rules need no
// supervisor (SCMP_ACT_ERRNO); counted and random rules use SCMP_ACT_NOTIFY
// and a supervisor in another process or thread that answers each call. A
// notified call interrupted by a signal handler is notified again: it is
// counted once (docs/DESIGN.md section 5).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace sigipc::inject {

// A rule that cannot be parsed or resolved; what() is one line naming the
// rule text and what is wrong with it.
struct RuleError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class When { kAlways, kNth, kFromNth, kEveryNth, kProbability };

struct ArgFilter {
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kMaskedEq };
  unsigned index = 0;
  Op op = Op::kEq;
  std::uint64_t value = 0;
  std::uint64_t mask = 0;  // kMaskedEq only
};

struct FailRule {
  std::string text;           // as written
  std::string name;           // NAME as written
  std::vector<int> syscalls;  // resolved numbers on this arch
  int error = 0;              // errno returned
  When when = When::kAlways;
  std::uint64_t n = 0;     // kNth, kFromNth, kEveryNth
  double probability = 0;  // kProbability
  std::vector<ArgFilter> args;
};

// Throws RuleError.
FailRule parse_fail_rule(const std::string& text);
// The syscalls a syscall or libc function name really makes on this arch;
// throws RuleError for an unknown name.
std::vector<int> resolve_name(const std::string& name);

// One injected failure, logged so a failing case replays from seed and rules.
struct InjectedFailure {
  std::string rule;        // rule text
  std::string syscall;     // syscall name
  std::uint64_t call = 0;  // the call's number for this rule and thread (1-based)
  pid_t tid = 0;
  int error = 0;
};
std::string describe(
    const InjectedFailure& f);  // "inject: mq_timedsend call 3 tid 1234 -> EAGAIN (rule ...)"

// Whether seccomp filters (and user notification, for counted rules) work
// here; false with a reason otherwise (for UNSUPPORTED).
bool filters_available(std::string* why);
bool notify_available(std::string* why);

class FailureInjector {
 public:
  // With supervise_all, "every call" rules also go through the supervisor,
  // so each of their failures is logged too (sigipc inject does this);
  // otherwise the kernel answers them and they are not in log().
  FailureInjector(std::vector<FailRule> rules, std::uint64_t seed, bool supervise_all = false);
  ~FailureInjector();
  FailureInjector(const FailureInjector&) = delete;
  FailureInjector& operator=(const FailureInjector&) = delete;

  bool needs_supervisor() const;

  // In the target process (after fork, before exec or the body): loads the
  // filter. Returns the notification fd when a supervisor is needed (hand it
  // to the supervisor, then close it here), else -1. Throws
  // std::runtime_error when the filter cannot be loaded.
  int install();

  // In the supervisor: answers notifications from fd until every target
  // process holding the filter has exited, or stop_fd (if >= 0) becomes
  // readable. Takes ownership of fd.
  void supervise(int fd, int stop_fd = -1);

  const std::vector<InjectedFailure>& log() const;

  // Forks a target that installs the filter and then runs in_child, which
  // should end the process (exec, or child_exit; returning exits 0). The
  // notification fd reaches the caller in *notify_fd (-1 when no supervisor
  // is needed) through pidfd_getfd: the target makes no syscall between the
  // filter going live and the caller holding the fd, so a rule on sendmsg,
  // close or read neither counts the handoff nor deadlocks it. The target
  // dies with the calling thread (PR_SET_PDEATHSIG). Throws
  // std::runtime_error when fork, the filter or the handoff fails.
  pid_t spawn(const std::function<void()>& in_child, int* notify_fd);

  // Failures per rule, in rule order (the rule texts of the summary line).
  std::vector<std::uint64_t> failures_per_rule() const;
  const std::vector<FailRule>& rules() const;
  // Answers the kernel refused with ENOENT because a signal interrupted the
  // call (each such call, if restarted, was notified again and not counted
  // twice).
  std::uint64_t interrupted_answers() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// For tests: runs body in a forked child with the rules installed, the
// supervisor on a thread of the calling process, and returns the child's
// raw wait status and what was injected. Throws RuleError for a bad rule.
struct InjectionRun {
  int wait_status = 0;
  std::vector<InjectedFailure> log;
};
InjectionRun run_with_failures(const std::vector<std::string>& rules, std::uint64_t seed,
                               const std::function<void()>& body);

}  // namespace sigipc::inject
