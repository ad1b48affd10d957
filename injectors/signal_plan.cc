// The plan side of the signal injector: parsing, validation, the schedule and
// the summary line. The sending side is signal_injector.cc.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>

#include "fixtures/errno_name.h"
#include "injectors/signal_injector.h"
#include "injectors/signal_stepper.h"

namespace sigipc::inject {

namespace {

std::string upper(const std::string& s) {
  std::string u = s;
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

// A decimal number of at most 4 digits (no sign, no spaces), or -1.
int small_decimal(const std::string& s) {
  if (s.empty() || s.size() > 4) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string signal_label(int sig) {
  const char* n = signal_name(sig);
  return n ? n : "signal " + std::to_string(sig);
}

[[noreturn]] void bad_signal(const std::string& text, const std::string& why) {
  throw PlanError("bad signal '" + text + "': " + why);
}

}  // namespace

int parse_signal(const std::string& text) {
  const int rtmin = SIGRTMIN, rtmax = SIGRTMAX;
  if (text.empty()) bad_signal(text, "empty");
  if (int n = small_decimal(text); n >= 0 || std::isdigit(static_cast<unsigned char>(text[0]))) {
    if (n < 1 || n > rtmax)
      bad_signal(text, "signal numbers run from 1 to " + std::to_string(rtmax) + " here");
    return n;
  }
  std::string name = upper(text);
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  // SIGRTMIN+n and SIGRTMAX-n: the numbers differ between libcs (34 under
  // glibc, 35 under musl), so they are resolved at run time.
  for (const char* base : {"RTMIN", "RTMAX"}) {
    const std::size_t len = std::strlen(base);
    if (name.compare(0, len, base) != 0) continue;
    const bool is_min = base[4] == 'N';
    const int origin = is_min ? rtmin : rtmax;
    if (name.size() == len) return origin;
    const char op = name[len];
    const int off = small_decimal(name.substr(len + 1));
    if ((is_min && op != '+') || (!is_min && op != '-') || off < 0)
      bad_signal(text, is_min ? "expected SIGRTMIN+N" : "expected SIGRTMAX-N");
    const int sig = is_min ? origin + off : origin - off;
    if (sig < rtmin || sig > rtmax)
      bad_signal(text, "outside SIGRTMIN..SIGRTMAX (" + std::to_string(rtmin) + ".." +
                           std::to_string(rtmax) + " here)");
    return sig;
  }
  if (name == "IOT") return SIGABRT;
  if (name == "CLD") return SIGCHLD;
  if (name == "POLL") return SIGIO;
  for (int sig = 1; sig < rtmin; ++sig) {
    const char* n = signal_name(sig);
    if (n && name == n + 3) return sig;
  }
  bad_signal(text, "unknown name (expected e.g. SIGUSR1, USR1, SIGRTMIN+3 or a number)");
}

Via parse_via(const std::string& text) {
  const std::string t = upper(text);
  if (t == "KILL") return Via::kKill;
  if (t == "TGKILL") return Via::kTgkill;
  if (t == "SIGQUEUE") return Via::kSigqueue;
  if (t == "PIDFD") return Via::kPidfd;
  if (t == "TIMER") return Via::kTimer;
  throw PlanError("bad via '" + text + "': expected kill, tgkill, sigqueue, pidfd or timer");
}

void validate(const SignalPlan& plan) {
  if (plan.signals.empty()) throw PlanError("no signal to send: the signal list is empty");
  const int rtmin = SIGRTMIN, rtmax = SIGRTMAX;
  for (int sig : plan.signals) {
    if (sig < 1 || sig > rtmax)
      throw PlanError("signal " + std::to_string(sig) + " does not exist (1.." +
                      std::to_string(rtmax) + " here)");
    if (sig == SIGKILL || sig == SIGSTOP)
      throw PlanError(signal_label(sig) + " cannot be caught or blocked: not injectable");
    // Between the last standard signal and SIGRTMIN: kept by the libc for
    // its own threads (glibc: cancellation and setxid), never an application's.
    if (sig > 31 && sig < rtmin)
      throw PlanError("signal " + std::to_string(sig) + " is reserved by the C library");
  }
  if (!(plan.rate_hz > 0) || !std::isfinite(plan.rate_hz))
    throw PlanError("rate must be a positive number of signals per second");
  if (plan.rate_hz > kMaxRateHz)
    // Not through long long: a rate of 1e53 does not fit (fuzz/corpus/signal_plan_fuzz).
    throw PlanError("rate " + std::to_string(plan.rate_hz) + " Hz is above the cap of " +
                    std::to_string(static_cast<long long>(kMaxRateHz)) + " Hz");
  switch (plan.via) {
    case Via::kKill:
    case Via::kTgkill:
    case Via::kSigqueue:
    case Via::kPidfd:
    case Via::kTimer:
      break;
    default:
      throw PlanError("unknown via");
  }
}

void validate(const SignalPlan& plan, pid_t pid, pid_t tid) {
  validate(plan);
  if (pid <= 0)
    throw PlanError("target pid " + std::to_string(pid) +
                    ": must name one process (process groups and -1 are never targets)");
  if (kill(pid, 0) != 0 && errno == ESRCH)
    throw PlanError("target pid " + std::to_string(pid) + ": no such process");
  if (tid < 0) throw PlanError("target tid " + std::to_string(tid) + ": must be > 0 or 0 (none)");
  if (tid != 0 && plan.via != Via::kTgkill && plan.via != Via::kTimer)
    throw PlanError(
        "a thread target needs via tgkill or timer (kill, sigqueue and pidfd reach "
        "a process)");
  if (tid != 0) {
    struct stat st {};
    const std::string task = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid);
    if (stat(task.c_str(), &st) != 0)
      throw PlanError("target tid " + std::to_string(tid) + " is not a thread of process " +
                      std::to_string(pid));
  }
  if (plan.via == Via::kTimer && pid != getpid())
    throw PlanError(
        "via timer uses a timer of the calling process: the target must be that "
        "process (pid " +
        std::to_string(getpid()) + ") or one of its threads");
}

std::vector<std::pair<std::uint64_t, int>> schedule(const SignalPlan& plan, std::size_t n) {
  validate(plan);
  detail::Stepper stepper(plan);
  std::vector<std::pair<std::uint64_t, int>> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = stepper.next();
    out.emplace_back(s.delay_ns, s.signal);
  }
  return out;
}

std::string describe(const SignalCounts& c) {
  std::string s = "sent " + std::to_string(c.sent) + " signals";
  if (!c.per_signal.empty()) {
    s += " (";
    bool first = true;
    for (const auto& [sig, n] : c.per_signal) {
      if (!first) s += ", ";
      first = false;
      s += signal_label(sig) + " " + std::to_string(n);
    }
    s += ")";
  }
  s += ", " + std::to_string(c.failed) + " failed";
  if (c.first_error != 0) {
    const char* e = errno_name(c.first_error);
    s += std::string(" (first: ") + (e ? e : std::to_string(c.first_error)) + ")";
  }
  if (c.target_gone) s += ", target gone";
  if (!c.problem.empty()) s += "; " + c.problem;
  return s;
}

}  // namespace sigipc::inject
