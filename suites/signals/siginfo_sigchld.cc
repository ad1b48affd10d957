// SIGCHLD's siginfo_t: si_code CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED
// or CLD_CONTINUED, si_status the exit value or the signal, si_pid the child
// and si_uid its real user ID. The test process blocks SIGCHLD under an
// SA_SIGINFO handler (so it is caught, never discarded as ignored) and
// accepts each notification with a safety net.
// XBD <signal.h>, XSH 2.4.3 Signal Actions, sigaction(2).
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/rt_helpers.h"
#include "suites/signals/signal_helpers.h"

namespace sigipc {
namespace {

using signals::Receiver;

// The next SIGCHLD notification; a missing one is a failure, not a hang.
siginfo_t next_sigchld() {
  siginfo_t info{};
  if (signals::accept_signal(SIGCHLD, &info) != SIGCHLD)
    ADD_FAILURE() << "no SIGCHLD within " << signals::kSafetyWaitS << " s: " << ErrnoText(errno);
  return info;
}

SIGIPC_TEST(SignalSiginfoSigchld, ExitedChildGivesCldExitedAndExitValue,
            "signal.siginfo.cld-exited", "XBD <signal.h>",
            "A child that exits sends SIGCHLD with si_code CLD_EXITED, its exit value in "
            "si_status and its pid in si_pid") {
  Receiver rx({SIGCHLD});
  Child c([] { child_exit(42); });
  siginfo_t info = next_sigchld();
  EXPECT_EQ(info.si_signo, SIGCHLD);
  EXPECT_EQ(info.si_code, CLD_EXITED);
  EXPECT_EQ(info.si_status, 42);
  EXPECT_EQ(info.si_pid, c.pid());
  EXPECT_TRUE(ExitedWith(c.wait(), 42)) << "setup";
}

SIGIPC_TEST(SignalSiginfoSigchld, KilledChildGivesCldKilledAndSignal, "signal.siginfo.cld-killed",
            "XBD <signal.h>",
            "A child terminated by a signal's default action (no core file) sends SIGCHLD with "
            "si_code CLD_KILLED and the signal in si_status") {
  Receiver rx({SIGCHLD});
  Gate never;
  Child c([&never] {
    child_use_default_action(SIGTERM);
    never.wait();
  });
  ASSERT_SUCCEEDS(kill(c.pid(), SIGTERM));
  siginfo_t info = next_sigchld();
  EXPECT_EQ(info.si_code, CLD_KILLED);
  EXPECT_EQ(info.si_status, SIGTERM);
  EXPECT_EQ(info.si_pid, c.pid());
  EXPECT_TRUE(KilledBy(c.wait(), SIGTERM)) << "setup";
}

SIGIPC_TEST(SignalSiginfoSigchld, AbnormalTerminationWithoutCoreGivesCldKilled,
            "signal.siginfo.cld-killed-without-core", "XBD <signal.h>",
            "A child ended by a core-dumping signal that creates no core file (dumps disabled) "
            "sends SIGCHLD with CLD_KILLED, not CLD_DUMPED, and the signal in si_status") {
  Receiver rx({SIGCHLD});
  Child c([] {
    child_disable_core_dumps();
    child_use_default_action(SIGQUIT);
    coverage_flush();
    CHILD_CHECK_OK(raise(SIGQUIT));
  });
  siginfo_t info = next_sigchld();
  WaitStatus st = c.wait();
  ASSERT_TRUE(KilledBy(st, SIGQUIT)) << "setup";
  ASSERT_FALSE(st.core_dumped()) << "setup: a core was dumped although dumps were disabled";
  EXPECT_EQ(info.si_code, CLD_KILLED) << "no core file was created";
  EXPECT_EQ(info.si_status, SIGQUIT);
}

// A folder for the child's core file (core_pattern may be a relative name),
// emptied and removed on every exit path.
class CoreFolder {
 public:
  CoreFolder() : path_(UniqueTempPath("cores")) { SETUP_OK(mkdir(path_.c_str(), 0700)); }
  ~CoreFolder() {
    for (const std::string& f : files()) unlink((path_ + "/" + f).c_str());
    rmdir(path_.c_str());
  }
  const char* c_str() const { return path_.c_str(); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    if (DIR* d = opendir(path_.c_str())) {
      while (dirent* e = readdir(d))
        if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) out.push_back(e->d_name);
      closedir(d);
    }
    return out;
  }

 private:
  std::string path_;
};

// In the child: allow a core, and keep it to headers and notes
// (coredump_filter 0 leaves out every mapping's contents). Async-signal-safe.
void child_allow_small_core(const char* folder) noexcept {
  CHILD_CHECK_OK(chdir(folder));
  struct rlimit core {};
  CHILD_CHECK_OK(getrlimit(RLIMIT_CORE, &core));
  if (core.rlim_max == 0) child_exit(signals::kChildUnsupportedExit);
  core.rlim_cur = core.rlim_max;
  CHILD_CHECK_OK(setrlimit(RLIMIT_CORE, &core));
  CHILD_CHECK_OK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
  int fd = open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t w = write(fd, "0", 1);
    (void)w;
    close(fd);
  }
}

SIGIPC_TEST(SignalSiginfoSigchld, CoreDumpingChildGivesCldDumped, "signal.siginfo.cld-dumped",
            "XBD <signal.h>",
            "A child ended by a signal that creates a core file sends SIGCHLD with si_code "
            "CLD_DUMPED and the signal in si_status") {
  Receiver rx({SIGCHLD});
  CoreFolder folder;
  const char* dir = folder.c_str();
  Child c([dir] {
    child_allow_small_core(dir);
    child_use_default_action(SIGQUIT);
    coverage_flush();
    CHILD_CHECK_OK(raise(SIGQUIT));
  });
  siginfo_t info = next_sigchld();
  WaitStatus st = c.wait();
  SIGIPC_UNSUPPORTED_IF_CHILD_SAID(st, "RLIMIT_CORE's hard limit is 0: no core can be created");
  ASSERT_TRUE(KilledBy(st, SIGQUIT)) << "setup";
  if (!st.core_dumped() && folder.files().empty())
    SIGIPC_UNSUPPORTED("no core file could be created here (see /proc/sys/kernel/core_pattern)");
  EXPECT_EQ(info.si_code, CLD_DUMPED)
      << "the wait status " << (st.core_dumped() ? "reports" : "does not report")
      << " a core dump; " << folder.files().size() << " file(s) in the child's folder";
  EXPECT_EQ(info.si_status, SIGQUIT);
}

SIGIPC_TEST(SignalSiginfoSigchld, StoppedChildGivesCldStoppedAndSignal,
            "signal.siginfo.cld-stopped", "XBD <signal.h>",
            "A child stopped by a signal sends SIGCHLD with si_code CLD_STOPPED and the stop "
            "signal in si_status") {
  Receiver rx({SIGCHLD});
  Child c([] { CHILD_CHECK_OK(raise(SIGSTOP)); });
  siginfo_t info = next_sigchld();
  EXPECT_EQ(info.si_code, CLD_STOPPED);
  EXPECT_EQ(info.si_status, SIGSTOP);
  EXPECT_EQ(info.si_pid, c.pid());
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP)) << "setup";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(SignalSiginfoSigchld, ContinuedChildGivesCldContinuedAndSigcont,
            "signal.siginfo.cld-continued", "XBD <signal.h>",
            "A stopped child continued by SIGCONT sends SIGCHLD with si_code CLD_CONTINUED and "
            "SIGCONT in si_status") {
  Receiver rx({SIGCHLD});
  Gate release;
  // Alive until released, so no exit notification can take the place of
  // the continue notification (SIGCHLD does not queue).
  Child c([&release] {
    CHILD_CHECK_OK(raise(SIGSTOP));
    release.wait();
  });
  siginfo_t stopped = next_sigchld();
  ASSERT_EQ(stopped.si_code, CLD_STOPPED) << "setup";
  ASSERT_TRUE(StoppedBy(c.wait(WUNTRACED), SIGSTOP)) << "setup";
  ASSERT_SUCCEEDS(kill(c.pid(), SIGCONT));
  siginfo_t info = next_sigchld();
  EXPECT_EQ(info.si_code, CLD_CONTINUED);
  EXPECT_EQ(info.si_status, SIGCONT);
  EXPECT_EQ(info.si_pid, c.pid());
  release.open();
  EXPECT_CHILD_OK(c.wait());
}

SIGIPC_TEST(SignalSiginfoSigchld, SigchldCarriesChildPidAndRealUid, "signal.siginfo.cld-pid-uid",
            "XBD <signal.h>; sigaction(2)",
            "SIGCHLD carries the child's pid in si_pid and the child's real user ID in si_uid, "
            "also when the child runs as another user") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Receiver rx({SIGCHLD});
  Child c([] {
    CHILD_CHECK_OK(setgroups(0, nullptr));
    CHILD_CHECK_OK(setresgid(kNobodyGid, kNobodyGid, kNobodyGid));
    CHILD_CHECK_OK(setresuid(kNobodyUid, kNobodyUid, kNobodyUid));
  });
  const pid_t child = c.pid();
  siginfo_t info = next_sigchld();
  EXPECT_CHILD_OK(c.wait()) << "setup";
  EXPECT_EQ(info.si_pid, child);
  EXPECT_EQ(info.si_uid, kNobodyUid);
}

}  // namespace
}  // namespace sigipc
