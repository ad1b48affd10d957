// The name and the object's lifetime: shm_unlink() removes the name at once
// but not the memory still open or mapped; unrelated processes reach the
// object by name. XSH shm_unlink(), XSH shm_open(), XSH exec.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/posix_shm/shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixShmUnlink, UnlinkRemovesNameImmediately, "posix_shm.unlink.name-gone",
            "XSH shm_unlink()",
            "After shm_unlink() returns, shm_open() of the name without O_CREAT fails with "
            "ENOENT even while the object is still open and mapped") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  ASSERT_SUCCEEDS(shm_unlink(name.c_str()));
  EXPECT_FAILS_WITH(shm_open(name.c_str(), O_RDWR, 0), ENOENT);
}

SIGIPC_TEST(PosixShmUnlink, OpenDescriptorsAndMappingsKeepWorking,
            "posix_shm.unlink.references-keep-object", "XSH shm_unlink()",
            "After shm_unlink(), existing descriptors and mappings keep referring to the object "
            "and its data") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  m.as<char>()[5] = 'k';
  ASSERT_SUCCEEDS(shm_unlink(name.c_str()));
  EXPECT_EQ(m.as<volatile char>()[5], 'k');
  EXPECT_EQ(posix_shm::stat_of(fd.get()).st_size, static_cast<off_t>(pg));
  // A new mapping through the old descriptor still reaches the same memory.
  Mapping again = posix_shm::map_or_setup_error(fd.get(), pg);
  again.as<volatile char>()[6] = 'm';
  EXPECT_EQ(m.as<volatile char>()[6], 'm');
  EXPECT_EQ(again.as<volatile char>()[5], 'k');
}

SIGIPC_TEST(PosixShmUnlink, RecreatedNameIsDistinctObject, "posix_shm.unlink.recreate-distinct",
            "XSH shm_unlink()",
            "An object created under a name after shm_unlink() is new: size zero, not the old "
            "object's data") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd old_fd = posix_shm::create_sized(name, pg);
  Mapping old_map = posix_shm::map_or_setup_error(old_fd.get(), pg);
  old_map.as<char>()[0] = 'o';
  ASSERT_SUCCEEDS(shm_unlink(name.c_str()));
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_SUCCEEDS(fd) << "O_EXCL must succeed: the old name is gone";
  UniqueFd new_fd(fd);
  EXPECT_EQ(posix_shm::stat_of(fd).st_size, 0);
  SETUP_OK(ftruncate(fd, static_cast<off_t>(pg)));
  Mapping new_map = posix_shm::map_or_setup_error(fd, pg);
  EXPECT_EQ(new_map.as<volatile char>()[0], 0);
  new_map.as<volatile char>()[0] = 'n';
  EXPECT_EQ(old_map.as<volatile char>()[0], 'o');
}

SIGIPC_TEST(PosixShmUnlink, UnlinkOfMissingNameFailsEnoent, "posix_shm.unlink.missing-enoent",
            "XSH shm_unlink()", "shm_unlink() of a name that does not exist fails with ENOENT") {
  ShmName name;
  EXPECT_FAILS_WITH(shm_unlink(name.c_str()), ENOENT);
}

SIGIPC_TEST(PosixShmUnlink, SecondUnlinkFailsEnoent, "posix_shm.unlink.twice-enoent",
            "XSH shm_unlink()",
            "A second shm_unlink() of the same name fails with ENOENT although the object is "
            "still open") {
  ShmName name;
  UniqueFd fd = posix_shm::create_sized(name, 0);
  ASSERT_SUCCEEDS(shm_unlink(name.c_str()));
  EXPECT_FAILS_WITH(shm_unlink(name.c_str()), ENOENT);
}

// ---- an unrelated program image reaches the object by name ----

constexpr int kHelperOk = 0;
constexpr int kHelperBadArgs = 2;
constexpr int kHelperOpenFailed = 10;
constexpr int kHelperMapFailed = 11;
constexpr int kHelperWrongData = 12;

// args: name, page size, the byte expected at offset 0. Writes 'H' at offset 1.
SIGIPC_EXEC_HELPER(posix_shm_by_name) {
  if (args.size() != 3 || args[2].size() != 1) return kHelperBadArgs;
  std::size_t len = std::stoul(args[1]);
  int fd = shm_open(args[0].c_str(), O_RDWR, 0);
  if (fd < 0) return kHelperOpenFailed;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return kHelperMapFailed;
  volatile char* c = static_cast<volatile char*>(p);
  int rc = c[0] == args[2][0] ? kHelperOk : kHelperWrongData;
  c[1] = 'H';
  munmap(p, len);
  return rc;
}

SIGIPC_TEST(PosixShmUnlink, ExecedProgramSharesObjectByName, "posix_shm.open.shared-by-name",
            "XSH shm_open()",
            "A process that opens the same name (a new program image, no inherited mapping) maps "
            "the same object: each sees the other's stores") {
  ShmName name;
  const std::size_t pg = page_size();
  UniqueFd fd = posix_shm::create_sized(name, pg);
  Mapping m = posix_shm::map_or_setup_error(fd.get(), pg);
  m.as<char>()[0] = 'E';
  ExecArgv argv("posix_shm_by_name", {name.str(), std::to_string(pg), "E"});
  Child child([&] {
    argv.exec();
    SafeBuf b;
    b.str("exec of posix_shm_by_name failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  WaitStatus st = child.wait();
  EXPECT_TRUE(ExitedWith(st, kHelperOk))
      << kHelperOpenFailed << ": open failed, " << kHelperMapFailed << ": mmap failed, "
      << kHelperWrongData << ": the helper did not see the parent's byte";
  EXPECT_EQ(m.as<volatile char>()[1], 'H');
}

}  // namespace
}  // namespace sigipc
