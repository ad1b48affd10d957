// sem_unlink(): the name goes at once, the semaphore lives on while open.
// XSH sem_unlink().
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <sys/stat.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::create_named;
using posix_sem::value_of;

SIGIPC_TEST(PosixSemUnlink, UnlinkRemovesTheNameAtOnce, "posix_sem.unlink.removes-name",
            "XSH sem_unlink()",
            "sem_unlink() returns 0 and removes the name immediately, even while the semaphore "
            "is open: sem_open() without O_CREAT then fails with ENOENT") {
  SemName n;
  SemHandle h(create_named(n, 0600, 0));
  EXPECT_EQ(sem_unlink(n.c_str()), 0);
  sem_t* s = sem_open(n.c_str(), 0);
  int e = errno;
  SemHandle guard(s);
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_EQ(e, ENOENT) << ErrnoText(e);
}

SIGIPC_TEST(PosixSemUnlink, OpenHandlesKeepWorkingAfterUnlink,
            "posix_sem.unlink.open-handles-keep-working", "XSH sem_unlink()",
            "Destruction of an unlinked semaphore is postponed until all references are closed: "
            "an open handle still posts, waits and reads the value") {
  SemName n;
  SemHandle h(create_named(n, 0600, 1));
  ASSERT_SUCCEEDS(sem_unlink(n.c_str()));
  EXPECT_SUCCEEDS(sem_post(h.get()));
  EXPECT_EQ(value_of(h.get()), 2);
  EXPECT_SUCCEEDS(sem_wait(h.get()));
  EXPECT_SUCCEEDS(sem_trywait(h.get()));
  EXPECT_FAILS_WITH(sem_trywait(h.get()), EAGAIN);
}

SIGIPC_TEST(PosixSemUnlink, UnlinkedSemaphoreStillConnectsProcessesThatHaveItOpen,
            "posix_sem.unlink.other-process-reference", "XSH sem_unlink()",
            "A process that has the semaphore open when it is unlinked keeps using the same "
            "semaphore: its post after the unlink reaches the other opener") {
  SemName n;
  SemHandle h(create_named(n, 0600, 0));
  Gate unlinked;
  Child c([&] {
    unlinked.wait();
    CHILD_CHECK_OK(sem_post(h.get()));
  });
  ASSERT_SUCCEEDS(sem_unlink(n.c_str()));
  unlinked.open();
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(value_of(h.get()), 1);
}

SIGIPC_TEST(PosixSemUnlink, RecreatedNameIsADistinctSemaphore, "posix_sem.unlink.recreate-distinct",
            "XSH sem_unlink()",
            "After sem_unlink(), sem_open() with O_CREAT of the same name creates a new "
            "semaphore, independent of the one still open") {
  SemName n;
  SemHandle old_sem(create_named(n, 0600, 3));
  ASSERT_SUCCEEDS(sem_unlink(n.c_str()));
  SemHandle fresh(sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, 0));
  ASSERT_NE(fresh.get(), SEM_FAILED) << "O_EXCL create after unlink: " << ErrnoText(errno);
  EXPECT_EQ(value_of(fresh.get()), 0);
  ASSERT_SUCCEEDS(sem_post(fresh.get()));
  EXPECT_EQ(value_of(old_sem.get()), 3) << "a post on the new semaphore reached the old one";
  EXPECT_EQ(value_of(fresh.get()), 1);
}

SIGIPC_TEST(PosixSemUnlink, UnlinkOfMissingNameFailsWithEnoent, "posix_sem.unlink.missing-enoent",
            "XSH sem_unlink()", "sem_unlink() of a name that does not exist fails with ENOENT") {
  SemName n;
  EXPECT_FAILS_WITH(sem_unlink(n.c_str()), ENOENT);
}

SIGIPC_TEST(PosixSemUnlink, SecondUnlinkFailsWithEnoent, "posix_sem.unlink.twice-enoent",
            "XSH sem_unlink()",
            "Once unlinked, the name is gone: a second sem_unlink() fails with ENOENT while the "
            "semaphore is still open") {
  SemName n;
  SemHandle h(create_named(n, 0600, 0));
  ASSERT_SUCCEEDS(sem_unlink(n.c_str()));
  EXPECT_FAILS_WITH(sem_unlink(n.c_str()), ENOENT);
}

SIGIPC_TEST(PosixSemUnlink, UnlinkDeniedFailsWithEacces, "posix_sem.unlink.eacces-permission",
            "XSH sem_unlink()",
            "sem_unlink() by a process without permission to unlink the semaphore fails with "
            "EACCES (nobody unlinking root's semaphore) and the name stays") {
  SIGIPC_REQUIRE_USER_SWITCH();
  SemName n;
  posix_sem::ScopedUmask um(0);
  SemHandle h(create_named(n, 0600, 0));
  WaitStatus st =
      RunAsUser(kNobodyUid, kNobodyGid, [&] { CHILD_CHECK_ERRNO(sem_unlink(n.c_str()), EACCES); });
  EXPECT_CHILD_OK(st);
  SemHandle again(sem_open(n.c_str(), 0));
  EXPECT_NE(again.get(), SEM_FAILED) << "the name was removed: " << ErrnoText(errno);
}

// ENAMETOOLONG is a "may fail" error of sem_unlink(); no semaphore can have
// such a name, so the "shall fail" ENOENT is conforming too.
SIGIPC_TEST(PosixSemUnlink, OverlongNameIsRejected, "posix_sem.unlink.overlong-name-rejected",
            "XSH sem_unlink()",
            "sem_unlink() of a name with a component longer than {NAME_MAX} fails with "
            "ENAMETOOLONG (may fail) or ENOENT (no such semaphore)") {
  std::string name = "/" + std::string(NAME_MAX + 8, 'u');
  errno = 0;
  int r = sem_unlink(name.c_str());
  int e = errno;
  EXPECT_EQ(r, -1);
  EXPECT_TRUE(e == ENAMETOOLONG || e == ENOENT) << "errno " << ErrnoText(e);
}

SIGIPC_TEST(PosixSemUnlink, GlibcUnlinkRemovesDevShmSemFile, "posix_sem.glibc.unlink-removes-file",
            "Linux-only (glibc), sem_overview(7)",
            "glibc's sem_unlink() removes the semaphore's file /dev/shm/sem.name") {
  REQUIRE_GLIBC_SEM_FILE();
  SemName n;
  SemHandle h(create_named(n, 0600, 0));
  struct stat st {};
  ASSERT_EQ(stat(posix_sem::glibc_sem_file(n).c_str(), &st), 0) << ErrnoText(errno);
  ASSERT_SUCCEEDS(sem_unlink(n.c_str()));
  EXPECT_EQ(stat(posix_sem::glibc_sem_file(n).c_str(), &st), -1);
  EXPECT_EQ(errno, ENOENT);
}

}  // namespace
}  // namespace sigipc
