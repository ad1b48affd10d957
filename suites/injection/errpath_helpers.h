// Shared by the libc error-path suite (errpath_*.cc) and the missing-versus-
// denied suite (missing_denied*.cc): run a body in a forked child with
// syscall-failure rules installed (injectors/syscall_fail.h), then hold the
// run to two things: the child's checks all passed, and the injector's log
// shows the kernel call really failed with the chosen errno. A run whose
// failure was never injected proves nothing about the error path, so it fails.
//
// The injector answers the call in seccomp, before the kernel runs it: the
// object the call names is never touched, so "the object is unchanged
// afterwards" cannot fail and is not checked. What a test can show is what
// libc does with the failure: pass it back (-1 and the errno, or the error
// number for the pthread-style calls, or a documented mapping), and, where
// libc itself does several steps around the call (sem_open, sem_wait and
// sem_post, SIGEV_THREAD setup, raise), undo or keep its own part correctly.
//
// Which syscall a libc function makes here was read with `strace -f` on
// Debian 12 / glibc 2.36 / x86_64 (see the comment of each test file).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"
#include "injectors/syscall_fail.h"

namespace sigipc {
namespace injection {

// Time limit for tests whose body forks or starts threads under a filter.
constexpr double kSpawnTimeoutS = 20.0;

struct Run {
  WaitStatus status;
  std::vector<inject::InjectedFailure> log;

  // Injected failures of syscall with err (err 0: any errno); syscall may
  // name alternatives, "mknodat|mknod" (see rules_any()).
  std::size_t count(const char* syscall, int err = 0) const {
    const std::string alts = std::string("|") + syscall + "|";
    std::size_t n = 0;
    for (const auto& f : log)
      if (alts.find("|" + f.syscall + "|") != std::string::npos && (err == 0 || f.error == err))
        ++n;
    return n;
  }
  std::string describe_log() const {
    if (log.empty()) return "nothing was injected";
    std::string s;
    for (std::size_t i = 0; i < log.size() && i < 4; ++i) {
      if (i) s += "; ";
      s += inject::describe(log[i]);
    }
    if (log.size() > 4) s += "; and " + std::to_string(log.size() - 4) + " more";
    return s;
  }
};

inline std::uint64_t seed() {
  const char* s = std::getenv(kEnvSeed);
  return s ? std::strtoull(s, nullptr, 10) : 1;
}

// The injector answers a lone "every call" rule in the kernel
// (SCMP_ACT_ERRNO), which keeps no log. Here every rule must leave evidence,
// so an every-call rule becomes "from the first call on" (@1+): the same
// calls fail, but through the supervisor, which logs each one. The argument
// filter stays in the kernel, so only matching calls are notified.
inline std::string logged(const std::string& rule) {
  auto eq_pos = rule.rfind('=');
  if (eq_pos == std::string::npos) return rule;
  std::string tail = rule.substr(eq_pos + 1);
  if (tail.find('@') != std::string::npos || tail.find('%') != std::string::npos) return rule;
  return rule + "@1+";
}

// Runs body in a forked child under rules. A rule the injector rejects is a
// defect of the test: setup error.
inline Run run(const std::vector<std::string>& rules, const std::function<void()>& body) {
  std::vector<std::string> with_log;
  for (const auto& r : rules) with_log.push_back(logged(r));
  try {
    inject::InjectionRun r = inject::run_with_failures(with_log, seed(), body);
    return Run{WaitStatus(r.wait_status), std::move(r.log)};
  } catch (const inject::RuleError& e) {
    setup_error(__FILE__, __LINE__, std::string("bad injection rule: ") + e.what());
  } catch (const std::exception& e) {
    setup_error(__FILE__, __LINE__, std::string("injector: ") + e.what());
  }
}

// run() with sig blocked in the test process (the child inherits the mask),
// for bodies that check a failed send left sig pending nowhere or that a
// signal arrives only as a pending one. The mask is restored on return.
inline Run run_blocking(int sig, const std::vector<std::string>& rules,
                        const std::function<void()>& body) {
  SignalMask mask;
  mask.block(sig);
  return run(rules, body);
}

// The body ran to its end (every CHILD_CHECK held) and the log shows at
// least one call of syscall failed with err by the injector.
inline ::testing::AssertionResult InjectedAndHeld(const Run& r, const char* syscall, int err) {
  if (!(r.status.exited() && r.status.exit_code() == 0))
    return ::testing::AssertionFailure() << "the child running the body " << r.status.describe()
                                         << " (log: " << r.describe_log() << ")";
  if (r.count(syscall, err) == 0)
    return ::testing::AssertionFailure()
           << "no " << syscall << " call was failed with " << ErrnoText(err)
           << ", so the error path was not exercised (log: " << r.describe_log() << ")";
  return ::testing::AssertionSuccess();
}

// An observation about the platform, kept with the test's records (and on
// stderr when the test binary runs by hand).
inline void note(const std::string& text) { sigipc::note(text.c_str()); }

// Rule text: "NAME(aI==V,...)=ERR" with the filter built from numbers known
// only at run time (a descriptor, an id, a signal).
inline std::string rule(const char* name, const std::string& filter, const char* err) {
  return std::string(name) + (filter.empty() ? "" : "(" + filter + ")") + "=" + err;
}
inline std::string eq(int index, long long v) {
  return "a" + std::to_string(index) + "==" + std::to_string(v);
}
// Argument index has every bit of flag set (an open flag, say).
inline std::string has_flag(int index, long long flag) {
  return "a" + std::to_string(index) + "&=" + std::to_string(flag) + ":" + std::to_string(flag);
}

// One system call a libc function may reach the kernel through, with the
// argument filter in that call's own argument positions.
struct Call {
  const char* name;
  std::string filter;
};

// Rules failing, with err, every call of calls that this architecture has.
// One libc function reaches the kernel through different calls in different
// libcs: on x86_64 glibc 2.36 makes mknodat, openat, pipe2, tgkill and
// semtimedop where musl 1.2.4 (and glibc before 2.33 for mknod and pipe)
// makes mknod, open, pipe, tkill and semop. A libc makes only one of them for
// the call under test, so failing all of them fails exactly that call, on
// whichever libc is under test. The check names them as "a|b".
inline std::vector<std::string> rules_any(const std::vector<Call>& calls, const char* err) {
  std::vector<std::string> out;
  for (const auto& c : calls) {
    // SYS_: the system call, not the libc function of the same name.
    const std::string sys = std::string("SYS_") + c.name;
    try {
      inject::resolve_name(sys);
    } catch (const inject::RuleError&) {
      continue;  // not a system call of this architecture (mknod on aarch64)
    }
    out.push_back(rule(sys.c_str(), c.filter, err));
  }
  return out;
}

// A System V get(key, IPC_CREAT|IPC_EXCL) whose kernel call (syscall) fails
// with err: the body checks -1 with err. An object a call that escaped the
// injection created is removed afterwards (lookup(key) is the plain get, -1
// when there is none), so nothing outlives the test.
inline Run failed_sysv_create(SysvId::Kind kind, const char* syscall, int (*create)(key_t),
                              int (*lookup)(key_t), const char* err_name, int err) {
  const key_t key = UniqueKey();
  Run r = run({rule(syscall, "", err_name)},
              [key, create, err] { CHILD_CHECK_ERRNO(create(key), err); });
  SysvId cleanup(kind, lookup(key));
  return r;
}

// A block of memory shared with the child that runs the body, for values the
// parent reports in its messages.
template <class T>
class Shared {
 public:
  Shared() : map_(Mapping::shared_anonymous(sizeof(T))) { new (map_.get()) T(); }
  T* operator->() const { return map_.as<T>(); }
  T& operator*() const { return *map_.as<T>(); }

 private:
  Mapping map_;
};

}  // namespace injection
}  // namespace sigipc

// Every test here needs seccomp filters, and user notification for the log
// (see logged()); where the machine forbids them the rule cannot be tested:
// UNSUPPORTED with the reason.
#define ERRPATH_REQUIRE_FILTERS()                                                      \
  do {                                                                                 \
    std::string sigipc_why_;                                                           \
    if (!::sigipc::inject::filters_available(&sigipc_why_))                            \
      GTEST_SKIP() << "seccomp filters unavailable: " << sigipc_why_;                  \
    if (!::sigipc::inject::notify_available(&sigipc_why_))                             \
      GTEST_SKIP() << "seccomp user notification unavailable (the injector logs only " \
                      "notified calls): "                                              \
                   << sigipc_why_;                                                     \
  } while (0)

#define EXPECT_INJECTED_AND_HELD(run, syscall, err) \
  EXPECT_TRUE(::sigipc::injection::InjectedAndHeld(run, syscall, err))

// One errno of one function: fn(errno_name, errno) sets up, runs the body
// under the rule, checks what it can from the test process and returns the
// run; the test then asks for the injection and the body's checks. A file
// makes a table of these: one fn per call and object, one row per errno
// (usually through a macro of its own that fixes clause, statement and fn).
#define ERRPATH_CASE_T(Name, timeout_s, id, clause, statement, fn, syscall, ERR) \
  SIGIPC_TEST_T(ErrorPaths, Name, timeout_s, id, clause, statement) {            \
    ERRPATH_REQUIRE_FILTERS();                                                   \
    EXPECT_INJECTED_AND_HELD(fn(#ERR, ERR), syscall, ERR);                       \
  }
#define ERRPATH_CASE(Name, id, clause, statement, fn, syscall, ERR) \
  ERRPATH_CASE_T(Name, ::sigipc::kDefaultTimeoutS, id, clause, statement, fn, syscall, ERR)
