// File locks: fcntl(F_SETLKW) and flock() waiting for a lock the test process
// holds. Interrupted by a handler they fail with EINTR (XSH fcntl() [EINTR]
// "The cmd argument is F_SETLKW and the function was interrupted by a
// signal"; flock(2)); under SA_RESTART they restart (XSH sigaction()
// SA_RESTART; signal(7): "flock(2) and the F_SETLKW and F_OFD_SETLKW
// operations of fcntl(2)"). The release unlocks; a restarted call then gets
// the lock.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

struct flock whole_file(short type) {
  struct flock l {};
  l.l_type = type;
  l.l_whence = SEEK_SET;
  l.l_start = 0;
  l.l_len = 0;
  return l;
}

// A record lock held by the test process; the child (another process, so the
// lock conflicts) asks for the whole file with F_SETLKW.
void ExpectSetlkw(int sa_flags) {
  TempPath path("lockfile");
  UniqueFd fd(SETUP_OK(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)));
  struct flock held = whole_file(F_WRLCK);
  SETUP_OK(fcntl(fd.get(), F_SETLK, &held));
  const bool restart = sa_flags & SA_RESTART;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        struct flock want = whole_file(F_WRLCK);
        if (restart)
          CHILD_CHECK_OK(fcntl(fd.get(), F_SETLKW, &want));
        else
          CHILD_CHECK_ERRNO(fcntl(fd.get(), F_SETLKW, &want), EINTR);
      },
      [&] {
        struct flock un = whole_file(F_UNLCK);
        SETUP_OK(fcntl(fd.get(), F_SETLK, &un));
      },
      "fcntl(F_SETLKW) on a locked file"));
}

// flock() locks belong to the open file description: the child opens the file
// itself (an inherited descriptor would share the test process's lock).
void ExpectFlock(int sa_flags) {
  TempPath path("flockfile");
  UniqueFd fd(SETUP_OK(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)));
  SETUP_OK(flock(fd.get(), LOCK_EX | LOCK_NB));
  const bool restart = sa_flags & SA_RESTART;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        const int own = open(path.c_str(), O_RDWR | O_CLOEXEC);
        CHILD_CHECK_OK(own);
        if (restart)
          CHILD_CHECK_OK(flock(own, LOCK_EX));
        else
          CHILD_CHECK_ERRNO(flock(own, LOCK_EX), EINTR);
        close(own);
      },
      [&] { SETUP_OK(flock(fd.get(), LOCK_UN)); }, "flock(LOCK_EX) on a locked file"));
}

SIGIPC_TEST(Interruption, FcntlSetlkwRestartedUnderSaRestart,
            "injection.interrupt.fcntl-setlkw.restart",
            "XSH sigaction() SA_RESTART; XSH fcntl(); signal(7)",
            "An fcntl(F_SETLKW) waiting for a conflicting lock, interrupted by a handler "
            "installed with SA_RESTART, is restarted and gets the lock once it is released") {
  ExpectSetlkw(SA_RESTART);
}

SIGIPC_TEST(Interruption, FcntlSetlkwFailsWithEintrWithoutSaRestart,
            "injection.interrupt.fcntl-setlkw.eintr", "XSH fcntl() [EINTR]",
            "An fcntl(F_SETLKW) waiting for a conflicting lock, interrupted by a handler "
            "installed without SA_RESTART, fails with EINTR") {
  ExpectSetlkw(0);
}

SIGIPC_TEST(Interruption, FlockRestartedUnderSaRestart, "injection.interrupt.flock.restart",
            "Linux-only, signal(7); flock(2)",
            "A flock(LOCK_EX) waiting for a conflicting lock, interrupted by a handler installed "
            "with SA_RESTART, is restarted and gets the lock once it is released") {
  ExpectFlock(SA_RESTART);
}

SIGIPC_TEST(Interruption, FlockFailsWithEintrWithoutSaRestart, "injection.interrupt.flock.eintr",
            "Linux-only, flock(2) [EINTR]",
            "A flock(LOCK_EX) waiting for a conflicting lock, interrupted by a handler installed "
            "without SA_RESTART, fails with EINTR") {
  ExpectFlock(0);
}

}  // namespace
}  // namespace sigipc
