// The thread's signal mask: sigprocmask() and pthread_sigmask() with each
// `how`, the old mask, queries, invalid requests, the signals that cannot be
// blocked, delivery on unblocking, and inheritance by fork().
// XSH pthread_sigmask() (the page that also specifies sigprocmask()).
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <initializer_list>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::SameSignals;

// The two interfaces under test, behind one calling convention: 0 on
// success, else the error number (sigprocmask() reports through errno,
// pthread_sigmask() through its return value).
struct MaskApi {
  const char* name;
  int (*call)(int how, const sigset_t* set, sigset_t* oset);
};
int via_sigprocmask(int how, const sigset_t* set, sigset_t* oset) {
  return sigprocmask(how, set, oset) == 0 ? 0 : errno;
}
int via_pthread_sigmask(int how, const sigset_t* set, sigset_t* oset) {
  return pthread_sigmask(how, set, oset);
}
const MaskApi kSigprocmask{"sigprocmask", via_sigprocmask};
const MaskApi kPthreadSigmask{"pthread_sigmask", via_pthread_sigmask};
const MaskApi* const kBothApis[] = {&kSigprocmask, &kPthreadSigmask};

const char* how_name(int how) {
  return how == SIG_BLOCK ? "SIG_BLOCK" : how == SIG_UNBLOCK ? "SIG_UNBLOCK" : "SIG_SETMASK";
}

// The mask as api reports it with set == NULL.
sigset_t query(const MaskApi& api) {
  sigset_t now;
  sigemptyset(&now);
  if (int e = api.call(SIG_BLOCK, nullptr, &now))
    setup_error(__FILE__, __LINE__, std::string(api.name) + " query failed with " + ErrnoText(e));
  return now;
}

// The caller holds a SignalMask guard. Sets the mask to `start` (through
// pthread_sigmask, as setup), applies api(how, arg) and checks the mask that
// api then reports against `want`.
void ExpectHowResult(const MaskApi& api, int how, std::initializer_list<int> start,
                     std::initializer_list<int> arg, std::initializer_list<int> want) {
  sigset_t s = make_sigset(start);
  if (int e = pthread_sigmask(SIG_SETMASK, &s, nullptr))
    setup_error_errno(__FILE__, __LINE__, "pthread_sigmask(SIG_SETMASK)", e);
  sigset_t a = make_sigset(arg);
  int e = api.call(how, &a, nullptr);
  ASSERT_EQ(e, 0) << api.name << "(" << how_name(how) << ") failed with " << ErrnoText(e);
  EXPECT_TRUE(SameSignals(query(api), make_sigset(want)))
      << "mask after " << api.name << "(" << how_name(how) << ")";
}

SIGIPC_TEST(SignalMask, BlockAddsToMask, "signal.mask.sig-block-adds", "XSH sigprocmask()",
            "sigprocmask(SIG_BLOCK, set) makes the mask the union of the old mask and set") {
  SignalMask restore;
  ExpectHowResult(kSigprocmask, SIG_BLOCK, {SIGUSR2}, {SIGUSR1}, {SIGUSR1, SIGUSR2});
}

SIGIPC_TEST(SignalMask, UnblockRemovesFromMask, "signal.mask.sig-unblock-removes",
            "XSH sigprocmask()",
            "sigprocmask(SIG_UNBLOCK, set) removes the signals in set and keeps the rest") {
  SignalMask restore;
  ExpectHowResult(kSigprocmask, SIG_UNBLOCK, {SIGUSR1, SIGUSR2}, {SIGUSR1, SIGTERM}, {SIGUSR2});
}

SIGIPC_TEST(SignalMask, SetmaskReplacesMask, "signal.mask.sig-setmask-replaces",
            "XSH sigprocmask()", "sigprocmask(SIG_SETMASK, set) makes the mask exactly set") {
  SignalMask restore;
  ExpectHowResult(kSigprocmask, SIG_SETMASK, {SIGUSR1, SIGUSR2}, {SIGTERM, SIGUSR2},
                  {SIGTERM, SIGUSR2});
}

SIGIPC_TEST(SignalMask, PthreadSigmaskAppliesEachHow, "signal.mask.pthread-sigmask-how",
            "XSH pthread_sigmask()",
            "pthread_sigmask() adds with SIG_BLOCK, removes with SIG_UNBLOCK and replaces with "
            "SIG_SETMASK") {
  SignalMask restore;
  ExpectHowResult(kPthreadSigmask, SIG_BLOCK, {SIGUSR2}, {SIGUSR1}, {SIGUSR1, SIGUSR2});
  ExpectHowResult(kPthreadSigmask, SIG_UNBLOCK, {SIGUSR1, SIGUSR2}, {SIGUSR1, SIGTERM}, {SIGUSR2});
  ExpectHowResult(kPthreadSigmask, SIG_SETMASK, {SIGUSR1, SIGUSR2}, {SIGTERM, SIGUSR2},
                  {SIGTERM, SIGUSR2});
}

SIGIPC_TEST(SignalMask, OsetReceivesPreviousMask, "signal.mask.oset-returns-previous",
            "XSH pthread_sigmask()",
            "sigprocmask() and pthread_sigmask() store the mask in force before the call in "
            "*oset") {
  for (const MaskApi* api : kBothApis) {
    SignalMask restore;
    sigset_t start = make_sigset({SIGUSR1});
    ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &start, nullptr), 0);
    sigset_t add = make_sigset({SIGUSR2}), old;
    sigfillset(&old);  // anything the call fails to overwrite shows up
    ASSERT_EQ(api->call(SIG_BLOCK, &add, &old), 0) << api->name;
    EXPECT_TRUE(SameSignals(old, start)) << api->name << "(SIG_BLOCK): oset";
    sigset_t none;
    sigemptyset(&none);
    ASSERT_EQ(api->call(SIG_SETMASK, &none, &old), 0) << api->name;
    EXPECT_TRUE(SameSignals(old, make_sigset({SIGUSR1, SIGUSR2})))
        << api->name << "(SIG_SETMASK): oset";
  }
}

SIGIPC_TEST(SignalMask, NullSetOnlyQueries, "signal.mask.null-set-queries", "XSH pthread_sigmask()",
            "With set == NULL, how is not significant and the mask is reported through oset "
            "unchanged") {
  const sigset_t start = make_sigset({SIGUSR1, SIGTERM});
  for (const MaskApi* api : kBothApis) {
    for (int how : {SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK}) {
      SignalMask restore;
      ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &start, nullptr), 0);
      sigset_t old;
      sigemptyset(&old);
      ASSERT_EQ(api->call(how, nullptr, &old), 0) << api->name << "(" << how_name(how) << ")";
      EXPECT_TRUE(SameSignals(old, start)) << api->name << "(" << how_name(how) << "): oset";
      EXPECT_TRUE(SameSignals(current_mask(), start))
          << api->name << "(" << how_name(how) << ", NULL) changed the mask";
    }
  }
}

SIGIPC_TEST(SignalMask, SigprocmaskRejectsInvalidHow, "signal.mask.invalid-how-einval",
            "XSH pthread_sigmask()",
            "sigprocmask() with an invalid how and a non-NULL set fails with EINVAL and leaves "
            "the mask unchanged") {
  SignalMask restore;
  const sigset_t start = make_sigset({SIGUSR2});
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &start, nullptr), 0);
  sigset_t set = make_sigset({SIGUSR1});
  EXPECT_FAILS_WITH(sigprocmask(signals::invalid_how(), &set, nullptr), EINVAL);
  EXPECT_TRUE(SameSignals(current_mask(), start)) << "a failed sigprocmask() changed the mask";
}

SIGIPC_TEST(SignalMask, PthreadSigmaskReturnsErrorNumber,
            "signal.mask.pthread-sigmask-returns-errno", "XSH pthread_sigmask()",
            "pthread_sigmask() with an invalid how returns EINVAL (not -1) and leaves the mask "
            "unchanged") {
  SignalMask restore;
  const sigset_t start = make_sigset({SIGUSR2});
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &start, nullptr), 0);
  sigset_t set = make_sigset({SIGUSR1});
  EXPECT_RETURNS_ERRNO(pthread_sigmask(signals::invalid_how(), &set, nullptr), EINVAL);
  EXPECT_TRUE(SameSignals(current_mask(), start)) << "a failed pthread_sigmask() changed the mask";
}

SIGIPC_TEST(SignalMask, SigkillAndSigstopAreSilentlyNotBlocked, "signal.mask.kill-stop-unblockable",
            "XSH pthread_sigmask()",
            "Asking to block SIGKILL or SIGSTOP succeeds without error, and neither is ever in "
            "the mask") {
  for (const MaskApi* api : kBothApis) {
    SignalMask restore;
    sigset_t all;
    sigfillset(&all);
    ASSERT_EQ(sigaddset(&all, SIGKILL), 0);
    ASSERT_EQ(sigaddset(&all, SIGSTOP), 0);
    EXPECT_EQ(api->call(SIG_BLOCK, &all, nullptr), 0) << api->name << "(SIG_BLOCK, full set)";
    sigset_t now = query(*api);
    EXPECT_EQ(sigismember(&now, SIGKILL), 0) << api->name << ": SIGKILL reported blocked";
    EXPECT_EQ(sigismember(&now, SIGSTOP), 0) << api->name << ": SIGSTOP reported blocked";
    EXPECT_EQ(sigismember(&now, SIGUSR1), 1) << api->name << ": the rest of the set must block";

    sigset_t some = make_sigset({SIGKILL, SIGSTOP, SIGUSR1});
    EXPECT_EQ(api->call(SIG_SETMASK, &some, nullptr), 0) << api->name << "(SIG_SETMASK)";
    EXPECT_TRUE(SameSignals(query(*api), make_sigset({SIGUSR1})))
        << api->name << "(SIG_SETMASK, {SIGKILL, SIGSTOP, SIGUSR1})";
  }
}

SIGIPC_TEST(SignalMask, SigstopAndSigkillActOnProcessBlockingEverything,
            "signal.mask.kill-stop-act-despite-mask",
            "XSH pthread_sigmask(); XSH 2.4.3 Signal Actions",
            "A process that blocked every signal is still stopped by SIGSTOP and terminated by "
            "SIGKILL") {
  Child c([] {
    sigset_t all;
    sigfillset(&all);
    CHILD_CHECK_OK(sigprocmask(SIG_SETMASK, &all, nullptr));
    CHILD_CHECK_OK(raise(SIGSTOP));
    // Reached only if the mask held SIGSTOP back, or if SIGKILL failed to
    // end the child and the SIGCONT below resumed it: exit 0 reports that.
  });
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP)) << "with every signal blocked";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGKILL));
  // SIGCONT resumes even a process that blocks it (XSH 2.4.1), so a child
  // that survived SIGKILL exits instead of staying stopped for ever. A
  // child already ended may refuse it with ESRCH.
  if (kill(c.pid(), SIGCONT) != 0) {
    ASSERT_EQ(errno, ESRCH) << ErrnoText(errno);
  }
  EXPECT_TRUE(KilledBy(c.wait(), SIGKILL)) << "with every signal blocked";
}

volatile sig_atomic_t g_usr1_count = 0;
void count_usr1(int) { g_usr1_count = g_usr1_count + 1; }

SIGIPC_TEST(SignalMask, UnblockingDeliversPendingSignalBeforeReturn,
            "signal.mask.unblock-delivers-before-return", "XSH pthread_sigmask()",
            "When a call unblocks a pending signal, it is delivered before sigprocmask() or "
            "pthread_sigmask() returns") {
  SignalAction action(SIGUSR1, count_usr1);
  const sigset_t usr1 = make_sigset({SIGUSR1});
  for (const MaskApi* api : kBothApis) {
    SignalMask restore;
    restore.block(SIGUSR1);
    g_usr1_count = 0;
    ASSERT_SUCCEEDS(kill(getpid(), SIGUSR1));
    ASSERT_EQ(g_usr1_count, 0) << "setup: SIGUSR1 is blocked";
    ASSERT_EQ(api->call(SIG_UNBLOCK, &usr1, nullptr), 0) << api->name;
    EXPECT_EQ(g_usr1_count, 1) << "the only pending unblocked signal must be delivered before "
                               << api->name << "() returns";
  }
}

SIGIPC_TEST(SignalMask, ForkChildInheritsMask, "signal.mask.fork-inherits", "XSH fork()",
            "A child created by fork() starts with the calling thread's signal mask") {
  SignalMask restore;
  restore.block(SIGUSR1);
  restore.block(SIGTERM);
  const sigset_t want = current_mask();
  const signals::SignalList all = signals::posix_signals();
  WaitStatus st = RunInChild([&] {
    sigset_t mask_in_child;
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &mask_in_child));
    CHILD_CHECK_SAME_SIGNALS(mask_in_child, want, all);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc
