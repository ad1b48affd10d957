// Missing (ENOSYS) versus denied (EPERM) for the calls libc makes to start
// threads and processes, as container profiles and old kernels present them.
// glibc 2.36 / x86_64 (strace): pthread_create and posix_spawn -> clone3
// (glibc 2.34+ __clone_internal, which falls back to clone only when clone3
// fails with ENOSYS: sysdeps/unix/sysv/linux/clone-internal.c); fork ->
// clone (never clone3); a new thread and a newly exec'd program register
// with rseq (glibc 2.35 NEWS "Support for automatically registering threads
// with the Linux rseq system call"; the glibc manual's "Restartable
// Sequences" section: registration may fail and the program runs on, with
// __rseq_size 0). Linux-specific; musl (1.2.4) makes neither clone3 nor rseq
// and older glibc neither (missing_denied_helpers.h says what that means).
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/exec_helper.h"
#include "suites/injection/missing_denied_helpers.h"

extern char** environ;

namespace sigipc {
namespace {

using injection::Outcome;

void* mark_ran(void* arg) {
  *static_cast<volatile bool*>(arg) = true;
  return nullptr;
}

// pthread_create + join of a thread that marks it ran.
void create_thread(Outcome* o) {
  pthread_t t;
  volatile bool ran = false;
  o->rc = pthread_create(&t, nullptr, mark_ran, const_cast<bool*>(&ran));
  o->err = static_cast<int>(o->rc);
  if (o->rc == 0) {
    pthread_join(t, nullptr);
    o->works = ran;
  }
}

// posix_spawn of /bin/true, waited for.
void spawn_true(Outcome* o) {
  pid_t pid = -1;
  char arg0[] = "true";
  char* argv[] = {arg0, nullptr};
  o->rc = posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ);
  o->err = static_cast<int>(o->rc);
  if (o->rc == 0) {
    int st = 0;
    o->works = waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }
}

void fork_child(Outcome* o) {
  errno = 0;
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  o->rc = pid < 0 ? -1 : 0;
  o->err = errno;
  if (pid > 0) {
    int st = 0;
    o->works = waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }
}

SIGIPC_TEST_T(MissingVsDenied, PthreadCreateFallsBackFromClone3OnEnosys, injection::kSpawnTimeoutS,
              "injection.missing.pthread-create-clone3-enosys",
              "glibc 2.34+ clone-internal.c (Linux/glibc-specific)",
              "With clone3 missing (ENOSYS), pthread_create() still starts a thread that runs "
              "(glibc falls back to clone)") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_TRUE(injection::SucceededUnder("pthread_create", "clone3", "ENOSYS", ENOSYS, create_thread,
                                        "the thread never ran", "2.34"));
}

SIGIPC_TEST_T(MissingVsDenied, PthreadCreateFailsWhenClone3IsDenied, injection::kSpawnTimeoutS,
              "injection.missing.pthread-create-clone3-eperm",
              "glibc 2.34+ clone-internal.c; XSH pthread_create() RETURN VALUE "
              "(Linux/glibc-specific)",
              "With clone3 denied (EPERM), pthread_create() does not fall back (only ENOSYS "
              "means missing): it returns an error number and no thread runs") {
  ERRPATH_REQUIRE_FILTERS();
  const injection::Tried t = injection::try_under("clone3", "EPERM", create_thread);
  MISSING_REQUIRE_TRIED(t, "pthread_create", "clone3", EPERM, "2.34");
  EXPECT_INJECTED_AND_HELD(t.run, "clone3", EPERM);
  EXPECT_NE(t.out.rc, 0) << "pthread_create succeeded although clone3 was denied: it fell back";
  EXPECT_FALSE(t.out.works);
  injection::note("pthread_create under clone3=EPERM returned " + ErrnoText(t.out.err));
}

SIGIPC_TEST_T(MissingVsDenied, PosixSpawnFallsBackFromClone3OnEnosys, injection::kSpawnTimeoutS,
              "injection.missing.posix-spawn-clone3-enosys",
              "glibc 2.34+ clone-internal.c (Linux/glibc-specific)",
              "With clone3 missing (ENOSYS), posix_spawn() still starts the program (glibc "
              "falls back to clone)") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_TRUE(injection::SucceededUnder("posix_spawn", "clone3", "ENOSYS", ENOSYS, spawn_true,
                                        "/bin/true did not run to exit 0", "2.34"));
}

SIGIPC_TEST_T(MissingVsDenied, PosixSpawnReturnsEpermWhenClone3IsDenied, injection::kSpawnTimeoutS,
              "injection.missing.posix-spawn-clone3-eperm",
              "glibc 2.34+ clone-internal.c; XSH posix_spawn() RETURN VALUE "
              "(Linux/glibc-specific)",
              "With clone3 denied (EPERM), posix_spawn() does not fall back: it returns the "
              "error number EPERM (not -1) and starts nothing") {
  ERRPATH_REQUIRE_FILTERS();
  const injection::Tried t = injection::try_under("clone3", "EPERM", spawn_true);
  MISSING_REQUIRE_TRIED(t, "posix_spawn", "clone3", EPERM, "2.34");
  EXPECT_INJECTED_AND_HELD(t.run, "clone3", EPERM);
  EXPECT_EQ(t.out.rc, EPERM) << "posix_spawn returned " << t.out.rc;
  EXPECT_FALSE(t.out.works);
}

SIGIPC_TEST_T(MissingVsDenied, ForkSucceedsWithClone3Missing, injection::kSpawnTimeoutS,
              "injection.missing.fork-clone3-enosys",
              "XSH fork(); glibc 2.36 arch_fork "
              "(Linux/glibc-specific)",
              "With clone3 missing (ENOSYS), fork() still creates a child (glibc's fork uses "
              "clone, or falls back to it)") {
  ERRPATH_REQUIRE_FILTERS();
  const injection::Tried t = injection::try_under("clone3", "ENOSYS", fork_child);
  EXPECT_CHILD_OK(t.run.status);
  EXPECT_EQ(t.out.rc, 0) << "fork failed with " << ErrnoText(t.out.err);
  EXPECT_TRUE(t.out.works);
  injection::note(t.run.count("clone3") ? "fork tried clone3 first, then fell back"
                                        : "fork never tried clone3");
}

SIGIPC_TEST_T(MissingVsDenied, ForkSucceedsWithClone3Denied, injection::kSpawnTimeoutS,
              "injection.missing.fork-clone3-eperm",
              "XSH fork(); glibc 2.36 arch_fork "
              "(Linux/glibc-specific)",
              "With clone3 denied (EPERM), fork() on glibc 2.36 still creates a child: it "
              "calls clone, never clone3") {
  ERRPATH_REQUIRE_FILTERS();
  const injection::Tried t = injection::try_under("clone3", "EPERM", fork_child);
  EXPECT_CHILD_OK(t.run.status);
  EXPECT_EQ(t.run.count("clone3"), 0u) << "fork tried clone3: " << t.run.describe_log();
  EXPECT_EQ(t.out.rc, 0) << "fork failed with " << ErrnoText(t.out.err);
  EXPECT_TRUE(t.out.works);
}

SIGIPC_TEST_T(MissingVsDenied, ForkPassesCloneEnosysThrough, injection::kSpawnTimeoutS,
              "injection.missing.fork-clone-enosys", "XSH fork() ERRORS (Linux/glibc-specific)",
              "With clone missing (ENOSYS), fork() either falls back (to clone3) and creates a "
              "child or fails with -1 and ENOSYS unchanged") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_TRUE(injection::FellBackOrPassedThroughUnder("fork()", "clone", "ENOSYS", ENOSYS,
                                                      fork_child, false, ""));
}

SIGIPC_TEST_T(MissingVsDenied, ForkPassesCloneEpermThrough, injection::kSpawnTimeoutS,
              "injection.missing.fork-clone-eperm", "XSH fork() ERRORS (Linux/glibc-specific)",
              "With clone denied (EPERM), fork() either falls back and creates a child or fails "
              "with -1 and EPERM unchanged") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_TRUE(injection::FellBackOrPassedThroughUnder("fork()", "clone", "EPERM", EPERM, fork_child,
                                                      false, ""));
}

// A thread started by a process whose main thread registered rseq, when the
// new thread's own registration fails. glibc treats that as fatal
// (nptl/pthread_create.c start_thread: "Fatal glibc error: rseq registration
// failed", then abort), since __rseq_offset promises every thread an rseq
// area once the process has one; a libc without that rule (or without rseq
// registration: musl, glibc before 2.35) must at least run the thread.
// glibc 2.35+ exports __rseq_size and sets it to 0 when the main thread's
// registration failed (a kernel without rseq, or glibc.pthread.rseq=0): its
// threads then never try rseq, and the rule has nothing to act on. Weak, so
// a libc without the symbol links (its address is then null).
extern "C" const unsigned int __rseq_size __attribute__((weak));
constexpr const char* kNoRseqRegistration =
    "this process has no rseq registration (__rseq_size is 0: a kernel without rseq, or "
    "glibc.pthread.rseq=0), so no new thread tries it";
bool process_lacks_rseq() { return &__rseq_size != nullptr && __rseq_size == 0; }

void expect_thread_verdict(const char* err_name, int err) {
  const injection::Tried t = injection::try_under("rseq", err_name, create_thread);
  const injection::Run& r = t.run;
  if (r.count("rseq", err) == 0) {
    EXPECT_TRUE(injection::WorkedWithoutTrying(t, "a new thread", "rseq", err, "2.35"));
    return;
  }
  if (injection::platform().libc == "glibc") {
    EXPECT_TRUE(KilledBy(r.status, SIGABRT))
        << "glibc ends the process when a new thread cannot register rseq; here the child "
        << r.status.describe() << (t.out.works ? " and the thread ran" : "");
    injection::note("glibc: thread start with rseq=" + ErrnoText(err) + " -> " +
                    r.status.describe());
  } else {
    EXPECT_CHILD_OK(r.status);
    EXPECT_TRUE(t.out.works) << "the thread never ran";
  }
}

SIGIPC_TEST_T(MissingVsDenied, NewThreadWithRseqMissingIsFatalOnGlibc, injection::kSpawnTimeoutS,
              "injection.missing.rseq-enosys-thread",
              "glibc 2.35 NEWS (rseq registration); glibc nptl/pthread_create.c start_thread "
              "(Linux/glibc-specific)",
              "A new thread whose rseq registration fails with ENOSYS, in a process whose main "
              "thread registered, ends the process with glibc's fatal error (SIGABRT); another "
              "libc must run the thread") {
  ERRPATH_REQUIRE_FILTERS();
  if (process_lacks_rseq()) SIGIPC_UNSUPPORTED(kNoRseqRegistration);
  expect_thread_verdict("ENOSYS", ENOSYS);
}

SIGIPC_TEST_T(MissingVsDenied, NewThreadWithRseqDeniedIsFatalOnGlibc, injection::kSpawnTimeoutS,
              "injection.missing.rseq-eperm-thread",
              "glibc 2.35 NEWS (rseq registration); glibc nptl/pthread_create.c start_thread "
              "(Linux/glibc-specific)",
              "A new thread whose rseq registration fails with EPERM, in a process whose main "
              "thread registered, ends the process with glibc's fatal error (SIGABRT); another "
              "libc must run the thread") {
  ERRPATH_REQUIRE_FILTERS();
  if (process_lacks_rseq()) SIGIPC_UNSUPPORTED(kNoRseqRegistration);
  expect_thread_verdict("EPERM", EPERM);
}

// Exec'd by the tests below: starts a thread and joins it; 0 when it ran.
SIGIPC_EXEC_HELPER(errpath_thread_runs) {
  Outcome o;
  create_thread(&o);
  return o.rc == 0 && o.works ? 0 : 1;
}

// Execs errpath_thread_runs under the rule, so the filter is there from the
// program's first instruction (as in a container): the main thread's rseq
// registration fails at start-up, then a thread is created.
void exec_thread_program(Outcome* o) {
  ExecArgv argv("errpath_thread_runs", {});
  pid_t pid = fork();
  if (pid == 0) {
    argv.exec();
    _exit(127);
  }
  int st = 0;
  o->rc = pid > 0 && waitpid(pid, &st, 0) == pid ? 0 : -1;
  o->err = st;
  o->works = WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

// The program exec'd under "rseq=ERR" ran its thread to exit 0.
void ExpectProgramThreadsRun(const char* err_name, int err) {
  const injection::Tried t = injection::try_under("rseq", err_name, exec_thread_program);
  if (t.run.count("rseq", err) == 0) {
    EXPECT_TRUE(injection::WorkedWithoutTrying(t, "the program", "rseq", err, "2.35"))
        << "the program " << WaitStatus(t.out.err).describe();
    return;
  }
  EXPECT_INJECTED_AND_HELD(t.run, "rseq", err);
  EXPECT_TRUE(t.out.works) << "the program " << WaitStatus(t.out.err).describe();
}

SIGIPC_TEST_T(MissingVsDenied, ThreadsRunInProgramStartedWithRseqMissing, injection::kSpawnTimeoutS,
              "injection.missing.rseq-enosys-program-threads",
              "glibc 2.35 NEWS (rseq registration); glibc manual \"Restartable Sequences\" "
              "(Linux/glibc-specific)",
              "A program started with rseq missing (ENOSYS) runs, and so do the threads it "
              "creates: registration failing from the start is not an error") {
  ERRPATH_REQUIRE_FILTERS();
  ExpectProgramThreadsRun("ENOSYS", ENOSYS);
}

SIGIPC_TEST_T(MissingVsDenied, ThreadsRunInProgramStartedWithRseqDenied, injection::kSpawnTimeoutS,
              "injection.missing.rseq-eperm-program-threads",
              "glibc 2.35 NEWS (rseq registration); glibc manual \"Restartable Sequences\" "
              "(Linux/glibc-specific)",
              "A program started with rseq denied (EPERM) runs, and so do the threads it "
              "creates") {
  ERRPATH_REQUIRE_FILTERS();
  ExpectProgramThreadsRun("EPERM", EPERM);
}

SIGIPC_TEST_T(MissingVsDenied, ProgramStartsWithRseqDenied, injection::kSpawnTimeoutS,
              "injection.missing.rseq-eperm-exec",
              "glibc 2.35 NEWS (rseq registration); glibc manual \"Restartable Sequences\" "
              "(Linux/glibc-specific)",
              "With rseq denied (EPERM), a newly exec'd program's start-up registration fails "
              "and the program still runs to its normal exit") {
  ERRPATH_REQUIRE_FILTERS();
  EXPECT_TRUE(injection::SucceededUnder("posix_spawn", "rseq", "EPERM", EPERM, spawn_true,
                                        "/bin/true did not exit 0", "2.35"));
}

}  // namespace
}  // namespace sigipc
