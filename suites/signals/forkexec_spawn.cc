// posix_spawn() and the signal state of the child it starts: the mask from
// POSIX_SPAWN_SETSIGMASK or the caller's, SIG_DFL for the signals in
// POSIX_SPAWN_SETSIGDEF and for caught ones, SIG_IGN kept otherwise. The
// child is an exec helper (forkexec_helpers.cc). XSH posix_spawn().
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

extern char** environ;

namespace sigipc {
namespace {

using signals::signals_arg;

// A spawn attribute object, destroyed on every path.
class SpawnAttr {
 public:
  SpawnAttr() {
    if (int e = posix_spawnattr_init(&attr_))
      setup_error(__FILE__, __LINE__, "posix_spawnattr_init() failed with " + ErrnoText(e));
  }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr_); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

// Spawns the helper (searching PATH, for a wrapper such as qemu-x86_64) and
// waits for it.
WaitStatus SpawnAndWait(const ExecArgv& argv, const posix_spawnattr_t* attr) {
  pid_t pid = -1;
  int e = posix_spawnp(&pid, argv.argv()[0], nullptr, attr, argv.argv(), environ);
  if (e != 0) setup_error(__FILE__, __LINE__, "posix_spawnp() failed with " + ErrnoText(e));
  return xwaitpid(pid);
}

void noop_handler(int) {}

SIGIPC_TEST(SignalForkExec, SpawnSetsigmaskGivesTheChildThatMask,
            "signal.forkexec.spawn-setsigmask", "XSH posix_spawn()",
            "With POSIX_SPAWN_SETSIGMASK the child's initial signal mask is the attribute's "
            "sigmask, not the caller's") {
  SignalMask mask;
  mask.block(SIGUSR1);
  const sigset_t wanted = make_sigset({SIGUSR2, SIGTERM});
  SpawnAttr attr;
  ASSERT_EQ(posix_spawnattr_setsigmask(attr.get(), &wanted), 0);
  ASSERT_EQ(posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGMASK), 0);
  ExecArgv argv(signals::kMaskHelper, {signals_arg(wanted)});
  EXPECT_CHILD_OK(SpawnAndWait(argv, attr.get()));
}

SIGIPC_TEST(SignalForkExec, SpawnWithoutSetsigmaskInheritsTheMask,
            "signal.forkexec.spawn-inherits-mask", "XSH posix_spawn()",
            "Without POSIX_SPAWN_SETSIGMASK the child inherits the caller's signal mask") {
  SignalMask mask;
  mask.block(SIGUSR1);
  mask.block(SIGHUP);
  ExecArgv argv(signals::kMaskHelper, {signals_arg(current_mask())});
  EXPECT_CHILD_OK(SpawnAndWait(argv, nullptr));
}

SIGIPC_TEST(SignalForkExec, SpawnSetsigdefResetsOnlyThoseSignals, "signal.forkexec.spawn-setsigdef",
            "XSH posix_spawn()",
            "With POSIX_SPAWN_SETSIGDEF the signals in sigdefault start at SIG_DFL in the child; "
            "other ignored signals stay ignored") {
  SignalAction usr1(SIGUSR1, SIG_IGN);
  SignalAction usr2(SIGUSR2, SIG_IGN);
  SignalAction hup(SIGHUP, SIG_IGN);
  const sigset_t to_default = make_sigset({SIGUSR1, SIGHUP});
  SpawnAttr attr;
  ASSERT_EQ(posix_spawnattr_setsigdefault(attr.get(), &to_default), 0);
  ASSERT_EQ(posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGDEF), 0);
  ExecArgv argv(signals::kActionsHelper,
                {"D=" + signals_arg(to_default), "I=" + signals_arg(make_sigset({SIGUSR2}))});
  EXPECT_CHILD_OK(SpawnAndWait(argv, attr.get()));
}

SIGIPC_TEST(SignalForkExec, SpawnResetsCaughtSignalsToDefault,
            "signal.forkexec.spawn-resets-caught", "XSH posix_spawn()",
            "Signals the caller catches start at SIG_DFL in the spawned child") {
  SignalAction usr1(SIGUSR1, noop_handler);
  SignalAction term(SIGTERM, noop_handler);
  SignalAction rt(SIGRTMIN + 3, noop_handler);
  const sigset_t caught = make_sigset({SIGUSR1, SIGTERM, SIGRTMIN + 3});
  ExecArgv argv(signals::kActionsHelper, {"D=" + signals_arg(caught)});
  EXPECT_CHILD_OK(SpawnAndWait(argv, nullptr));
}

}  // namespace
}  // namespace sigipc
