// Error paths of the POSIX semaphore calls: sem_open, sem_wait and sem_post
// do several steps in libc around the failed kernel call (files, the count
// word, the waiters flag), so besides the errno the tests check what libc
// itself left behind; sem_unlink is one kernel call and only its errno (and
// glibc's EPERM -> EACCES mapping) is checked. glibc 2.36 / x86_64 (strace):
// sem_open(O_CREAT) of a new name -> openat of a random /dev/shm/sem.XXXXXX
// with O_CREAT|O_EXCL, write of the initial sem_t (32 bytes), mmap, link to
// /dev/shm/sem.NAME, unlink of the temporary name; sem_unlink -> unlink;
// sem_wait/sem_timedwait on a zero count -> futex(FUTEX_WAIT_BITSET);
// sem_post -> futex(FUTEX_WAKE) only when a waiter is recorded. sem_trywait
// and sem_post without waiters make no syscall at all (their EAGAIN and
// EOVERFLOW come from glibc itself), and sem_close only unmaps: none of
// those is injected here. EINTR is not injected into the write of sem_open:
// glibc retries that write on EINTR, so an every-call rule would never end.
// musl 1.2.4 / x86_64 differs: sem_open creates /dev/shm/tmp-N with open (not
// openat) before the link, and sem_wait blocks in FUTEX_WAIT (not _BITSET);
// both are failed too. musl takes an EINTR from the futex wait for a spurious
// one unless some handler without SA_RESTART was installed (its workaround
// for old kernels that reported EINTR for restartable handlers), which is
// the only way a real signal could interrupt the wait: the EINTR bodies
// install one.
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "fixtures/interrupt.h"
#include "suites/injection/errpath_helpers.h"

namespace sigipc {
namespace {

// Entries of /dev/shm named like sem_open's temporary files (glibc: "sem."
// and six characters; musl: "tmp-" and a number). Counted only where the
// test has a /dev/shm of its own (namespaces isolation): elsewhere parallel
// tests create them too.
int temp_sem_files() {
  DIR* d = opendir("/dev/shm");
  if (!d) return -1;
  int n = 0;
  while (dirent* e = readdir(d))
    if ((std::strncmp(e->d_name, "sem.", 4) == 0 && std::strlen(e->d_name) == 10) ||
        std::strncmp(e->d_name, "tmp-", 4) == 0)
      ++n;
  closedir(d);
  return n;
}
bool private_dev_shm() {
  const char* iso = std::getenv(kEnvIsolation);
  return iso && std::strcmp(iso, "namespaces") == 0;
}

// sem_open(O_CREAT|O_EXCL) fails at the step rule names with err: SEM_FAILED
// with err, no semaphore of the name, no temporary file left.
injection::Run failed_sem_create(const std::vector<std::string>& rules, int err) {
  SemName name("create");
  const bool count_temps = private_dev_shm();
  const int temps_before = count_temps ? temp_sem_files() : 0;
  auto r = injection::run(rules, [&name, err] {
    errno = 0;
    sem_t* s = sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 1);
    CHILD_CHECK(s == SEM_FAILED);
    CHILD_CHECK_EQ(errno, err);
  });
  sem_t* left = sem_open(name.c_str(), 0);
  SemHandle cleanup(left);
  EXPECT_EQ(left, SEM_FAILED) << "a failed sem_open(O_CREAT) left a semaphore";
  if (count_temps) {
    EXPECT_EQ(temp_sem_files(), temps_before) << "a failed sem_open left its temporary file";
  }
  return r;
}

injection::Run failed_sem_create_open(const char* err_name, int err) {
  return failed_sem_create(injection::rules_any({{"openat", injection::has_flag(2, O_CREAT)},
                                                 {"open", injection::has_flag(1, O_CREAT)}},
                                                err_name),
                           err);
}
injection::Run failed_sem_create_write(const char* err_name, int err) {
  return failed_sem_create({injection::rule("write", injection::eq(2, sizeof(sem_t)), err_name)},
                           err);
}
injection::Run failed_sem_create_link(const char* err_name, int err) {
  return failed_sem_create({injection::rule("link", "", err_name)}, err);
}

#define SEM_CREATE_CASE(Name, id, ERR)                                            \
  ERRPATH_CASE(Name, id, "XSH sem_open() RETURN VALUE, ERRORS",                   \
               "sem_open(O_CREAT) whose file creation fails with " #ERR           \
               " returns "                                                        \
               "SEM_FAILED with that errno and leaves no semaphore of that name", \
               failed_sem_create_open, "openat|open", ERR)

SEM_CREATE_CASE(SemOpenCreateEaccesLeavesNoSemaphore, "injection.errpath.sem-open-create-eacces",
                EACCES)
SEM_CREATE_CASE(SemOpenCreateEintrLeavesNoSemaphore, "injection.errpath.sem-open-create-eintr",
                EINTR)
SEM_CREATE_CASE(SemOpenCreateEmfileLeavesNoSemaphore, "injection.errpath.sem-open-create-emfile",
                EMFILE)
SEM_CREATE_CASE(SemOpenCreateEnfileLeavesNoSemaphore, "injection.errpath.sem-open-create-enfile",
                ENFILE)
SEM_CREATE_CASE(SemOpenCreateEnospcLeavesNoSemaphore, "injection.errpath.sem-open-create-enospc",
                ENOSPC)

ERRPATH_CASE(SemOpenInitialWriteEnospcLeavesNoFiles, "injection.errpath.sem-open-write-enospc",
             "XSH sem_open() RETURN VALUE, ERRORS",
             "sem_open(O_CREAT) whose write of the initial value fails with ENOSPC returns "
             "SEM_FAILED with ENOSPC and leaves neither the semaphore nor a temporary file",
             failed_sem_create_write, "write", ENOSPC)
ERRPATH_CASE(SemOpenLinkEnospcLeavesNoFiles, "injection.errpath.sem-open-link-enospc",
             "XSH sem_open() RETURN VALUE, ERRORS",
             "sem_open(O_CREAT) whose link of the new file to the name fails with ENOSPC "
             "returns SEM_FAILED with ENOSPC and leaves neither the semaphore nor a temporary "
             "file",
             failed_sem_create_link, "link", ENOSPC)
ERRPATH_CASE(SemOpenExclLinkEexistLeavesNoFiles, "injection.errpath.sem-open-link-eexist",
             "XSH sem_open() RETURN VALUE, ERRORS",
             "sem_open(O_CREAT|O_EXCL) whose link to the name fails with EEXIST (the name "
             "appeared meanwhile) returns SEM_FAILED with EEXIST and leaves no temporary file",
             failed_sem_create_link, "link", EEXIST)

// A named semaphore of count 0, for the waits.
struct Named {
  SemName name{"wait"};
  SemHandle sem;
  Named() {
    sem.reset(sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 0));
    if (sem.get() == SEM_FAILED) setup_error_errno(__FILE__, __LINE__, "sem_open()", errno);
  }
};

// The futex wait a libc blocks in (glibc FUTEX_WAIT_BITSET, musl FUTEX_WAIT;
// any clock or private flag) fails with err; the wait reports it and the
// count is untouched.
std::vector<std::string> wait_rules(const char* err_name) {
  return {injection::rule("futex", "a1&=0x7f:" + std::to_string(FUTEX_WAIT_BITSET), err_name),
          injection::rule("futex", "a1&=0x7f:" + std::to_string(FUTEX_WAIT), err_name)};
}

void no_op_handler(int) {}

// An EINTR from the kernel wait stands for a signal caught by a handler
// installed without SA_RESTART: install one (never sent), so a libc that
// checks for such a handler (musl) takes the EINTR as real.
void make_eintr_possible(int err) {
  if (err == EINTR) {
    struct sigaction sa {};
    sa.sa_handler = no_op_handler;
    sigemptyset(&sa.sa_mask);
    CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
  }
}

void after_failed_wait(sem_t* s) {
  int v = -1;
  CHILD_CHECK_OK(sem_getvalue(s, &v));
  CHILD_CHECK_EQ(v, 0);
  CHILD_CHECK_OK(sem_post(s));
  CHILD_CHECK_OK(sem_trywait(s));
  CHILD_CHECK_OK(sem_getvalue(s, &v));
  CHILD_CHECK_EQ(v, 0);
}

injection::Run failed_sem_wait(const char* err_name, int err) {
  Named n;
  return injection::run(wait_rules(err_name), [&n, err] {
    make_eintr_possible(err);
    CHILD_CHECK_ERRNO(sem_wait(n.sem.get()), err);
    after_failed_wait(n.sem.get());
  });
}

injection::Run failed_sem_timedwait(const char* err_name, int err) {
  Named n;
  return injection::run(wait_rules(err_name), [&n, err] {
    make_eintr_possible(err);
    timespec far{};
    clock_gettime(CLOCK_REALTIME, &far);
    far.tv_sec += 30;
    CHILD_CHECK_ERRNO(sem_timedwait(n.sem.get(), &far), err);
    after_failed_wait(n.sem.get());
  });
}

ERRPATH_CASE(SemWaitEintrKeepsCount, "injection.errpath.sem-wait-eintr",
             "XSH sem_wait() DESCRIPTION, RETURN VALUE, ERRORS",
             "sem_wait() whose kernel wait fails with EINTR returns -1 with EINTR and leaves "
             "the count as it was: a later post is taken by a later wait",
             failed_sem_wait, "futex", EINTR)
#define SEM_TIMEDWAIT_CASE(Name, id, ERR)                                                    \
  ERRPATH_CASE(Name, id, "XSH sem_timedwait() DESCRIPTION, RETURN VALUE, ERRORS",            \
               "sem_timedwait() whose kernel wait fails with " #ERR " returns -1 with " #ERR \
               " and leaves the count as it was",                                            \
               failed_sem_timedwait, "futex", ERR)

SEM_TIMEDWAIT_CASE(SemTimedwaitEintrKeepsCount, "injection.errpath.sem-timedwait-eintr", EINTR)
SEM_TIMEDWAIT_CASE(SemTimedwaitEtimedoutKeepsCount, "injection.errpath.sem-timedwait-etimedout",
                   ETIMEDOUT)

struct PostOutcome {
  int rc = 0;
  int err = 0;
  int value = -1;
};

SIGIPC_TEST_T(ErrorPaths, SemPostWithFailedWakeLosesNoCount, injection::kSpawnTimeoutS,
              "injection.errpath.sem-post-wake-efault", "XSH sem_post() DESCRIPTION and ERRORS",
              "sem_post() to a semaphore with a blocked waiter whose futex wake fails with "
              "EFAULT either succeeds with the count incremented or fails with the count "
              "unchanged: no count is lost, and a later post still wakes the waiter") {
  ERRPATH_REQUIRE_FILTERS();
  Mapping mem = Mapping::shared_anonymous(sizeof(sem_t));
  sem_t* s = mem.as<sem_t>();
  SETUP_OK(sem_init(s, 1, 0));
  Child waiter([s] { CHILD_CHECK_OK(sem_wait(s)); });
  ASSERT_TRUE(wait_until_sleeping(waiter.pid(), 15.0)) << "the waiter never blocked in sem_wait";
  injection::Shared<PostOutcome> out;
  auto r = injection::run(
      {injection::rule("futex", "a1&=0x7f:" + std::to_string(FUTEX_WAKE), "EFAULT")}, [s, &out] {
        errno = 0;
        out->rc = sem_post(s);
        out->err = errno;
        sem_getvalue(s, &out->value);
      });
  EXPECT_INJECTED_AND_HELD(r, "futex", EFAULT);
  if (out->rc == 0) {
    EXPECT_EQ(out->value, 1) << "sem_post returned 0 but the count did not grow";
    injection::note(std::string("sem_post returned 0 although its wake failed; waiter ") +
                    (process_state(waiter.pid()) == 'S' ? "still blocked" : "woken"));
  } else {
    EXPECT_EQ(out->err, EINVAL) << "sem_post failed with " << ErrnoText(out->err);
    EXPECT_EQ(out->value, 0) << "sem_post failed but the count changed";
  }
  // A later post must reach the waiter; whatever the failed post added stays.
  // Bounded: a libc that lost the failed wake leaves the waiter blocked for
  // good while the count is positive, a failure to report, not a hang.
  ASSERT_SUCCEEDS(sem_post(s));
  const std::optional<WaitStatus> done = wait_bounded(waiter, 0);
  if (!done) {
    int now = -1;
    sem_getvalue(s, &now);
    FAIL() << "the waiter is still blocked in sem_wait after a second post, with the count at "
           << now << ": the wake the first post lost was never made up";
  }
  EXPECT_CHILD_OK(*done);
  int v = -1;
  EXPECT_SUCCEEDS(sem_getvalue(s, &v));
  EXPECT_EQ(v, out->rc == 0 ? 1 : 0);
  sem_destroy(s);
}

// sem_unlink fails with the injected errno, reported as want. The name is
// not checked afterwards: glibc's sem_unlink is one unlink, which the kernel
// never ran.
injection::Run failed_sem_unlink(const char* err_name, int want) {
  Named n;
  return injection::run({injection::rule("unlink", "", err_name)},
                        [&n, want] { CHILD_CHECK_ERRNO(sem_unlink(n.name.c_str()), want); });
}

#define SEM_UNLINK_CASE(Name, id, ERR)                                                             \
  ERRPATH_CASE(Name, id, "XSH sem_unlink() RETURN VALUE, ERRORS",                                  \
               "sem_unlink() whose kernel unlink fails with " #ERR " returns -1 with errno " #ERR, \
               failed_sem_unlink, "unlink", ERR)

SEM_UNLINK_CASE(SemUnlinkEaccesIsReported, "injection.errpath.sem-unlink-eacces", EACCES)
SEM_UNLINK_CASE(SemUnlinkEnoentIsReported, "injection.errpath.sem-unlink-enoent", ENOENT)

injection::Run failed_sem_unlink_eperm(const char*, int) {
  return failed_sem_unlink("EPERM", EACCES);
}
ERRPATH_CASE(SemUnlinkReportsKernelEpermAsEacces, "injection.errpath.sem-unlink-eperm-as-eacces",
             "XSH sem_unlink() ERRORS; glibc sysdeps/pthread/sem_unlink.c (glibc-specific)",
             "sem_unlink() whose kernel unlink fails with EPERM returns -1 with EACCES, the "
             "errno XSH lists for permission denied",
             failed_sem_unlink_eperm, "unlink", EPERM)

}  // namespace
}  // namespace sigipc
