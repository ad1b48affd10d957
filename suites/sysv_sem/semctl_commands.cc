// semctl() value commands (GETVAL/SETVAL/GETALL/SETALL/GETPID), IPC_STAT
// times, IPC_SET, IPC_RMID and argument errors. XSH semctl().
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/id_map.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::ipc_info;
using sysv_sem::op1;
using sysv_sem::semun;
using sysv_sem::Set;
using sysv_sem::set_val;
using sysv_sem::stat_of;
using sysv_sem::val;

int setall(int id, unsigned short* v) {
  semun u{};
  u.array = v;
  return semctl(id, 0, SETALL, u);
}

int setval(int id, int num, int v) {
  semun u{};
  u.val = v;
  return semctl(id, num, SETVAL, u);
}

SIGIPC_TEST(SysvSemCtl, SetvalThenGetvalReturnsValue, "sysv_sem.ctl.setval-getval", "XSH semctl()",
            "SETVAL sets semval of semaphore semnum and GETVAL returns it") {
  Set s(3);
  ASSERT_EQ(setval(s.get(), 1, 9), 0);
  EXPECT_EQ(semctl(s.get(), 1, GETVAL), 9);
  EXPECT_EQ(semctl(s.get(), 0, GETVAL), 0) << "SETVAL touched another semaphore";
  EXPECT_EQ(semctl(s.get(), 2, GETVAL), 0) << "SETVAL touched another semaphore";
}

SIGIPC_TEST(SysvSemCtl, SetvalAboveSemvmxFailsWithErange, "sysv_sem.ctl.setval-erange-high",
            "XSH semctl()",
            "SETVAL to a value greater than the system maximum (SEMVMX) fails with ERANGE") {
  int semvmx = ipc_info().semvmx;
  Set s(1);
  EXPECT_FAILS_WITH(setval(s.get(), 0, semvmx + 1), ERANGE);
  EXPECT_EQ(val(s.get(), 0), 0);
}

SIGIPC_TEST(SysvSemCtl, SetvalAtSemvmxIsAccepted, "sysv_sem.ctl.setval-semvmx-ok", "XSH semctl()",
            "SETVAL to exactly SEMVMX succeeds (the limit is inclusive)") {
  int semvmx = ipc_info().semvmx;
  Set s(1);
  EXPECT_EQ(setval(s.get(), 0, semvmx), 0);
  EXPECT_EQ(val(s.get(), 0), semvmx);
}

SIGIPC_TEST(SysvSemCtl, SetvalNegativeFailsWithErange, "sysv_sem.ctl.setval-erange-negative",
            "Linux-only, semctl(2)", "SETVAL to a negative value fails with ERANGE") {
  Set s(1);
  EXPECT_FAILS_WITH(setval(s.get(), 0, -1), ERANGE);
}

SIGIPC_TEST(SysvSemCtl, SetallThenGetallRoundTrips, "sysv_sem.ctl.setall-getall", "XSH semctl()",
            "SETALL sets every semval from the array and GETALL copies them all back") {
  Set s(4);
  unsigned short in[4] = {4, 0, 11, 2};
  ASSERT_EQ(setall(s.get(), in), 0);
  unsigned short out[4] = {99, 99, 99, 99};
  semun u{};
  u.array = out;
  ASSERT_EQ(semctl(s.get(), 0, GETALL, u), 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], in[i]) << "semaphore " << i;
  EXPECT_EQ(val(s.get(), 2), 11);
}

SIGIPC_TEST(SysvSemCtl, SetallAboveSemvmxFailsWithErange, "sysv_sem.ctl.setall-erange",
            "XSH semctl()", "SETALL with a value greater than SEMVMX fails with ERANGE") {
  int semvmx = ipc_info().semvmx;
  if (semvmx >= 65535) SIGIPC_UNSUPPORTED("SEMVMX fills unsigned short: SETALL cannot exceed it");
  Set s(2);
  unsigned short in[2] = {1, static_cast<unsigned short>(semvmx + 1)};
  EXPECT_FAILS_WITH(setall(s.get(), in), ERANGE);
}

SIGIPC_TEST(SysvSemCtl, GetpidIsPidOfLastSemop, "sysv_sem.ctl.getpid-last-op", "XSH semctl()",
            "GETPID returns the process ID of the last process that performed semop() on the "
            "semaphore") {
  Set s(1);
  Child child([&] { CHILD_CHECK_EQ(op1(s.get(), 0, 1), 0); });
  ASSERT_CHILD_OK(child.wait());
  EXPECT_EQ(semctl(s.get(), 0, GETPID), child.pid());
  ASSERT_EQ(op1(s.get(), 0, -1), 0);
  EXPECT_EQ(semctl(s.get(), 0, GETPID), getpid());
}

SIGIPC_TEST(SysvSemCtl, OtimeIsSetBySemop, "sysv_sem.ctl.otime-updated-by-semop", "XSH semop()",
            "A successful semop() sets sem_otime to the current time") {
  Set s(1);
  StampWindow w;
  ASSERT_EQ(op1(s.get(), 0, 1), 0);
  EXPECT_STAMP_CURRENT(w, stat_of(s.get()).sem_otime);
}

SIGIPC_TEST(SysvSemCtl, FailedSemopLeavesOtime, "sysv_sem.ctl.otime-unchanged-on-failure",
            "XSH semop()",
            "A semop() that fails (EAGAIN) does not update sem_otime: it stays 0 on a new set") {
  Set s(1);
  EXPECT_FAILS_WITH(op1(s.get(), 0, -1, IPC_NOWAIT), EAGAIN);
  EXPECT_EQ(stat_of(s.get()).sem_otime, 0);
}

SIGIPC_TEST_T(SysvSemCtl, SetvalUpdatesCtime, 15.0, "sysv_sem.ctl.ctime-updated-by-setval",
              "Linux-only, semctl(2)", "SETVAL sets sem_ctime to the current time") {
  Set s(1);
  StampWindow w = StampWindow::after(stat_of(s.get()).sem_ctime);
  set_val(s.get(), 0, 1);
  EXPECT_STAMP_CURRENT(w, stat_of(s.get()).sem_ctime);
}

SIGIPC_TEST_T(SysvSemCtl, IpcSetUpdatesCtime, 15.0, "sysv_sem.ctl.ctime-updated-by-ipc-set",
              "XSH semctl()", "IPC_SET sets sem_ctime to the current time") {
  Set s(1);
  struct semid_ds ds = stat_of(s.get());
  StampWindow w = StampWindow::after(ds.sem_ctime);
  ds.sem_perm.mode = 0640;
  semun u{};
  u.buf = &ds;
  ASSERT_EQ(semctl(s.get(), 0, IPC_SET, u), 0);
  EXPECT_STAMP_CURRENT(w, stat_of(s.get()).sem_ctime);
}

SIGIPC_TEST(SysvSemCtl, IpcSetChangesModeLowNineBitsOnly, "sysv_sem.ctl.ipc-set-mode",
            "XSH semctl()",
            "IPC_SET sets only the low-order nine bits of sem_perm.mode from the buffer") {
  Set s(1);
  struct semid_ds ds = stat_of(s.get());
  mode_t before = ds.sem_perm.mode;
  ds.sem_perm.mode = 07604;
  semun u{};
  u.buf = &ds;
  ASSERT_EQ(semctl(s.get(), 0, IPC_SET, u), 0);
  mode_t after = stat_of(s.get()).sem_perm.mode;
  EXPECT_EQ(after & 0777, 0604u);
  EXPECT_EQ(after & ~0777u, before & ~0777u) << "bits above the low nine changed";
}

SIGIPC_TEST(SysvSemCtl, IpcSetChangesOwnerUidGid, "sysv_sem.ctl.ipc-set-owner", "XSH semctl()",
            "IPC_SET sets sem_perm.uid and sem_perm.gid; the creator ids stay") {
  SIGIPC_REQUIRE_IDS(12345, 23456);
  Set s(1);
  struct semid_ds ds = stat_of(s.get());
  ds.sem_perm.uid = 12345;
  ds.sem_perm.gid = 23456;
  semun u{};
  u.buf = &ds;
  ASSERT_EQ(semctl(s.get(), 0, IPC_SET, u), 0);
  struct semid_ds now = stat_of(s.get());
  EXPECT_EQ(now.sem_perm.uid, 12345u);
  EXPECT_EQ(now.sem_perm.gid, 23456u);
  EXPECT_EQ(now.sem_perm.cuid, geteuid());
  EXPECT_EQ(now.sem_perm.cgid, getegid());
}

SIGIPC_TEST(SysvSemCtl, IpcRmidRemovesTheSet, "sysv_sem.ctl.rmid-removes", "XSH semctl()",
            "IPC_RMID removes the set: its identifier no longer works (EINVAL or EIDRM)") {
  Set s(1);
  int id = s.get();
  ASSERT_EQ(semctl(id, 0, IPC_RMID), 0);
  s.id.reset();
  errno = 0;
  EXPECT_EQ(semctl(id, 0, GETVAL), -1);
  EXPECT_TRUE(errno == EINVAL || errno == EIDRM) << ErrnoText(errno);
}

SIGIPC_TEST(SysvSemCtl, InvalidCommandFailsWithEinval, "sysv_sem.ctl.einval-cmd", "XSH semctl()",
            "semctl() with a cmd that is not a valid command fails with EINVAL") {
  Set s(1);
  EXPECT_FAILS_WITH(semctl(s.get(), 0, 0x7fff), EINVAL);
}

SIGIPC_TEST(SysvSemCtl, InvalidSemidFailsWithEinval, "sysv_sem.ctl.einval-semid", "XSH semctl()",
            "semctl() with a semid that is not a semaphore identifier fails with EINVAL") {
  EXPECT_FAILS_WITH(semctl(-1, 0, GETVAL), EINVAL);
}

SIGIPC_TEST(SysvSemCtl, SemnumOutOfRangeFailsWithEinval, "sysv_sem.ctl.einval-semnum",
            "XSH semctl()", "GETVAL with semnum not less than sem_nsems fails with EINVAL") {
  Set s(2);
  EXPECT_FAILS_WITH(semctl(s.get(), 2, GETVAL), EINVAL);
}

SIGIPC_TEST(SysvSemCtl, NegativeSemnumFailsWithEinval, "sysv_sem.ctl.einval-negative-semnum",
            "XSH semctl()", "SETVAL with a negative semnum fails with EINVAL") {
  Set s(2);
  EXPECT_FAILS_WITH(setval(s.get(), -1, 1), EINVAL);
}

SIGIPC_TEST(SysvSemCtl, GetncntSemnumOutOfRangeFailsWithEinval,
            "sysv_sem.ctl.einval-semnum-getncnt", "XSH semctl()",
            "GETNCNT with semnum not less than sem_nsems fails with EINVAL") {
  Set s(1);
  EXPECT_FAILS_WITH(semctl(s.get(), 1, GETNCNT), EINVAL);
}

}  // namespace
}  // namespace sigipc
