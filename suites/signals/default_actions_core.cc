// Default action A with a core file: SIGSEGV, SIGABRT and SIGQUIT end a
// process abnormally "with additional actions" (XSH 2.4.3), which on Linux is
// a core dump when RLIMIT_CORE allows one and the folder core_pattern names
// is writable (core(5), Linux-only); the parent then sees WCOREDUMP() from
// waitpid() and CLD_DUMPED from waitid(). The machine's core_pattern is only
// read: where it pipes cores to a program or writes them to a fixed folder,
// the tests are UNSUPPORTED. The dumping child runs in a fresh folder of its
// own, with the smallest core its coredump_filter allows; whatever appeared
// there is removed. Every other test keeps the fixtures' "no cores" default.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace {

// Smallest RLIMIT_CORE that lets the (filtered) core be written.
constexpr rlim_t kMinCoreLimit = 1 << 20;

// Why cores cannot be observed here, or "".
std::string core_dump_obstacle() {
  std::ifstream in("/proc/sys/kernel/core_pattern");
  std::string pattern;
  if (!in || !std::getline(in, pattern))
    return "/proc/sys/kernel/core_pattern cannot be read: where a core would go is unknown";
  if (!pattern.empty() && pattern[0] == '|')
    return "core_pattern pipes cores to a program (" + pattern +
           "): whether a dump is reported depends on it";
  if (pattern.find('/') != std::string::npos)
    return "core_pattern writes cores outside the working folder (" + pattern +
           "): the test could not remove them";
  if (pattern.empty()) return "core_pattern is empty: no core files are written";
  rlimit lim{};
  if (getrlimit(RLIMIT_CORE, &lim) != 0) return "getrlimit(RLIMIT_CORE) failed";
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < kMinCoreLimit)
    return "the hard RLIMIT_CORE (" + std::to_string(lim.rlim_max) +
           " bytes) is too small for a core file";
  return "";
}

#define SIGIPC_REQUIRE_CORE_DUMPS()                        \
  do {                                                     \
    std::string sigipc_why_ = core_dump_obstacle();        \
    if (!sigipc_why_.empty()) GTEST_SKIP() << sigipc_why_; \
  } while (0)

// A fresh folder for one dumping child; removes it and whatever the dump put
// there on destruction.
class CoreFolder {
 public:
  CoreFolder() : path_(UniqueTempPath("cores")) { SETUP_OK(mkdir(path_.c_str(), 0700)); }
  ~CoreFolder() {
    for (const std::string& name : entries()) unlink((path_ + "/" + name).c_str());
    rmdir(path_.c_str());
  }
  CoreFolder(const CoreFolder&) = delete;
  CoreFolder& operator=(const CoreFolder&) = delete;
  const char* path() const { return path_.c_str(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    if (DIR* d = opendir(path_.c_str())) {
      while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") out.push_back(n);
      }
      closedir(d);
    }
    return out;
  }

 private:
  std::string path_;
};

// In a child: cwd is dir, RLIMIT_CORE is raised to its hard limit, the
// process is dumpable, and only the minimum goes into the core (the
// per-process coredump_filter, Linux-only; left as is where absent).
void child_allow_core_dump(const char* dir) noexcept {
  CHILD_CHECK_OK(chdir(dir));
  rlimit lim{};
  CHILD_CHECK_OK(getrlimit(RLIMIT_CORE, &lim));
  lim.rlim_cur = lim.rlim_max;
  CHILD_CHECK_OK(setrlimit(RLIMIT_CORE, &lim));
  CHILD_CHECK_OK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0));
  CHILD_CHECK_EQ(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
  int fd = open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)!write(fd, "0", 1);
    close(fd);
  }
}

// A null pointer the compiler cannot see through: a store via a local one
// may be dropped as undefined behaviour.
volatile int* volatile g_nowhere = nullptr;

// In a child: ends the process by sig's default action, the way the rule
// names: a fault for SIGSEGV, abort() for SIGABRT, raise() otherwise.
[[noreturn]] void child_die_by(int sig) noexcept {
  child_use_default_action(sig);
  coverage_flush();
  if (sig == SIGSEGV) {
    *g_nowhere = 1;
  } else if (sig == SIGABRT) {
    abort();
  } else {
    raise(sig);
  }
  child_exit(kChildSetupErrorExit);  // the signal did not end the process
}

constexpr int kDumpSignals[] = {SIGSEGV, SIGABRT, SIGQUIT};

SIGIPC_TEST(SignalDefaultActionCore, SegvAbrtQuitDumpCoreWhenRlimitCoreAllows,
            "signal.default.core-wcoredump",
            "XSH 2.4.3 Signal Actions (action A); XSH <sys/wait.h> WCOREDUMP; core(5) "
            "(Linux-only: the additional action is a core file)",
            "A process ended by SIGSEGV, SIGABRT or SIGQUIT under SIG_DFL, with RLIMIT_CORE "
            "raised, dumpable and in a writable folder, writes a core file there, and waitpid() "
            "reports WIFSIGNALED with that signal and WCOREDUMP") {
  SIGIPC_REQUIRE_CORE_DUMPS();
  for (int sig : kDumpSignals) {
    CoreFolder dir;
    const char* path = dir.path();
    WaitStatus st = RunInChild([path, sig] {
      child_allow_core_dump(path);
      child_die_by(sig);
    });
    EXPECT_TRUE(KilledBy(st, sig)) << "under SIG_DFL";
    EXPECT_TRUE(st.core_dumped()) << SignalText(sig) << ": " << st.describe();
    EXPECT_FALSE(dir.entries().empty()) << SignalText(sig) << ": no core file in the folder";
  }
}

SIGIPC_TEST(SignalDefaultActionCore, WaitidReportsCldDumpedForACoreDump,
            "signal.default.core-cld-dumped",
            "XSH waitid(); XSH <signal.h> CLD_DUMPED; core(5) (Linux-only: the core file)",
            "waitid() reports a child that dumped core on SIGSEGV, SIGABRT or SIGQUIT with "
            "si_code CLD_DUMPED and si_status the signal") {
  SIGIPC_REQUIRE_CORE_DUMPS();
  for (int sig : kDumpSignals) {
    CoreFolder dir;
    const char* path = dir.path();
    Child c([path, sig] {
      child_allow_core_dump(path);
      child_die_by(sig);
    });
    siginfo_t info{};
    int r;
    do {
      r = waitid(P_PID, c.pid(), &info, WEXITED);
    } while (r < 0 && errno == EINTR);
    ASSERT_SUCCEEDS(r);
    c.mark_reaped(WaitStatus(0));
    EXPECT_EQ(info.si_code, CLD_DUMPED) << SignalText(sig) << ": si_code " << info.si_code
                                        << " (CLD_KILLED is " << CLD_KILLED << ")";
    EXPECT_EQ(info.si_status, sig) << "si_status";
  }
}

}  // namespace
}  // namespace sigipc
