// Handlers that synchronise with the code they interrupt: sem_post() waking
// the sem_wait() it interrupted, and waitpid() reaping a child from the
// SIGCHLD handler. XSH sem_post(), XSH 2.4.3 Signal Actions.
#include <semaphore.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace {

// A process-shared semaphore in an anonymous shared mapping, destroyed and
// unmapped on every exit path.
class SharedSemaphore {
 public:
  explicit SharedSemaphore(unsigned value) {
    void* m =
        mmap(nullptr, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap()", errno);
    sem_ = static_cast<sem_t*>(m);
    if (sem_init(sem_, 1, value) != 0) {
      int e = errno;
      munmap(sem_, sizeof(sem_t));
      setup_error_errno(__FILE__, __LINE__, "sem_init()", e);
    }
  }
  ~SharedSemaphore() {
    sem_destroy(sem_);
    munmap(sem_, sizeof(sem_t));
  }
  SharedSemaphore(const SharedSemaphore&) = delete;
  SharedSemaphore& operator=(const SharedSemaphore&) = delete;
  sem_t* get() const { return sem_; }

 private:
  sem_t* sem_ = nullptr;
};

std::atomic<sem_t*> g_sem{nullptr};
std::atomic<int> g_armed{0};
volatile sig_atomic_t g_posted = 0;  // 1 posted, -1 sem_post failed

void post_once(int) {
  if (g_armed.load() == 0 || g_posted != 0) return;
  const int saved = errno;
  g_posted = sem_post(g_sem.load()) == 0 ? 1 : -1;
  errno = saved;
}

// XSH sem_post(): "async-signal-safe and may be invoked from a
// signal-catching function" (the sigwait() rationale names this pattern).
// With SA_RESTART the interrupted sem_wait() may not fail with EINTR
// (XSH sigaction()), so it must return 0 with the handler's token.
SIGIPC_TEST(SignalAsyncSafeSync, SemPostInAHandlerCompletesTheInterruptedSemWait,
            "signal.asyncsafe.sem-post-wakes-sem-wait", "XSH sem_post()",
            "sem_post() called by a handler that interrupted sem_wait() on the same semaphore "
            "lets that sem_wait() return 0 once the handler returns (SA_RESTART)") {
  SharedSemaphore sem(0);
  g_sem = sem.get();
  g_armed = 0;
  g_posted = 0;
  SignalAction action(SIGUSR1, post_once, SA_RESTART);
  // A sem_post() that does nothing would leave the wait restarting for
  // ever: the watchdog (no SA_RESTART) ends it with EINTR.
  signals::Watchdog watchdog(5);
  int r;
  int err;
  {
    signals::RepeatingSignal ticks(SIGUSR1, 1000);
    g_armed = 1;
    errno = 0;
    r = sem_wait(sem.get());
    err = errno;
  }
  EXPECT_EQ(r, 0) << "sem_wait() failed with " << ErrnoText(err)
                  << (watchdog.fired() ? " (ended by the watchdog)" : "");
  EXPECT_EQ(g_posted, 1) << "the handler's sem_post() (0: never ran while armed)";
  int value = -1;
  ASSERT_SUCCEEDS(sem_getvalue(sem.get(), &value));
  EXPECT_EQ(value, 0) << "the handler's token must have been consumed by sem_wait()";
}

std::atomic<int> g_child{-1};
volatile sig_atomic_t g_reaped = 0;
volatile sig_atomic_t g_reaped_status = -1;

void reap_child(int) {
  const int saved = errno;
  int st = 0;
  pid_t p = waitpid(g_child.load(), &st, WNOHANG);
  if (p > 0) {
    g_reaped = p;
    g_reaped_status = st;
  }
  errno = saved;
}

SIGIPC_TEST(SignalAsyncSafeSync, WaitpidInTheSigchldHandlerReapsTheChild,
            "signal.asyncsafe.waitpid-in-sigchld-handler", "XSH 2.4.3 Signal Actions",
            "waitpid() called from the SIGCHLD handler reaps the child that ended and reports "
            "its exit status") {
  g_reaped = 0;
  g_reaped_status = -1;
  SignalAction action(SIGCHLD, reap_child);
  SignalMask mask;
  mask.block(SIGCHLD);  // the handler runs only inside sigsuspend() below
  const pid_t pid = xfork();
  if (pid == 0) child_exit(42);
  g_child = pid;
  sigset_t open_mask = current_mask();
  sigdelset(&open_mask, SIGCHLD);
  {
    signals::Watchdog watchdog(5);
    while (g_reaped == 0 && !watchdog.fired()) sigsuspend(&open_mask);
  }
  if (g_reaped == 0) xwaitpid(pid);  // not reaped by the handler: no zombie left
  ASSERT_EQ(g_reaped, pid) << "the handler's waitpid() did not reap the child";
  EXPECT_TRUE(ExitedWith(WaitStatus(g_reaped_status), 42));
}

}  // namespace
}  // namespace sigipc
