// Opening a FIFO is checked against its permission bits like any file
// (XSH open() [EACCES]): root creates the FIFO in the 1777 test folder and an
// unprivileged child tries to open it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/fifos/fifo_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(FifoPermissions, OpenForReadWithoutReadPermissionFailsWithEacces,
            "fifo.open.eacces-read", "XSH open()",
            "open() of a FIFO for reading fails with EACCES when its mode denies the caller "
            "read permission (0600 FIFO of another user)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  fifos::UmaskGuard um(022);
  TempFifo f(0600);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(open(f.path(), O_RDONLY | O_NONBLOCK), EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(FifoPermissions, OpenForWriteWithoutWritePermissionFailsWithEacces,
            "fifo.open.eacces-write", "XSH open()",
            "open() of a FIFO for writing fails with EACCES when its mode denies the caller "
            "write permission, even while a reader has it open") {
  SIGIPC_REQUIRE_USER_SWITCH();
  fifos::UmaskGuard um(022);
  TempFifo f(0644);  // nobody may read, not write
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(open(f.path(), O_WRONLY | O_NONBLOCK), EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(FifoPermissions, PermissionBitsGrantOtherUsersAccess, "fifo.open.mode-grants-others",
            "XSH open()",
            "A FIFO whose mode grants others read and write access can be opened for both by "
            "another user, and carries data between them") {
  SIGIPC_REQUIRE_USER_SWITCH();
  fifos::UmaskGuard um(0);
  TempFifo f(0666);
  UniqueFd rd(SETUP_OK(open(f.path(), O_RDONLY | O_NONBLOCK)));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    int r = open(f.path(), O_RDONLY | O_NONBLOCK);
    CHILD_CHECK(r >= 0);
    int w = open(f.path(), O_WRONLY | O_NONBLOCK);
    CHILD_CHECK(w >= 0);
    CHILD_CHECK_EQ(write(w, "u", 1), 1);
    close(w);
    close(r);
  });
  ASSERT_CHILD_OK(st);
  char b = 0;
  EXPECT_EQ(read(rd.get(), &b, 1), 1);
  EXPECT_EQ(b, 'u');
}

}  // namespace
}  // namespace sigipc
