// The missing-versus-denied suite (missing_denied*.cc) fails, with ENOSYS or
// EPERM, a system call that a libc may make for a function: a newer call with
// an older fallback (pipe2 for pipe, clone3 for pthread_create, faccessat2
// for faccessat) or one made behind the program's back (rseq at thread
// start). Whether a libc makes the call at all is its own choice: glibc does
// from a known release on, musl and older glibc often never do. So each test
// names the glibc release from which the call is known to be made, and:
//  - where the libc is known to make it, a run in which it never did is a
//    FAIL (the injector missed the call, or the test's premise is wrong);
//  - elsewhere a libc that never made the call is still held to the outcome
//    ("pipe() works with pipe2 missing"): the function must have worked;
//  - a rule about the libc's decision when the call fails ("no fallback on
//    EPERM") cannot apply to a libc that never makes the call: after the
//    outcome check, UNSUPPORTED, naming the call the libc does without.
#pragma once

#include <cstdio>
#include <string>

#include "fixtures/probes.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace injection {

// The platform as probed once per test process.
inline const Platform& platform() {
  static const Platform p = probe_platform();
  return p;
}

// The libc under test is glibc at or after release `since` ("2.34"); "" for
// every glibc release. Other libcs are never known to make a call.
inline bool known_to_make(const char* since) {
  const Platform& p = platform();
  if (p.libc != "glibc") return false;
  int want_major = 0, want_minor = 0, major = 0, minor = 0;
  if (std::sscanf(since, "%d.%d", &want_major, &want_minor) != 2) return true;
  if (std::sscanf(p.libc_version.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return major > want_major || (major == want_major && minor >= want_minor);
}

inline std::string libc_text() { return platform().libc + " " + platform().libc_version; }

// What a call did under a "missing" (ENOSYS) or "denied" (EPERM) rule, filled
// in by the body, read by the test (Shared<Outcome>).
struct Outcome {
  long rc = 0;         // the call's return value
  int err = 0;         // errno after it (or the returned error number)
  bool works = false;  // what it made works (a descriptor reads, a thread ran, ...)
};

// What a call did in a forked child under one missing/denied rule: the run
// (status, injector log) and a copy of what the call recorded.
struct Tried {
  Run run;
  Outcome out;
};
inline Tried try_under(const std::string& rule, void (*call)(Outcome*)) {
  Shared<Outcome> out;
  Run r = run({rule}, [call, &out] { call(&*out); });
  return Tried{std::move(r), *out};
}
inline Tried try_under(const char* syscall, const char* err_name, void (*call)(Outcome*)) {
  return try_under(std::string(syscall) + "=" + err_name, call);
}

// The child ran to its end (its own checks held).
inline ::testing::AssertionResult ChildRanThrough(const Run& r, const char* call) {
  if (r.status.exited() && r.status.exit_code() == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the child running " << call << " " << r.status.describe()
                                       << " (log: " << r.describe_log() << ")";
}

// t made no syscall call: a failure where the libc is known to make it
// (since) or the child did not run through, else success when call worked all
// the same (noted), else failure.
inline ::testing::AssertionResult WorkedWithoutTrying(const Tried& t, const char* call,
                                                      const char* syscall, int err,
                                                      const char* since) {
  ::testing::AssertionResult ran = ChildRanThrough(t.run, call);
  if (!ran) return ran;
  if (known_to_make(since))
    return ::testing::AssertionFailure()
           << call << " never made " << syscall << ", though " << libc_text()
           << " is known to (glibc " << (*since ? since : "any release") << " on), so the rule "
           << "was not exercised (log: " << t.run.describe_log() << ")";
  if (!t.out.works)
    return ::testing::AssertionFailure()
           << call << " never made " << syscall << " and still did not work (returned " << t.out.rc
           << ", " << ErrnoText(t.out.err) << ")";
  const std::string seen = std::string(call) + " never made " + syscall + " on " + libc_text() +
                           " and worked with " + syscall + "=" + ErrnoText(err);
  note(seen);
  return ::testing::AssertionSuccess() << seen;
}

// For calls whose documentation promises no fallback: libc either falls back
// to another call and succeeds with something that works, or reports the
// kernel's errno unchanged (-1 with it, or it as the returned number); a libc
// that never makes the call must simply work. The observation is noted.
inline ::testing::AssertionResult FellBackOrPassedThrough(const Tried& t, const char* call,
                                                          const char* syscall, int injected,
                                                          bool returns_errno, const char* since) {
  const Outcome& o = t.out;
  if (t.run.count(syscall, injected) == 0)
    return WorkedWithoutTrying(t, call, syscall, injected, since);
  ::testing::AssertionResult ran = ChildRanThrough(t.run, call);
  if (!ran) return ran;
  const bool failed = returns_errno ? o.rc != 0 : o.rc == -1;
  std::string seen;
  if (!failed) {
    if (!o.works)
      return ::testing::AssertionFailure()
             << call << " reported success under " << syscall << "=" << ErrnoText(injected)
             << " but what it returned does not work";
    seen = std::string(call) + " under " + syscall + "=" + ErrnoText(injected) +
           ": fell back and succeeded";
  } else {
    if (o.err != injected)
      return ::testing::AssertionFailure()
             << call << " under " << syscall << "=" << ErrnoText(injected) << " failed with "
             << ErrnoText(o.err) << " instead of passing the errno through";
    seen = std::string(call) + " under " + syscall + "=" + ErrnoText(injected) +
           ": no fallback, failed with " + ErrnoText(o.err);
  }
  note(seen);
  return ::testing::AssertionSuccess() << seen;
}

inline ::testing::AssertionResult FellBackOrPassedThroughUnder(
    const char* call_name, const char* syscall, const char* err_name, int err,
    void (*call)(Outcome*), bool returns_errno, const char* since) {
  return FellBackOrPassedThrough(try_under(syscall, err_name, call), call_name, syscall, err,
                                 returns_errno, since);
}

// call (named call_name) under "syscall=ERR" ran to its end, returned 0, and
// what it made works (else: broken, the message); the injector failed the
// call, or the libc never makes it (WorkedWithoutTrying).
inline ::testing::AssertionResult SucceededUnder(const char* call_name, const char* syscall,
                                                 const char* err_name, int err,
                                                 void (*call)(Outcome*), const char* broken,
                                                 const char* since) {
  const Tried t = try_under(syscall, err_name, call);
  if (t.run.count(syscall, err) == 0) return WorkedWithoutTrying(t, call_name, syscall, err, since);
  ::testing::AssertionResult ran = ChildRanThrough(t.run, call_name);
  if (!ran) return ran;
  if (t.out.rc != 0)
    return ::testing::AssertionFailure()
           << call_name << " under " << syscall << "=" << err_name << " returned " << t.out.rc
           << " (" << ErrnoText(t.out.err) << ")";
  if (!t.out.works) return ::testing::AssertionFailure() << broken;
  return ::testing::AssertionSuccess();
}

}  // namespace injection
}  // namespace sigipc

// For a rule about what the libc decides when syscall fails: a run t in which
// the libc never made syscall is held to WorkedWithoutTrying and then ends
// the test UNSUPPORTED (the rule has nothing to judge on this libc).
#define MISSING_REQUIRE_TRIED(t, call_name, syscall, err, since)                                \
  do {                                                                                          \
    if ((t).run.count(syscall, err) == 0) {                                                     \
      ASSERT_TRUE(::sigipc::injection::WorkedWithoutTrying(t, call_name, syscall, err, since)); \
      SIGIPC_UNSUPPORTED(std::string(call_name) + " never makes " + (syscall) + " on " +        \
                         ::sigipc::injection::libc_text() + ": the rule on a failing " +        \
                         (syscall) + " does not apply (checked: it works with it failing)");    \
    }                                                                                           \
  } while (0)
