// shmat()/shmdt(): where a segment is attached, who shares it, read-only
// attaches, address rounding and errors. XSH shmat(), XSH shmdt().
#include <signal.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

// A free address range of len bytes aligned to align: reserved, then released
// so that shmat() can be given an address nothing else uses.
std::uintptr_t free_aligned_range(std::size_t len, std::size_t align) {
  void* r = mmap(nullptr, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (r == MAP_FAILED) setup_error_errno(__FILE__, __LINE__, "mmap(reserve)", errno);
  munmap(r, len + align);
  std::uintptr_t a = reinterpret_cast<std::uintptr_t>(r);
  return (a + align - 1) / align * align;
}

SIGIPC_TEST(SysvShmAttach, AttachIsSharedAcrossForkBothWays, "sysv_shm.attach.fork-shared",
            "XSH fork()",
            "A child inherits the parent's attached segments: each side sees the other's stores") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  volatile char* p = static_cast<volatile char*>(at.get());
  ExpectSharedBothWaysAcrossFork(p);
}

SIGIPC_TEST(SysvShmAttach, TwoAttachesInOneProcessShareData, "sysv_shm.attach.twice-shared",
            "XSH shmat()",
            "Two shmat() of one segment in one process give two addresses of the same memory") {
  sysv_shm::Segment seg(4096);
  ShmAttachment a(sysv_shm::attach_or_setup_error(seg.get()));
  ShmAttachment b(sysv_shm::attach_or_setup_error(seg.get()));
  ASSERT_NE(a.get(), b.get());
  static_cast<volatile char*>(a.get())[10] = 'a';
  EXPECT_EQ(static_cast<volatile char*>(b.get())[10], 'a');
}

SIGIPC_TEST(SysvShmAttach, ReadOnlyAttachFaultsOnWrite, "sysv_shm.attach.rdonly-write-faults",
            "XSH shmat()",
            "A segment attached with SHM_RDONLY is read-only: a store delivers SIGSEGV") {
  sysv_shm::Segment seg(4096);
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] {
    void* p = shmat(seg.get(), nullptr, SHM_RDONLY);
    CHILD_CHECK(p != sysv_shm::kShmatFailed);
    static_cast<volatile char*>(p)[0] = 1;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(SysvShmAttach, ReadOnlyAttachReadsData, "sysv_shm.attach.rdonly-reads", "XSH shmat()",
            "A SHM_RDONLY attach reads the data stored through another attach") {
  sysv_shm::Segment seg(4096);
  ShmAttachment rw(sysv_shm::attach_or_setup_error(seg.get()));
  static_cast<volatile char*>(rw.get())[3] = 'r';
  void* p = shmat(seg.get(), nullptr, SHM_RDONLY);
  ASSERT_NE(p, sysv_shm::kShmatFailed) << ErrnoText(errno);
  ShmAttachment ro(p);
  EXPECT_EQ(static_cast<volatile char*>(p)[3], 'r');
}

SIGIPC_TEST(SysvShmAttach, AlignedAddressIsUsedAsGiven, "sysv_shm.attach.at-aligned-address",
            "XSH shmat()",
            "shmat() with a non-null address that is a multiple of SHMLBA attaches at that "
            "address") {
  sysv_shm::Segment seg(4096);
  const std::size_t lba = static_cast<std::size_t>(SHMLBA);
  std::uintptr_t a = free_aligned_range(4096, lba);
  void* p = shmat(seg.get(), reinterpret_cast<void*>(a), 0);
  ASSERT_NE(p, sysv_shm::kShmatFailed) << ErrnoText(errno);
  ShmAttachment at(p);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p), a);
}

SIGIPC_TEST(SysvShmAttach, RoundFlagRoundsAddressDownToShmlba, "sysv_shm.attach.shm-rnd",
            "XSH shmat()",
            "With SHM_RND a non-null address is rounded down to a multiple of SHMLBA") {
  sysv_shm::Segment seg(4096);
  const std::size_t lba = static_cast<std::size_t>(SHMLBA);
  std::uintptr_t a = free_aligned_range(4096, lba);
  void* p = shmat(seg.get(), reinterpret_cast<void*>(a + 123), SHM_RND);
  ASSERT_NE(p, sysv_shm::kShmatFailed) << ErrnoText(errno);
  ShmAttachment at(p);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p), a);
}

SIGIPC_TEST(SysvShmAttach, MisalignedAddressWithoutRoundFailsEinval,
            "sysv_shm.attach.misaligned-einval", "XSH shmat()",
            "A non-null address that is not a multiple of SHMLBA, without SHM_RND, fails with "
            "EINVAL") {
  sysv_shm::Segment seg(4096);
  const std::size_t lba = static_cast<std::size_t>(SHMLBA);
  std::uintptr_t a = free_aligned_range(4096, lba);
  void* p = shmat(seg.get(), reinterpret_cast<void*>(a + 123), 0);
  int e = errno;
  if (p != sysv_shm::kShmatFailed) shmdt(p);
  EXPECT_EQ(p, sysv_shm::kShmatFailed);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(SysvShmAttach, InvalidIdFailsEinval, "sysv_shm.attach.invalid-id-einval", "XSH shmat()",
            "shmat() with an id that is not a valid segment id fails with EINVAL") {
  int id = create_sysv_shm(4096);
  SETUP_OK(shmctl(id, IPC_RMID, nullptr));
  void* p = shmat(id, nullptr, 0);
  int e = errno;
  if (p != sysv_shm::kShmatFailed) shmdt(p);
  EXPECT_EQ(p, sysv_shm::kShmatFailed);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(SysvShmAttach, DetachOfUnattachedAddressFailsEinval,
            "sysv_shm.detach.not-attached-einval", "XSH shmdt()",
            "shmdt() of an address that is not the start of an attached segment fails with "
            "EINVAL") {
  sysv_shm::Segment seg(2 * page_size());
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  int local = 0;
  EXPECT_FAILS_WITH(shmdt(&local), EINVAL);
  EXPECT_FAILS_WITH(shmdt(static_cast<char*>(at.get()) + page_size()), EINVAL);
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 1) << "the real attachment is untouched";
}

SIGIPC_TEST(SysvShmAttach, AccessAfterDetachFaults, "sysv_shm.detach.access-sigsegv", "XSH shmdt()",
            "After shmdt() the range is no longer mapped: a reference delivers SIGSEGV") {
  sysv_shm::Segment seg(4096);
  WaitStatus st = RunFaultingChild(SIGSEGV, [&] {
    void* p = shmat(seg.get(), nullptr, 0);
    CHILD_CHECK(p != sysv_shm::kShmatFailed);
    static_cast<volatile char*>(p)[0] = 1;
    CHILD_CHECK_OK(shmdt(p));
    static_cast<volatile char*>(p)[0] = 2;
  });
  EXPECT_TRUE(KilledBy(st, SIGSEGV));
}

SIGIPC_TEST(SysvShmAttach, AttachWithoutReadPermissionFailsEacces, "sysv_shm.attach.no-read-eacces",
            "XSH shmat()",
            "shmat() by a process without read permission on the segment fails with EACCES") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0600);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    void* p = shmat(seg.get(), nullptr, SHM_RDONLY);
    int e = errno;
    CHILD_CHECK(p == sysv_shm::kShmatFailed);
    CHILD_CHECK_EQ(e, EACCES);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(SysvShmAttach, ReadWriteAttachNeedsWritePermission, "sysv_shm.attach.no-write-eacces",
            "XSH shmat()",
            "Without SHM_RDONLY, shmat() needs read and write permission: read-only permission "
            "gives EACCES, while SHM_RDONLY succeeds") {
  SIGIPC_REQUIRE_USER_SWITCH();
  sysv_shm::Segment seg(4096, 0644);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    void* p = shmat(seg.get(), nullptr, 0);
    int e = errno;
    CHILD_CHECK(p == sysv_shm::kShmatFailed);
    CHILD_CHECK_EQ(e, EACCES);
    p = shmat(seg.get(), nullptr, SHM_RDONLY);
    CHILD_CHECK(p != sysv_shm::kShmatFailed);
    CHILD_CHECK_OK(shmdt(p));
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc
