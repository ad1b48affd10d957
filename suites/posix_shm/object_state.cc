// What the object keeps and what opening it does not change: persistence
// without references, O_CREAT on an existing object, atomic O_EXCL, access
// mode, fchmod(), ftruncate() errors. XSH shm_open(), XSH fchmod(),
// XSH ftruncate().
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/exclusive_race.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixShmObject, DataPersistsWithoutReferences, "posix_shm.object.persists-until-unlink",
            "XSH shm_unlink()",
            "With every descriptor closed and mapping removed, the object and its data remain "
            "until shm_unlink(): reopening the name finds them") {
  ShmName name;
  const std::size_t pg = page_size();
  {
    UniqueFd fd = posix_shm::create_sized(name, pg);
    Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
    m.as<char>()[42] = 'p';
  }
  int fd = shm_open(name.c_str(), O_RDONLY, 0);
  ASSERT_SUCCEEDS(fd);
  UniqueFd again(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_size, static_cast<off_t>(pg));
  Mapping m = posix_shm::map_or_setup_error(fd, pg, PROT_READ);
  EXPECT_EQ(m.as<volatile char>()[42], 'p');
}

SIGIPC_TEST(PosixShmObject, CreateFlagDoesNotChangeExistingMode,
            "posix_shm.open.create-existing-keeps-mode", "XSH shm_open()",
            "O_CREAT on an existing object has no effect: its permission bits stay as they were") {
  ShmName name;
  umask(0);
  UniqueFd first = posix_shm::create_sized(name, 0, 0600);
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT, 0666);
  ASSERT_SUCCEEDS(fd);
  UniqueFd second(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_mode & 0777, 0600u);
}

SIGIPC_TEST(PosixShmObject, ExclusiveCreateIsAtomic, "posix_shm.open.excl-atomic", "XSH shm_open()",
            "The existence check and creation of O_CREAT|O_EXCL are atomic: of processes "
            "racing to create one name exactly one succeeds, the others get EEXIST (hundreds of "
            "rounds, some with the calls overlapping in time)") {
  ShmName a("race"), b("race");
  const char* names[kRaceSlots] = {a.c_str(), b.c_str()};
  ExclusiveRaceReport rep = RunExclusiveRace(
      0.7,
      [&](int slot) {
        const int fd = shm_open(names[slot], O_RDWR | O_CREAT | O_EXCL, 0600);
        const char out = fd >= 0 ? kRaceCreated : errno == EEXIST ? kRaceExists : kRaceOther;
        if (fd >= 0) close(fd);
        return out;
      },
      [&](int slot) { shm_unlink(names[slot]); });
  SIGIPC_EXPECT_EXCLUSIVE_RACE_HELD(rep);
}

SIGIPC_TEST(PosixShmObject, AccessModeFollowsOflag, "posix_shm.open.access-mode", "XSH shm_open()",
            "The open file description gets the access mode of oflag: O_RDONLY or O_RDWR "
            "(F_GETFL)") {
  ShmName name;
  UniqueFd rw = posix_shm::create_sized(name, 0);
  UniqueFd ro = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  int fl_rw = fcntl(rw.get(), F_GETFL);
  int fl_ro = fcntl(ro.get(), F_GETFL);
  ASSERT_SUCCEEDS(fl_rw);
  ASSERT_SUCCEEDS(fl_ro);
  EXPECT_EQ(fl_rw & O_ACCMODE, O_RDWR);
  EXPECT_EQ(fl_ro & O_ACCMODE, O_RDONLY);
}

SIGIPC_TEST(PosixShmObject, FchmodChangesPermissionBits, "posix_shm.fchmod.changes-mode",
            "XSH fchmod()",
            "fchmod() on a shared memory object descriptor changes its permission bits, as "
            "seen by another open of the name") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0, 0600);
  ASSERT_SUCCEEDS(fchmod(fd.get(), 0640));
  UniqueFd other = posix_shm::open_or_setup_error(name.c_str(), O_RDONLY);
  EXPECT_EQ(posix_shm::stat_of(other.get()).st_mode & 0777, 0640u);
}

SIGIPC_TEST(PosixShmObject, NegativeTruncateLengthFailsEinval,
            "posix_shm.ftruncate.negative-einval", "XSH ftruncate()",
            "ftruncate() with a negative length fails with EINVAL and keeps the size") {
  ShmName name;
  const off_t len = static_cast<off_t>(page_size());
  UniqueFd fd = posix_shm::create_sized(name, static_cast<std::size_t>(len));
  EXPECT_FAILS_WITH(ftruncate(fd.get(), -1), EINVAL);
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, len);
}

SIGIPC_TEST(PosixShmObject, ShrinkReducesSize, "posix_shm.ftruncate.shrinks", "XSH ftruncate()",
            "ftruncate() to a smaller length shrinks the object: fstat reports the new size") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 4 * page_size());
  ASSERT_SUCCEEDS(ftruncate(fd.get(), 100));
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, 100);
}

}  // namespace
}  // namespace sigipc
