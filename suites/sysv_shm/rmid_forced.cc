// /proc/sys/kernel/shm_rmid_forced (proc(5), Linux-only), set in the test's
// own IPC namespace, where the sysctl is private: with it set, no segment
// outlives the processes attached to it or its creator.
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

constexpr const char* kRmidForced = "/proc/sys/kernel/shm_rmid_forced";

// Writes value to shm_rmid_forced; errno on failure, 0 on success.
int set_rmid_forced(const char* value) {
  int fd = open(kRmidForced, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = write_all(fd, value, std::strlen(value)) ? 0 : errno;
  close(fd);
  return err;
}

#define SET_RMID_FORCED_OR_UNSUPPORTED(value)                                                \
  do {                                                                                       \
    if (int e_ = set_rmid_forced(value))                                                     \
      SIGIPC_UNSUPPORTED(std::string("cannot write ") + kRmidForced + ": " + ErrnoText(e_)); \
  } while (0)

// A segment's id is gone (XSH shmctl(): EINVAL for an invalid shmid).
bool removed(int id) {
  struct shmid_ds ds {};
  return shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL;
}

// The two segments of a child that creates them and exits once release
// opens; the first is never attached, the caller attaches the second.
struct CreatorsSegments {
  SysvId never_attached{SysvId::kShm, -1};
  SysvId attached{SysvId::kShm, -1};
};

void create_in_child_and_exit(CreatorsSegments& segs, void*& attach_addr) {
  Pipe ids;
  Gate release;
  Child creator([&] {
    int id[2];
    for (int& i : id) {
      i = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
      CHILD_CHECK_OK(i);
    }
    CHILD_CHECK(write_all(ids.wr(), id, sizeof id));
    release.wait();
  });
  ids.close_wr();
  int id[2];
  SETUP_OK(read_all(ids.rd(), id, sizeof id) == sizeof id ? 0 : -1);
  segs.never_attached.reset(id[0]);
  segs.attached.reset(id[1]);
  attach_addr = sysv_shm::attach_or_setup_error(id[1]);
  release.open();
  EXPECT_CHILD_OK(creator.wait()) << "the creator";
}

SIGIPC_TEST(SysvShmRmidForced, SettingItDestroysSegmentsOfExitedCreatorsAttachedToNone,
            "sysv_shm.linux.rmid-forced-destroys-orphans", "Linux-only, proc(5) shm_rmid_forced",
            "Setting shm_rmid_forced to 1 destroys at once the existing segments attached to no "
            "process whose creator has ended; an attached one is destroyed when its last "
            "attachment goes") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  SET_RMID_FORCED_OR_UNSUPPORTED("0");
  CreatorsSegments segs;
  void* addr = nullptr;
  create_in_child_and_exit(segs, addr);
  ASSERT_FALSE(removed(segs.never_attached.get())) << "with shm_rmid_forced 0 a segment "
                                                      "outlives its creator (XSH shmget())";
  SET_RMID_FORCED_OR_UNSUPPORTED("1");
  EXPECT_TRUE(removed(segs.never_attached.get()))
      << "the unattached segment of an ended creator still exists after setting 1";
  EXPECT_FALSE(removed(segs.attached.get())) << "an attached segment was destroyed";
  ASSERT_SUCCEEDS(shmdt(addr));
  EXPECT_TRUE(removed(segs.attached.get())) << "the segment survived its last detach";
}

SIGIPC_TEST(SysvShmRmidForced, CreatorExitDestroysItsNeverAttachedSegments,
            "sysv_shm.linux.rmid-forced-creator-exit", "Linux-only, proc(5) shm_rmid_forced",
            "With shm_rmid_forced 1, a segment never attached is destroyed when the process that "
            "created it ends, and one still attached elsewhere survives until its last detach") {
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  SET_RMID_FORCED_OR_UNSUPPORTED("1");
  CreatorsSegments segs;
  void* addr = nullptr;
  create_in_child_and_exit(segs, addr);
  EXPECT_TRUE(removed(segs.never_attached.get()))
      << "the never-attached segment outlived its creator";
  EXPECT_FALSE(removed(segs.attached.get())) << "a segment attached elsewhere was destroyed";
  ASSERT_SUCCEEDS(shmdt(addr));
  EXPECT_TRUE(removed(segs.attached.get())) << "the segment survived its last detach";
}

}  // namespace
}  // namespace sigipc
