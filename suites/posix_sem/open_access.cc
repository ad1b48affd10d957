// Who may open a named semaphore: permission bits from mode & ~umask, the
// EACCES error, and unrelated processes meeting through the name.
// XSH sem_open(); glibc's file in /dev/shm (sem_overview(7)).
#include <fcntl.h>
#include <semaphore.h>
#include <sys/stat.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::create_named;
using posix_sem::ScopedUmask;
using posix_sem::value_of;

// In the nobody child: sem_open(name) without O_CREAT must fail with EACCES.
void nobody_open_denied(const char* name) {
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    sem_t* s = sem_open(name, 0);
    int e = errno;
    CHILD_CHECK(s == SEM_FAILED);
    CHILD_CHECK_EQ(e, EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixSemAccess, OpenDeniedByPermissionsFailsWithEacces,
            "posix_sem.open.eacces-permission", "XSH sem_open()",
            "sem_open() of an existing semaphore whose permission bits deny the caller fails "
            "with EACCES (a 0600 root semaphore, opened by nobody)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  SemName n;
  ScopedUmask um(0);
  SemHandle h(create_named(n, 0600, 0));
  nobody_open_denied(n.c_str());
}

SIGIPC_TEST(PosixSemAccess, OpenGrantedByPermissionsSucceedsForOtherUser,
            "posix_sem.open.permission-grants-others", "XSH sem_open()",
            "The permission bits of mode grant access: a 0666 semaphore can be opened and used "
            "by another user") {
  SIGIPC_REQUIRE_USER_SWITCH();
  SemName n;
  ScopedUmask um(0);
  SemHandle h(create_named(n, 0666, 0));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    sem_t* s = sem_open(n.c_str(), 0);
    CHILD_CHECK(s != SEM_FAILED);
    CHILD_CHECK_OK(sem_post(s));
  });
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(value_of(h.get()), 1);
}

SIGIPC_TEST(PosixSemAccess, CreateModeIsMaskedByUmask, "posix_sem.open.mode-masked-by-umask",
            "XSH sem_open()",
            "The semaphore's permission bits are mode with the umask's bits cleared: 0666 under "
            "umask 077 denies other users") {
  SIGIPC_REQUIRE_USER_SWITCH();
  SemName n;
  ScopedUmask um(077);
  SemHandle h(create_named(n, 0666, 0));
  nobody_open_denied(n.c_str());
}

SIGIPC_TEST(PosixSemAccess, CreateOfExistingNameIgnoresMode,
            "posix_sem.open.create-existing-ignores-mode", "XSH sem_open()",
            "O_CREAT on an existing name does not change its permissions: a 0600 semaphore "
            "reopened with mode 0666 still denies other users") {
  SIGIPC_REQUIRE_USER_SWITCH();
  SemName n;
  ScopedUmask um(0);
  SemHandle first(create_named(n, 0600, 0));
  sem_t* again = sem_open(n.c_str(), O_CREAT, 0666, 0);
  ASSERT_NE(again, SEM_FAILED) << ErrnoText(errno);
  sem_close(again);
  nobody_open_denied(n.c_str());
}

SIGIPC_TEST(PosixSemAccess, GlibcKeepsNamedSemaphoreAsDevShmSemFile,
            "posix_sem.glibc.dev-shm-file-mode", "Linux-only (glibc), sem_overview(7)",
            "glibc keeps a named semaphore /name as the file /dev/shm/sem.name, with mode & "
            "~umask as its permission bits") {
  REQUIRE_GLIBC_SEM_FILE();
  SemName n;
  ScopedUmask um(022);
  SemHandle h(create_named(n, 0666, 0));
  struct stat st {};
  ASSERT_EQ(stat(posix_sem::glibc_sem_file(n).c_str(), &st), 0)
      << posix_sem::glibc_sem_file(n) << ": " << ErrnoText(errno);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

// Unrelated processes: the helper is a fresh program image that only knows
// the name. It posts once and reports the value it saw before posting.
SIGIPC_EXEC_HELPER(psem_open_and_post) {
  if (args.size() != 1) return 3;
  sem_t* s = sem_open(args[0].c_str(), 0);
  if (s == SEM_FAILED) return 4;
  int v = -1;
  if (sem_getvalue(s, &v) != 0 || v != 5) return 5;
  if (sem_post(s) != 0) return 6;
  sem_close(s);
  return 0;
}

SIGIPC_TEST(PosixSemAccess, NamedSemaphoreIsSharedByUnrelatedProcesses,
            "posix_sem.open.shared-by-name", "XSH sem_open()",
            "Any process that knows the name can use the semaphore: an exec'd program opening "
            "the name sees its value (5) and its sem_post() reaches the creator") {
  SemName n;
  SemHandle h(create_named(n, 0600, 5));
  ExecArgv argv("psem_open_and_post", {n.str()});
  Child c([&] {
    argv.exec();
    child_exit(kChildSetupErrorExit);
  });
  WaitStatus st = c.wait();
  ASSERT_TRUE(st.exited()) << st.describe();
  ASSERT_NE(st.exit_code(), 4) << "the helper could not open the name";
  EXPECT_NE(st.exit_code(), 5) << "the helper did not see value 5";
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(value_of(h.get()), 6);
}

}  // namespace
}  // namespace sigipc
