// Where PID file descriptors come from besides pidfd_open() of a process:
// clone(CLONE_PIDFD), and pidfd_open() of a thread that leads no process.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(LinuxPidfdSources, ClonePidfdReturnsPidfdOfNewChild, "linux.pidfd.clone-pidfd",
            "Linux-only, pidfd_open(2)",
            "clone() with CLONE_PIDFD stores in parent_tid a close-on-exec PID file descriptor "
            "that refers to the new child (waitid(P_PIDFD) on it reaps that child)") {
  // glibc's clone() wrapper passes parent_tid through, so no raw syscall.
  alignas(16) static char stack[64 * 1024];
  int pidfd = -1;
  pid_t pid = clone([](void*) -> int { return 5; }, stack + sizeof stack, CLONE_PIDFD | SIGCHLD,
                    nullptr, &pidfd);
  if (pid < 0 && errno == EINVAL) SIGIPC_UNSUPPORTED("clone() rejects CLONE_PIDFD (EINVAL)");
  ASSERT_GT(pid, 0) << ErrnoText(errno);
  UniqueFd fd(pidfd);
  if (!fd) {
    xwaitpid(pid);
    FAIL() << "clone() with CLONE_PIDFD left parent_tid without a descriptor";
  }
  EXPECT_NE(linux::fd_flags(fd.get()) & FD_CLOEXEC, 0);
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  int r = waitid(P_PIDFD, static_cast<id_t>(fd.get()), &si, WEXITED);
  int e = errno;
  if (r != 0) xwaitpid(pid);
  ASSERT_EQ(r, 0) << ErrnoText(e);
  EXPECT_EQ(si.si_pid, pid);
  EXPECT_EQ(si.si_status, 5);
}

// The page says only "pid must refer to a process" without naming an errno
// (kernels before pidfs gave EINVAL, 6.18 gives ENOENT): the rule is that no
// descriptor is returned.
SIGIPC_TEST(LinuxPidfdSources, OpenOfNonLeaderThreadFails, "linux.pidfd.open-thread-fails",
            "Linux-only, pidfd_open(2)",
            "without PIDFD_THREAD, pidfd_open() of a thread that is not a thread-group leader "
            "fails (returns -1): pid must refer to a process") {
  SIGIPC_REQUIRE_PIDFD();
  Pipe tid_pipe, release;
  struct Ctx {
    int tid_wr, release_rd;
  } ctx{tid_pipe.wr(), release.rd()};
  pthread_t t;
  ASSERT_EQ(pthread_create(
                &t, nullptr,
                [](void* p) -> void* {
                  auto* c = static_cast<Ctx*>(p);
                  pid_t tid = gettid();
                  (void)!write(c->tid_wr, &tid, sizeof tid);
                  char b;
                  (void)!read(c->release_rd, &b, 1);
                  return nullptr;
                },
                &ctx),
            0);
  pid_t tid = 0;
  ssize_t n = read(tid_pipe.rd(), &tid, sizeof tid);
  errno = 0;
  int r = n == static_cast<ssize_t>(sizeof tid) ? pidfd_open(tid, 0) : -2;
  int e = errno;
  if (r >= 0) close(r);
  (void)!write(release.wr(), "x", 1);
  pthread_join(t, nullptr);
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof tid));
  ASSERT_NE(tid, getpid());
  EXPECT_EQ(r, -1) << "a pidfd was opened for a non-leader thread";
  EXPECT_NE(e, 0) << ErrnoText(e);
}

}  // namespace
}  // namespace sigipc
