// Permission rules: read and alter permission for semget(), semop() and
// semctl(), and owner-only IPC_SET/IPC_RMID. Each check runs in a child that
// dropped root to nobody, which has no IPC capabilities. XSH semget(), XSH
// semop(), XSH semctl(), XBD 4.x IPC permissions.
#include <sys/sem.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::op1;
using sysv_sem::semun;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::stat_of;
using sysv_sem::val;

WaitStatus AsNobody(const std::function<void()>& body) {
  return RunAsUser(kNobodyUid, kNobodyGid, body);
}

SIGIPC_TEST(SysvSemPerm, SemgetDeniedModeFailsWithEacces, "sysv_sem.perm.semget-eacces",
            "XSH semget()",
            "semget() of an existing key asking for permissions (semflg's low nine bits) the "
            "caller lacks fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0600);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(semget(s.key, 1, 0600), EACCES); }));
}

SIGIPC_TEST(SysvSemPerm, SemgetChecksOnlyRequestedBits, "sysv_sem.perm.semget-requested-only",
            "XSH semget()",
            "semget() checks only the permissions semflg asks for: semflg 0 finds a set the "
            "caller may not read or alter") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0600);
  int id = s.get();
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_EQ(semget(s.key, 1, 0), id); }));
}

SIGIPC_TEST(SysvSemPerm, SemopAlterWithoutWriteFailsWithEacces, "sysv_sem.perm.semop-alter-eacces",
            "XSH semop()",
            "sem_op != 0 needs alter permission: without it semop() fails with EACCES and "
            "semval is unchanged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0644);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(op1(s.get(), 0, 1, IPC_NOWAIT), EACCES); }));
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemPerm, SemopAlterWithWriteOnlySucceeds, "sysv_sem.perm.semop-alter-granted",
            "XSH semop()",
            "Alter permission alone suffices for sem_op > 0 (read permission is not needed)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0622);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 1, IPC_NOWAIT), 0); }));
  EXPECT_EQ(val(s.get(), 0), 1);
}

SIGIPC_TEST(SysvSemPerm, SemopWaitForZeroWithoutReadFailsWithEacces,
            "sysv_sem.perm.semop-zero-needs-read", "XSH semop()",
            "sem_op == 0 needs read permission: without it semop() fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0622);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(op1(s.get(), 0, 0, IPC_NOWAIT), EACCES); }));
}

SIGIPC_TEST(SysvSemPerm, SemopWaitForZeroWithReadSucceeds, "sysv_sem.perm.semop-zero-read-granted",
            "XSH semop()",
            "Read permission alone suffices for sem_op == 0 (alter permission is not needed)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0644);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 0, IPC_NOWAIT), 0); }));
}

SIGIPC_TEST(SysvSemPerm, GetvalWithoutReadFailsWithEacces, "sysv_sem.perm.getval-needs-read",
            "XSH semctl()", "GETVAL without read permission fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0622);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(semctl(s.get(), 0, GETVAL), EACCES); }));
}

SIGIPC_TEST(SysvSemPerm, IpcStatWithoutReadFailsWithEacces, "sysv_sem.perm.ipc-stat-needs-read",
            "XSH semctl()", "IPC_STAT without read permission fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0600);
  EXPECT_CHILD_OK(AsNobody([&] {
    struct semid_ds ds {};
    semun u{};
    u.buf = &ds;
    CHILD_CHECK_ERRNO(semctl(s.get(), 0, IPC_STAT, u), EACCES);
  }));
}

SIGIPC_TEST(SysvSemPerm, SetvalWithoutAlterFailsWithEacces, "sysv_sem.perm.setval-needs-alter",
            "XSH semctl()",
            "SETVAL without alter permission fails with EACCES and semval is unchanged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0644);
  EXPECT_CHILD_OK(AsNobody([&] {
    semun u{};
    u.val = 3;
    CHILD_CHECK_ERRNO(semctl(s.get(), 0, SETVAL, u), EACCES);
  }));
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemPerm, GetallWithoutReadFailsWithEacces, "sysv_sem.perm.getall-needs-read",
            "XSH semctl()", "GETALL without read permission fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(2, 0622);
  EXPECT_CHILD_OK(AsNobody([&] {
    unsigned short v[2];
    semun u{};
    u.array = v;
    CHILD_CHECK_ERRNO(semctl(s.get(), 0, GETALL, u), EACCES);
  }));
}

SIGIPC_TEST(SysvSemPerm, IpcSetByNonOwnerFailsWithEperm, "sysv_sem.perm.ipc-set-eperm",
            "XSH semctl()",
            "IPC_SET by a process that is neither owner nor creator nor privileged fails with "
            "EPERM, even with full permission bits") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0666);
  struct semid_ds ds = stat_of(s.get());
  EXPECT_CHILD_OK(AsNobody([&] {
    struct semid_ds mine = ds;
    mine.sem_perm.mode = 0600;
    semun u{};
    u.buf = &mine;
    CHILD_CHECK_ERRNO(semctl(s.get(), 0, IPC_SET, u), EPERM);
  }));
  EXPECT_EQ(stat_of(s.get()).sem_perm.mode & 0777, 0666u);
}

SIGIPC_TEST(SysvSemPerm, IpcRmidByNonOwnerFailsWithEperm, "sysv_sem.perm.ipc-rmid-eperm",
            "XSH semctl()",
            "IPC_RMID by a process that is neither owner nor creator nor privileged fails with "
            "EPERM and the set remains") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0666);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(semctl(s.get(), 0, IPC_RMID), EPERM); }));
  EXPECT_SUCCEEDS(semctl(s.get(), 0, GETVAL));
}

// Hands the set to nobody (sem_perm.uid), as root may.
void give_to_nobody(int id) {
  struct semid_ds ds = stat_of(id);
  ds.sem_perm.uid = kNobodyUid;
  semun u{};
  u.buf = &ds;
  SETUP_OK(semctl(id, 0, IPC_SET, u));
}

SIGIPC_TEST(SysvSemPerm, IpcSetByOwnerSucceeds, "sysv_sem.perm.ipc-set-by-owner", "XSH semctl()",
            "The owner (sem_perm.uid), though not the creator, may IPC_SET the set") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0600);
  give_to_nobody(s.get());
  struct semid_ds ds = stat_of(s.get());
  EXPECT_CHILD_OK(AsNobody([&] {
    struct semid_ds mine = ds;
    mine.sem_perm.mode = 0640;
    semun u{};
    u.buf = &mine;
    CHILD_CHECK_EQ(semctl(s.get(), 0, IPC_SET, u), 0);
  }));
  EXPECT_EQ(stat_of(s.get()).sem_perm.mode & 0777, 0640u);
}

SIGIPC_TEST(SysvSemPerm, IpcRmidByOwnerSucceeds, "sysv_sem.perm.ipc-rmid-by-owner", "XSH semctl()",
            "The owner (sem_perm.uid), though not the creator, may IPC_RMID the set") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0600);
  give_to_nobody(s.get());
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_EQ(semctl(s.get(), 0, IPC_RMID), 0); }));
  if (semctl(s.get(), 0, GETVAL) == -1) s.id.reset();
  EXPECT_FAILS_WITH(semget(s.key, 1, 0), ENOENT);
}

SIGIPC_TEST(SysvSemPerm, OwnerPermissionBitsApplyToOwner, "sysv_sem.perm.owner-bits",
            "XSH semctl()",
            "Access by the owner is decided by the owner bits: a set owned by nobody with mode "
            "0200 lets nobody alter but not read") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0600);
  give_to_nobody(s.get());
  struct semid_ds ds = stat_of(s.get());
  ds.sem_perm.mode = 0200;
  semun u{};
  u.buf = &ds;
  ASSERT_EQ(semctl(s.get(), 0, IPC_SET, u), 0);
  EXPECT_CHILD_OK(AsNobody([&] {
    CHILD_CHECK_EQ(op1(s.get(), 0, 1, IPC_NOWAIT), 0);
    CHILD_CHECK_ERRNO(semctl(s.get(), 0, GETVAL), EACCES);
  }));
}

SIGIPC_TEST(SysvSemPerm, SetallWithoutAlterFailsWithEacces, "sysv_sem.perm.setall-needs-alter",
            "XSH semctl()",
            "SETALL without alter permission fails with EACCES and the values are unchanged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(2, 0644);
  EXPECT_CHILD_OK(AsNobody([&] {
    unsigned short v[2] = {1, 2};
    semun u{};
    u.array = v;
    CHILD_CHECK_ERRNO(semctl(s.get(), 0, SETALL, u), EACCES);
  }));
  EXPECT_EQ(val(s.get(), 1), 0);
}

SIGIPC_TEST(SysvSemPerm, GetncntWithoutReadFailsWithEacces, "sysv_sem.perm.getncnt-needs-read",
            "XSH semctl()", "GETNCNT without read permission fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0622);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(semctl(s.get(), 0, GETNCNT), EACCES); }));
}

SIGIPC_TEST(SysvSemPerm, GetpidWithoutReadFailsWithEacces, "sysv_sem.perm.getpid-needs-read",
            "XSH semctl()", "GETPID without read permission fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0622);
  EXPECT_CHILD_OK(AsNobody([&] { CHILD_CHECK_ERRNO(semctl(s.get(), 0, GETPID), EACCES); }));
}

SIGIPC_TEST(SysvSemPerm, ReadWithReadOnlyModeSucceeds, "sysv_sem.perm.getval-read-granted",
            "XSH semctl()", "Read permission alone suffices for GETVAL and IPC_STAT") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Set s(1, 0644);
  set_val(s.get(), 0, 6);
  EXPECT_CHILD_OK(AsNobody([&] {
    CHILD_CHECK_EQ(semctl(s.get(), 0, GETVAL), 6);
    struct semid_ds ds {};
    semun u{};
    u.buf = &ds;
    CHILD_CHECK_EQ(semctl(s.get(), 0, IPC_STAT, u), 0);
    CHILD_CHECK_EQ(ds.sem_nsems, 1);
  }));
}

}  // namespace
}  // namespace sigipc
