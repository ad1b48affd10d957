// Names and creation races: O_CREAT|O_EXCL is atomic between processes, the
// creator owns the semaphore, and Linux's name rules (sem_overview(7)).
// XSH sem_open(); Linux-only sem_overview(7), sem_open(3).
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/exclusive_race.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixSemNames, ExclusiveCreateIsAtomicBetweenProcesses,
            "posix_sem.open.create-excl-atomic", "XSH sem_open()",
            "The existence check and creation of O_CREAT|O_EXCL are atomic with respect to other "
            "processes: of processes racing on one new name exactly one succeeds, the others "
            "get EEXIST (hundreds of rounds, some with the calls overlapping in time)") {
  SemName a("race"), b("race");
  const char* names[kRaceSlots] = {a.c_str(), b.c_str()};
  ExclusiveRaceReport rep = RunExclusiveRace(
      0.7,
      [&](int slot) {
        sem_t* s = sem_open(names[slot], O_CREAT | O_EXCL, 0600, 0);
        const char out = s != SEM_FAILED   ? kRaceCreated
                         : errno == EEXIST ? kRaceExists
                                           : kRaceOther;
        if (s != SEM_FAILED) sem_close(s);
        return out;
      },
      [&](int slot) { sem_unlink(names[slot]); });
  SIGIPC_EXPECT_EXCLUSIVE_RACE_HELD(rep);
}

SIGIPC_TEST(PosixSemNames, GlibcSemFileOwnedByCreator, "posix_sem.glibc.creator-euid-owner",
            "Linux-only (glibc), sem_open(3), sem_overview(7)",
            "The owner of a new semaphore is the creator's effective user ID and its group the "
            "effective group ID, as glibc's file /dev/shm/sem.name shows (POSIX XSH sem_open() "
            "requires the uid)") {
  REQUIRE_GLIBC_SEM_FILE();
  SIGIPC_REQUIRE_USER_SWITCH();
  SemName n;
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    sem_t* s = sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, 0);
    CHILD_CHECK(s != SEM_FAILED);
  });
  ASSERT_CHILD_OK(st);
  struct stat sb {};
  ASSERT_EQ(stat(posix_sem::glibc_sem_file(n).c_str(), &sb), 0) << ErrnoText(errno);
  EXPECT_EQ(sb.st_uid, kNobodyUid);
  EXPECT_EQ(sb.st_gid, kNobodyGid);
}

SIGIPC_TEST(PosixSemNames, LinuxNameOf251CharactersIsAccepted, "posix_sem.linux.name-max-251",
            "Linux-only, sem_overview(7)",
            "A semaphore name may have up to NAME_MAX - 4 (251) characters after the slash") {
  // The fixture's unique name, padded to exactly 251 characters after the '/'.
  SemName base;
  std::string name = base.str();
  ASSERT_LE(name.size(), static_cast<size_t>(NAME_MAX - 4) + 1);
  name.append(static_cast<size_t>(NAME_MAX - 4) + 1 - name.size(), 'x');
  sem_t* s = sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 1);
  int e = errno;
  if (s != SEM_FAILED) {
    EXPECT_SUCCEEDS(sem_trywait(s));
    sem_close(s);
    sem_unlink(name.c_str());
  }
  EXPECT_NE(s, SEM_FAILED) << "251-character name refused: " << ErrnoText(e);
}

SIGIPC_TEST(PosixSemNames, LinuxSlashOnlyNameFailsWithEinval, "posix_sem.linux.slash-only-einval",
            "Linux-only, sem_open(3)",
            "sem_open() of the name \"/\" (a slash followed by no characters) fails with EINVAL") {
  errno = 0;
  sem_t* s = sem_open("/", O_CREAT, 0600, 0);
  int e = errno;
  if (s != SEM_FAILED) {
    sem_close(s);
    sem_unlink("/");
  }
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

SIGIPC_TEST(PosixSemNames, LinuxNameWithInnerSlashFailsWithEinval,
            "posix_sem.linux.inner-slash-einval", "Linux-only, sem_overview(7)",
            "A name is a slash followed by characters none of which is a slash: sem_open() of "
            "\"/a/b\" fails with EINVAL") {
  SemName base;
  std::string name = base.str() + "/inner";
  errno = 0;
  sem_t* s = sem_open(name.c_str(), O_CREAT, 0600, 0);
  int e = errno;
  if (s != SEM_FAILED) {
    sem_close(s);
    sem_unlink(name.c_str());
  }
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
}

}  // namespace
}  // namespace sigipc
