// mq_open() permissions and ownership: the mode and the umask, the owner, and
// EACCES for a process whose uid the queue's mode does not admit. XSH
// mq_open(). Rules about denial run in a child dropped to nobody, since the
// test runs as root.
#include <fcntl.h>
#include <mqueue.h>
#include <sys/stat.h>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

// Sets the umask for one test and restores it.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t m) : old_(umask(m)) {}
  ~UmaskGuard() { umask(old_); }

 private:
  mode_t old_;
};

SIGIPC_TEST(PosixMqOpen, ModeIsFilteredByUmask, "posix_mq.open.mode-umask", "XSH mq_open()",
            "The queue's permission bits are mode with the bits of the file mode creation mask "
            "cleared (seen through fstat() of the descriptor on Linux)") {
  UmaskGuard um(027);
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8, 0666));
  EXPECT_EQ(posix_mq::fstat_of(d.get()).st_mode & 0777, 0640u);
}

SIGIPC_TEST(PosixMqOpen, ModeKeptWhenUmaskIsZero, "posix_mq.open.mode-as-given", "XSH mq_open()",
            "With an empty umask the queue's permission bits are exactly those of mode") {
  UmaskGuard um(0);
  MqName name;
  MqHandle d(posix_mq::create(name.c_str(), 2, 8, 0652));
  EXPECT_EQ(posix_mq::fstat_of(d.get()).st_mode & 0777, 0652u);
}

SIGIPC_TEST(PosixMqOpen, OwnerIsEffectiveUidAndGid, "posix_mq.open.owner-euid-egid",
            "XSH mq_open()",
            "A created queue's user ID is the effective user ID of the creator and its group ID "
            "the effective group ID (nobody creates; fstat() shows the ids on Linux)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    mq_attr a = posix_mq::make_attr(2, 8);
    mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    CHILD_CHECK_OK(d);
    struct stat sb {};
    CHILD_CHECK_OK(fstat(d, &sb));
    CHILD_CHECK_EQ(sb.st_uid, kNobodyUid);
    CHILD_CHECK_EQ(sb.st_gid, kNobodyGid);
    mq_close(d);
  });
  EXPECT_CHILD_OK(st);
}

// nobody tries to open a queue root created with `mode`; expects err, or
// success when err is 0.
void expect_nobody_open(mode_t mode, int oflag, int err) {
  UmaskGuard um(0);  // the umask must not narrow the mode under test
  MqName name;
  MqHandle owner(posix_mq::create(name.c_str(), 2, 8, mode));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    if (err != 0) {
      CHILD_CHECK_ERRNO(mq_open(name.c_str(), oflag), err);
    } else {
      mqd_t d = mq_open(name.c_str(), oflag);
      CHILD_CHECK_OK(d);
      mq_close(d);
    }
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixMqOpen, ReadDeniedWithoutReadPermission, "posix_mq.open.eacces-read",
            "XSH mq_open()",
            "Opening for receiving (O_RDONLY) a queue whose mode denies the caller read "
            "permission fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  expect_nobody_open(0600, O_RDONLY, EACCES);
}

SIGIPC_TEST(PosixMqOpen, WriteDeniedWithoutWritePermission, "posix_mq.open.eacces-write",
            "XSH mq_open()",
            "Opening for sending (O_WRONLY) a queue that others may read but not write fails "
            "with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  expect_nobody_open(0644, O_WRONLY, EACCES);
}

SIGIPC_TEST(PosixMqOpen, ReadWriteNeedsBothPermissions, "posix_mq.open.eacces-rdwr",
            "XSH mq_open()",
            "O_RDWR needs read and write permission: with read permission only it fails with "
            "EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  expect_nobody_open(0644, O_RDWR, EACCES);
}

SIGIPC_TEST(PosixMqOpen, ReadAllowedByOtherReadBit, "posix_mq.open.read-permitted", "XSH mq_open()",
            "A queue whose mode grants others read permission may be opened O_RDONLY by another "
            "user") {
  SIGIPC_REQUIRE_USER_SWITCH();
  expect_nobody_open(0644, O_RDONLY, 0);
}

SIGIPC_TEST(PosixMqOpen, WriteAllowedByOtherWriteBit, "posix_mq.open.write-permitted",
            "XSH mq_open()",
            "A queue whose mode grants others write permission only may be opened O_WRONLY by "
            "another user") {
  SIGIPC_REQUIRE_USER_SWITCH();
  expect_nobody_open(0602, O_WRONLY, 0);
}

SIGIPC_TEST(PosixMqOpen, CreatOfExistingQueueChecksPermission,
            "posix_mq.open.eacces-creat-existing", "XSH mq_open()",
            "O_CREAT on an existing queue whose permissions deny the requested access fails "
            "with EACCES (the queue exists and the permissions specified by oflag are denied)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  MqHandle owner(posix_mq::create(name.c_str(), 2, 8, 0600));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    mq_attr a = posix_mq::make_attr(2, 8);
    CHILD_CHECK_ERRNO(mq_open(name.c_str(), O_RDONLY | O_CREAT, 0666, &a), EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixMqOpen, OwnerBitsApplyToOwner, "posix_mq.open.owner-bits-deny-owner",
            "XSH mq_open()",
            "Permission is checked against the owner class for the queue's owner: a queue nobody "
            "created with mode 0200 cannot be reopened O_RDONLY by nobody (EACCES)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    umask(0);
    mq_attr a = posix_mq::make_attr(2, 8);
    mqd_t d = mq_open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0200, &a);
    CHILD_CHECK_OK(d);
    CHILD_CHECK_ERRNO(mq_open(name.c_str(), O_RDONLY), EACCES);
    mq_close(d);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixMqOpen, GroupBitsApplyToGroupMembers, "posix_mq.open.group-bits", "XSH mq_open()",
            "A caller that is not the owner but is in the queue's group gets the group class: "
            "with mode 0640 and group nobody, nobody may open O_RDONLY but not O_WRONLY "
            "(EACCES)") {
  SIGIPC_REQUIRE_USER_SWITCH();
  UmaskGuard um(0);
  MqName name;
  MqHandle owner(posix_mq::create(name.c_str(), 2, 8, 0640));
  // Linux: the descriptor is a file, so fchown() sets the queue's group.
  SETUP_OK(fchown(owner.get(), 0, kNobodyGid));
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    mqd_t d = mq_open(name.c_str(), O_RDONLY);
    CHILD_CHECK_OK(d);
    mq_close(d);
    CHILD_CHECK_ERRNO(mq_open(name.c_str(), O_WRONLY), EACCES);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc
