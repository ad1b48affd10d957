// The Linux interfaces beneath and beside sigqueue(): rt_sigqueueinfo(), which
// lets a process pass a whole siginfo_t but refuses forged origins toward other
// processes, and pthread_sigqueue(), which queues to one thread.
// rt_sigqueueinfo(2), pthread_sigqueue(3). Linux-only.
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <thread>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::int_value;
using signals::Receiver;

// The rule is about the kernel interface itself, for which glibc has no
// wrapper (sigqueue() always sends SI_QUEUE), hence the raw system call.
long rt_sigqueueinfo(pid_t pid, int sig, int code, pid_t claimed_pid, uid_t claimed_uid,
                     int value) {
  siginfo_t info{};
  info.si_signo = sig;
  info.si_code = code;
  info.si_pid = claimed_pid;
  info.si_uid = claimed_uid;
  info.si_value = int_value(value);
  return syscall(SYS_rt_sigqueueinfo, pid, sig, &info);
}

SIGIPC_TEST(SignalRtLinux, SigqueueinfoRefusesForgedOriginToOtherProcess,
            "signal.rt.sigqueueinfo-forged-code", "Linux-only, rt_sigqueueinfo(2)",
            "rt_sigqueueinfo() to another process fails with EPERM when si_code claims kill() "
            "or the kernel (>= 0) or tgkill() (SI_TKILL); SI_QUEUE is accepted") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});  // the target inherits it blocked: nothing it accepts can end it
  Gate release;
  Child target([&release] { release.wait(); });
  struct Forged {
    int code;
    const char* what;
  };
  const Forged forged[] = {{SI_USER, "SI_USER"},
                           {SI_KERNEL, "SI_KERNEL"},
                           {SEGV_MAPERR, "a positive fault code"},
                           {SI_TKILL, "SI_TKILL"}};
  for (const Forged& f : forged)
    EXPECT_FAILS_WITH(rt_sigqueueinfo(target.pid(), sig, f.code, getpid(), getuid(), 1), EPERM)
        << "si_code " << f.what;
  EXPECT_SUCCEEDS(rt_sigqueueinfo(target.pid(), sig, SI_QUEUE, getpid(), getuid(), 1))
      << "the permitted code, same target and permissions";
  release.open();
  EXPECT_CHILD_OK(target.wait());
}

SIGIPC_TEST(SignalRtLinux, SigqueueinfoToSelfDeliversSiginfoAsGiven,
            "signal.rt.sigqueueinfo-self-any-code", "Linux-only, rt_sigqueueinfo(2)",
            "rt_sigqueueinfo() to the calling process accepts any si_code and delivers si_code, "
            "si_pid, si_uid and si_value as the caller gave them") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});
  const pid_t claimed_pid = 4321;
  const uid_t claimed_uid = 1234;
  ASSERT_SUCCEEDS(rt_sigqueueinfo(getpid(), sig, SI_USER, claimed_pid, claimed_uid, 99));
  siginfo_t info{};
  ASSERT_EQ(signals::accept_signal(sig, &info), sig) << ErrnoText(errno);
  EXPECT_EQ(info.si_code, SI_USER);
  EXPECT_EQ(info.si_pid, claimed_pid);
  EXPECT_EQ(info.si_uid, claimed_uid);
  EXPECT_EQ(info.si_value.sival_int, 99);
}

SIGIPC_TEST(SignalRtLinux, PthreadSigqueueTargetsOneThread, "signal.rt.pthread-sigqueue-thread",
            "Linux-only, pthread_sigqueue(3)",
            "pthread_sigqueue() makes the signal pending for the named thread only, with "
            "SI_QUEUE and the value, not for the process or other threads") {
#if !defined(__GLIBC__)
  SIGIPC_UNSUPPORTED("pthread_sigqueue() is a GNU extension (pthread_sigqueue(3)) this libc lacks");
#else
  const int sig = SIGRTMIN;
  Receiver rx({sig});  // the worker inherits the mask: it accepts, it is never interrupted
  std::promise<void> sent;
  std::atomic<int> got{0}, code{0}, value{0};
  std::thread worker([&] {
    sent.get_future().wait();
    siginfo_t info{};
    got = signals::accept_signal(sig, &info);
    code = info.si_code;
    value = info.si_value.sival_int;
  });
  const int r = pthread_sigqueue(worker.native_handle(), sig, int_value(77));
  // Before the worker runs: pending for it, so not for this thread or the
  // process (sigpending() reports both).
  const int here = signals::pending_member(sig);
  sent.set_value();
  worker.join();
  ASSERT_EQ(r, 0) << "pthread_sigqueue(): " << ErrnoText(r);
  EXPECT_EQ(here, 0) << "the signal is pending for the sending thread or the process";
  EXPECT_EQ(got.load(), sig) << "the named thread did not receive it";
  EXPECT_EQ(code.load(), SI_QUEUE);
  EXPECT_EQ(value.load(), 77);
#endif
}

SIGIPC_TEST(SignalRtLinux, SigqueueinfoToSelfCarriesAFaultLayout,
            "signal.rt.sigqueueinfo-self-fault-layout", "Linux-only, rt_sigqueueinfo(2)",
            "rt_sigqueueinfo() of SIGSEGV to the calling process with a positive fault code "
            "(SEGV_MAPERR) is accepted and delivers that si_code and the si_addr given") {
  Receiver rx({SIGSEGV});  // blocked: taken by sigtimedwait(), never acted on
  siginfo_t info{};
  info.si_signo = SIGSEGV;
  info.si_code = SEGV_MAPERR;
  info.si_addr = reinterpret_cast<void*>(0x5000);
  ASSERT_SUCCEEDS(syscall(SYS_rt_sigqueueinfo, getpid(), SIGSEGV, &info));
  siginfo_t got{};
  ASSERT_EQ(signals::accept_signal(SIGSEGV, &got), SIGSEGV) << ErrnoText(errno);
  EXPECT_EQ(got.si_code, SEGV_MAPERR);
  EXPECT_EQ(got.si_addr, reinterpret_cast<void*>(0x5000));
}

SIGIPC_TEST(SignalRtLinux, TgsigqueueinfoRefusesForgedOriginToOtherProcess,
            "signal.rt.tgsigqueueinfo-forged-code", "Linux-only, rt_tgsigqueueinfo(2)",
            "rt_tgsigqueueinfo() to a thread of another process fails with EPERM when si_code "
            "is >= 0 (SI_USER) or SI_TKILL; SI_QUEUE is accepted") {
  const int sig = SIGRTMIN;
  Receiver rx({sig});  // the target inherits it blocked
  Gate release;
  Child target([&release] { release.wait(); });
  siginfo_t info{};
  info.si_signo = sig;
  info.si_pid = getpid();
  info.si_uid = getuid();
  for (int code : {SI_USER, SI_TKILL}) {
    info.si_code = code;
    EXPECT_FAILS_WITH(syscall(SYS_rt_tgsigqueueinfo, target.pid(), target.pid(), sig, &info), EPERM)
        << "si_code " << code;
  }
  info.si_code = SI_QUEUE;
  EXPECT_SUCCEEDS(syscall(SYS_rt_tgsigqueueinfo, target.pid(), target.pid(), sig, &info));
  release.open();
  EXPECT_CHILD_OK(target.wait());
}

}  // namespace
}  // namespace sigipc
