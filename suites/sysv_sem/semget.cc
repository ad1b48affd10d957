// semget(): creating and looking up semaphore sets, and the state of a new
// set as IPC_STAT reports it. XSH semget().
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/names.h"
#include "fixtures/probes.h"
#include "fixtures/registry.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_sem/sysv_sem_helpers.h"

namespace sigipc {
namespace {

using sysv_sem::Set;
using sysv_sem::stat_of;

SIGIPC_TEST(SysvSemGet, IpcPrivateCreatesANewSetEachTime, "sysv_sem.get.private-new-set",
            "XSH semget()",
            "semget(IPC_PRIVATE, ...) creates a new semaphore set each call: two calls give two "
            "distinct identifiers") {
  int a = semget(IPC_PRIVATE, 1, 0600);
  ASSERT_SUCCEEDS(a);
  SysvId ga(SysvId::kSem, a);
  int b = semget(IPC_PRIVATE, 1, 0600);
  ASSERT_SUCCEEDS(b);
  SysvId gb(SysvId::kSem, b);
  EXPECT_NE(a, b);
}

SIGIPC_TEST(SysvSemGet, CreatWithExistingKeyReturnsSameId, "sysv_sem.get.creat-existing-same-id",
            "XSH semget()",
            "semget(key, n, IPC_CREAT) for a key that already has a set returns that set's "
            "identifier instead of creating another") {
  Set s(2);
  EXPECT_EQ(semget(s.key, 2, IPC_CREAT | 0600), s.get());
}

SIGIPC_TEST(SysvSemGet, KeyWithoutCreatFindsExistingSet, "sysv_sem.get.lookup-existing",
            "XSH semget()",
            "semget(key, n, 0) for a key that has a set returns that set's identifier") {
  Set s(2);
  EXPECT_EQ(semget(s.key, 2, 0), s.get());
}

SIGIPC_TEST(SysvSemGet, CreatExclOnExistingKeyFailsWithEexist, "sysv_sem.get.excl-eexist",
            "XSH semget()",
            "IPC_CREAT|IPC_EXCL for a key that already has a set fails with EEXIST") {
  Set s(1);
  EXPECT_FAILS_WITH(semget(s.key, 1, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
}

SIGIPC_TEST(SysvSemGet, MissingKeyWithoutCreatFailsWithEnoent, "sysv_sem.get.missing-enoent",
            "XSH semget()",
            "semget() of a key with no set and without IPC_CREAT fails with ENOENT") {
  key_t k = UniqueKey();
  EXPECT_FAILS_WITH(semget(k, 1, 0600), ENOENT);
}

SIGIPC_TEST(SysvSemGet, ZeroNsemsOnCreateFailsWithEinval, "sysv_sem.get.create-zero-nsems-einval",
            "XSH semget()", "Creating a set with nsems equal to 0 fails with EINVAL") {
  key_t k = UniqueKey();
  int r = semget(k, 0, IPC_CREAT | IPC_EXCL | 0600);
  SysvId guard(SysvId::kSem, r);  // removes it should the platform create one
  EXPECT_EQ(r, -1);
  EXPECT_EQ(errno, EINVAL) << ErrnoText(errno);
}

SIGIPC_TEST(SysvSemGet, NegativeNsemsFailsWithEinval, "sysv_sem.get.negative-nsems-einval",
            "XSH semget()", "semget() with a negative nsems fails with EINVAL") {
  int r = semget(IPC_PRIVATE, -1, 0600);
  SysvId guard(SysvId::kSem, r);
  EXPECT_EQ(r, -1);
  EXPECT_EQ(errno, EINVAL) << ErrnoText(errno);
}

SIGIPC_TEST(SysvSemGet, NsemsAboveSemmslFailsWithEinval, "sysv_sem.get.nsems-above-limit-einval",
            "XSH semget()",
            "nsems greater than the system limit (SEMMSL, /proc/sys/kernel/sem) fails with "
            "EINVAL") {
  Limits l = probe_limits();
  if (l.sem_semmsl <= 0) SIGIPC_UNSUPPORTED("SEMMSL not readable from /proc/sys/kernel/sem");
  if (l.sem_semmsl >= 0x7fffffff) SIGIPC_UNSUPPORTED("SEMMSL is INT_MAX: no nsems exceeds it");
  int r = semget(IPC_PRIVATE, static_cast<int>(l.sem_semmsl + 1), 0600);
  SysvId guard(SysvId::kSem, r);
  EXPECT_EQ(r, -1) << "SEMMSL is " << l.sem_semmsl;
  EXPECT_EQ(errno, EINVAL) << ErrnoText(errno);
}

SIGIPC_TEST(SysvSemGet, NsemsAtSemmslIsAccepted, "sysv_sem.get.nsems-at-limit-ok", "XSH semget()",
            "A set of exactly SEMMSL semaphores can be created (the limit is inclusive)") {
  Limits l = probe_limits();
  if (l.sem_semmsl <= 0) SIGIPC_UNSUPPORTED("SEMMSL not readable from /proc/sys/kernel/sem");
  if (l.sem_semmns >= 0 && l.sem_semmns < l.sem_semmsl)
    SIGIPC_UNSUPPORTED("SEMMNS is below SEMMSL: the system-wide total forbids a full set");
  if (l.sem_semmsl > 65536) SIGIPC_UNSUPPORTED("SEMMSL too large for a quick test");
  int r = semget(IPC_PRIVATE, static_cast<int>(l.sem_semmsl), 0600);
  SysvId guard(SysvId::kSem, r);
  EXPECT_SUCCEEDS(r);
  if (r >= 0) {
    EXPECT_EQ(static_cast<long long>(stat_of(r).sem_nsems), l.sem_semmsl);
  }
}

SIGIPC_TEST(SysvSemGet, LargerNsemsThanExistingSetFailsWithEinval,
            "sysv_sem.get.existing-smaller-einval", "XSH semget()",
            "semget() of an existing key with nsems greater than the set's size fails with "
            "EINVAL") {
  Set s(2);
  EXPECT_FAILS_WITH(semget(s.key, 3, 0600), EINVAL);
}

SIGIPC_TEST(SysvSemGet, ZeroNsemsFindsExistingSet, "sysv_sem.get.existing-zero-nsems-ok",
            "XSH semget()",
            "For an existing key nsems may be 0 (only a larger nonzero nsems is an error)") {
  Set s(3);
  EXPECT_EQ(semget(s.key, 0, 0600), s.get());
}

SIGIPC_TEST(SysvSemGet, SmallerNsemsFindsExistingSet, "sysv_sem.get.existing-fewer-nsems-ok",
            "XSH semget()",
            "For an existing key an nsems smaller than the set's size returns the set unchanged") {
  Set s(3);
  EXPECT_EQ(semget(s.key, 1, 0600), s.get());
  EXPECT_EQ(stat_of(s.get()).sem_nsems, 3u);
}

SIGIPC_TEST(SysvSemGet, NewSemaphoresAreZero, "sysv_sem.get.new-values-zero",
            "Linux-only, semget(2)",
            "Linux initialises every semaphore of a new set to 0 (POSIX leaves them "
            "uninitialised)") {
  Set s(4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(semctl(s.get(), i, GETVAL), 0) << "semaphore " << i;
}

SIGIPC_TEST(SysvSemGet, NewSetOwnerAndCreatorAreCaller, "sysv_sem.get.perm-owner-creator",
            "XSH semget()",
            "A new set's sem_perm.cuid/uid are the caller's effective uid and cgid/gid its "
            "effective gid") {
  Set s(1);
  struct semid_ds ds = stat_of(s.get());
  EXPECT_EQ(ds.sem_perm.cuid, geteuid());
  EXPECT_EQ(ds.sem_perm.uid, geteuid());
  EXPECT_EQ(ds.sem_perm.cgid, getegid());
  EXPECT_EQ(ds.sem_perm.gid, getegid());
}

SIGIPC_TEST(SysvSemGet, NewSetModeIsLowNineBitsOfSemflg, "sysv_sem.get.perm-mode", "XSH semget()",
            "The low-order nine bits of sem_perm.mode of a new set are those of semflg") {
  Set s(1, 0640);
  EXPECT_EQ(stat_of(s.get()).sem_perm.mode & 0777, 0640u);
}

SIGIPC_TEST(SysvSemGet, NewSetNsemsIsRequestedCount, "sysv_sem.get.nsems-recorded", "XSH semget()",
            "A new set's sem_nsems equals the nsems argument") {
  Set s(5);
  EXPECT_EQ(stat_of(s.get()).sem_nsems, 5u);
}

SIGIPC_TEST(SysvSemGet, NewSetOtimeIsZero, "sysv_sem.get.otime-zero", "XSH semget()",
            "A new set's sem_otime is 0 (no semop() yet)") {
  Set s(1);
  EXPECT_EQ(stat_of(s.get()).sem_otime, 0);
}

SIGIPC_TEST(SysvSemGet, NewSetCtimeIsCurrentTime, "sysv_sem.get.ctime-now", "XSH semget()",
            "A new set's sem_ctime is the current time") {
  StampWindow w;
  Set s(1);
  EXPECT_STAMP_CURRENT(w, stat_of(s.get()).sem_ctime);
}

SIGIPC_TEST(SysvSemGet, RemovedKeyIsNoLongerFound, "sysv_sem.get.removed-key-enoent",
            "XSH semctl()",
            "After IPC_RMID the key no longer names a set: semget() without IPC_CREAT fails "
            "with ENOENT") {
  Set s(1);
  ASSERT_SUCCEEDS(semctl(s.get(), 0, IPC_RMID));
  s.id.reset();
  EXPECT_FAILS_WITH(semget(s.key, 1, 0600), ENOENT);
}

SIGIPC_TEST(SysvSemGet, CreatOnExistingKeyKeepsItsMode, "sysv_sem.get.creat-existing-keeps-mode",
            "XSH semget()",
            "semget(key, n, IPC_CREAT | mode) for an existing set does not change its "
            "permissions") {
  Set s(1, 0600);
  ASSERT_EQ(semget(s.key, 1, IPC_CREAT | 0644), s.get());
  EXPECT_EQ(stat_of(s.get()).sem_perm.mode & 0777, 0600u);
}

}  // namespace
}  // namespace sigipc
