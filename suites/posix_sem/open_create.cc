// sem_open(): creating, opening an existing name, and the errors it lists.
// XSH sem_open().
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <sys/stat.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_sem/sem_helpers.h"

namespace sigipc {
namespace {

using posix_sem::create_named;
using posix_sem::value_of;

SIGIPC_TEST(PosixSemOpen, CreateSetsInitialValue, "posix_sem.open.create-sets-value",
            "XSH sem_open()",
            "sem_open() with O_CREAT of a new name creates a semaphore whose value is the value "
            "argument") {
  for (unsigned v : {0u, 3u}) {
    SemName n;
    SemHandle h(sem_open(n.c_str(), O_CREAT, 0600, v));
    ASSERT_NE(h.get(), SEM_FAILED) << "sem_open: " << ErrnoText(errno);
    EXPECT_EQ(value_of(h.get()), static_cast<int>(v));
  }
}

SIGIPC_TEST(PosixSemOpen, CreateWithExclOfNewNameSucceeds, "posix_sem.open.create-excl-new",
            "XSH sem_open()",
            "sem_open() with O_CREAT|O_EXCL of a name that does not exist creates the semaphore") {
  SemName n;
  SemHandle h(sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, 1));
  ASSERT_NE(h.get(), SEM_FAILED) << "sem_open: " << ErrnoText(errno);
  EXPECT_SUCCEEDS(sem_trywait(h.get()));
}

SIGIPC_TEST(PosixSemOpen, CreateOfExistingNameOpensItAndIgnoresValue,
            "posix_sem.open.create-existing-ignores-value", "XSH sem_open()",
            "O_CREAT on a name that already exists opens that semaphore; the value argument has "
            "no effect") {
  SemName n;
  SemHandle first(create_named(n, 0600, 2));
  SemHandle second(sem_open(n.c_str(), O_CREAT, 0600, 9));
  ASSERT_NE(second.get(), SEM_FAILED) << "sem_open: " << ErrnoText(errno);
  EXPECT_EQ(value_of(second.get()), 2);
  ASSERT_SUCCEEDS(sem_post(first.get()));
  EXPECT_EQ(value_of(second.get()), 3) << "the second handle is not the same semaphore";
}

SIGIPC_TEST(PosixSemOpen, CreateExclOfExistingNameFailsWithEexist,
            "posix_sem.open.create-excl-existing-eexist", "XSH sem_open()",
            "sem_open() with O_CREAT|O_EXCL of an existing name fails with EEXIST and returns "
            "SEM_FAILED") {
  SemName n;
  SemHandle first(create_named(n, 0600, 0));
  errno = 0;
  sem_t* s = sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, 0);
  int e = errno;
  SemHandle guard(s);
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_EQ(e, EEXIST) << ErrnoText(e);
}

SIGIPC_TEST(PosixSemOpen, OpenOfMissingNameWithoutCreateFailsWithEnoent,
            "posix_sem.open.missing-enoent", "XSH sem_open()",
            "sem_open() without O_CREAT of a name that does not exist fails with ENOENT") {
  SemName n;
  errno = 0;
  sem_t* s = sem_open(n.c_str(), 0);
  int e = errno;
  SemHandle guard(s);
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_EQ(e, ENOENT) << ErrnoText(e);
}

SIGIPC_TEST(PosixSemOpen, FailureReturnsSemFailed, "posix_sem.open.failure-returns-sem-failed",
            "XSH sem_open()",
            "On failure sem_open() returns SEM_FAILED (not a null pointer or another address)") {
  SemName n;
  sem_t* s = sem_open(n.c_str(), 0);
  SemHandle guard(s);
  EXPECT_TRUE(s == SEM_FAILED) << "returned " << static_cast<void*>(s);
}

SIGIPC_TEST(PosixSemOpen, CreateAboveSemValueMaxFailsWithEinval,
            "posix_sem.open.value-above-max-einval", "XSH sem_open()",
            "sem_open() with O_CREAT and value greater than {SEM_VALUE_MAX} fails with EINVAL and "
            "creates nothing") {
  if (static_cast<unsigned long long>(SEM_VALUE_MAX) >= UINT_MAX)
    SIGIPC_UNSUPPORTED("SEM_VALUE_MAX is the largest unsigned value: no value exceeds it");
  SemName n;
  errno = 0;
  sem_t* s = sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, static_cast<unsigned>(SEM_VALUE_MAX) + 1u);
  int e = errno;
  SemHandle guard(s);
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_EQ(e, EINVAL) << ErrnoText(e);
  SemHandle again(sem_open(n.c_str(), 0));
  EXPECT_EQ(again.get(), SEM_FAILED) << "the failed call left a semaphore behind";
}

SIGIPC_TEST(PosixSemOpen, CreateAcceptsSemValueMax, "posix_sem.open.accepts-sem-value-max",
            "XSH sem_open()", "sem_open() with O_CREAT accepts value == {SEM_VALUE_MAX}") {
  SemName n;
  SemHandle h(sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, static_cast<unsigned>(SEM_VALUE_MAX)));
  ASSERT_NE(h.get(), SEM_FAILED) << ErrnoText(errno);
  EXPECT_EQ(value_of(h.get()), SEM_VALUE_MAX);
}

// ENAMETOOLONG is a "may fail" error of sem_open(); a name the implementation
// cannot support is the "shall fail" EINVAL. Either is conforming, success is
// not.
SIGIPC_TEST(PosixSemOpen, OverlongNameIsRejected, "posix_sem.open.overlong-name-rejected",
            "XSH sem_open()",
            "sem_open() with O_CREAT of a name with a component longer than {NAME_MAX} fails "
            "with ENAMETOOLONG (may fail) or EINVAL (name not supported) and creates nothing") {
  std::string name = "/" + std::string(NAME_MAX + 8, 'n');
  errno = 0;
  sem_t* s = sem_open(name.c_str(), O_CREAT, 0600, 0);
  int e = errno;
  if (s != SEM_FAILED) {
    sem_close(s);
    sem_unlink(name.c_str());
  }
  EXPECT_EQ(s, SEM_FAILED);
  EXPECT_TRUE(e == ENAMETOOLONG || e == EINVAL) << "errno " << ErrnoText(e);
}

SIGIPC_TEST(PosixSemOpen, SameNameTwiceReturnsSameAddress, "posix_sem.open.same-name-same-address",
            "XSH sem_open()",
            "Multiple successful sem_open() calls of one name in a process, with no sem_unlink() "
            "between, return the same semaphore address") {
  SemName n;
  SemHandle first(create_named(n, 0600, 0));
  sem_t* second = sem_open(n.c_str(), 0);
  ASSERT_NE(second, SEM_FAILED) << ErrnoText(errno);
  EXPECT_EQ(second, first.get());
  // Each open needs its own close when they are one object (glibc counts
  // references); a distinct address gets its own close as well.
  sem_close(second);
}

SIGIPC_TEST(PosixSemOpen, OpenedInParentIsUsableInForkedChild, "posix_sem.open.inherited-by-fork",
            "XSH fork()",
            "Semaphores open in the parent are open in the child: the child's sem_post() through "
            "the inherited address reaches the parent's semaphore") {
  SemName n;
  SemHandle h(create_named(n, 0600, 0));
  Child c([&] { CHILD_CHECK_OK(sem_post(h.get())); });
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(value_of(h.get()), 1);
}

SIGIPC_TEST(PosixSemOpen, SemaphoreOutlivesItsCreator,
            "posix_sem.open.persists-after-creator-exits", "XSH sem_close()",
            "A named semaphore that was not unlinked keeps its state after the creating process "
            "exits (closing has no effect on its state)") {
  SemName n;
  WaitStatus st = RunInChild([&] {
    sem_t* s = sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, 0);
    CHILD_CHECK(s != SEM_FAILED);
    CHILD_CHECK_OK(sem_post(s));
    CHILD_CHECK_OK(sem_post(s));
  });
  ASSERT_CHILD_OK(st);
  SemHandle h(sem_open(n.c_str(), 0));
  ASSERT_NE(h.get(), SEM_FAILED) << ErrnoText(errno);
  EXPECT_EQ(value_of(h.get()), 2);
}

SIGIPC_TEST(PosixSemOpen, CloseReturnsZeroAndKeepsTheSemaphore, "posix_sem.close.keeps-state",
            "XSH sem_close()",
            "sem_close() returns 0 and, when the name was not unlinked, leaves the semaphore and "
            "its value: a later sem_open() finds it") {
  SemName n;
  sem_t* s = create_named(n, 0600, 4);
  EXPECT_EQ(sem_close(s), 0);
  SemHandle h(sem_open(n.c_str(), 0));
  ASSERT_NE(h.get(), SEM_FAILED) << ErrnoText(errno);
  EXPECT_EQ(value_of(h.get()), 4);
}

}  // namespace
}  // namespace sigipc
