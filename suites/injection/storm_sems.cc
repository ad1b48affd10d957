// Semaphores under a signal storm: posters and waiters in several processes,
// each taking SIGUSR1/SIGUSR2 from an injector while it waits, with EINTR
// retried. Counts are conserved: every post is consumed by exactly one wait,
// none lost or doubled, and a semop() of several operations is all or nothing.
// XSH sem_post(), XSH sem_wait() [EINTR] (restarted under SA_RESTART on
// Linux, signal(7)); XSH semop() ("each operation ... performed atomically",
// [EINTR] always, signal(7)).
#include <fcntl.h>
#include <semaphore.h>
#include <sys/sem.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/storm_helpers.h"

namespace sigipc {
namespace {

using injection::TallyBoard;

constexpr int kPosters = 2, kWaiters = 2;
constexpr int kOpsEach = 3000;
// A wait longer than this means a post was lost; far beyond any passing run
// (scaled like the test's limit by SIGIPC_TIMEOUT_MUL).
const time_t kLostPostS = static_cast<time_t>(safety_net_seconds());

timespec lost_post_deadline() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += kLostPostS;
  return t;
}

// Ping-pong, so that nearly every wait blocks and the storm finds waiters
// asleep: posters post ping then wait for pong, waiters wait for ping then
// post pong. Posters go on (at least kOpsEach rounds) until the storm hit
// them. The last poster to finish sets `closing` and posts one more ping per
// waiter: every real ping was answered before its poster finished, so a
// waiter that takes a ping after `closing` took one of those and leaves.
// Both values start and must end at 0; a lost post leaves a process stuck
// (its timed wait fails), a doubled one a value above 0 or a pong too many.
void timed_wait(sem_t* sem) {
  const timespec until = lost_post_deadline();
  const int r = injection::retry_eintr([&] { return sem_timedwait(sem, &until); });
  if (r != 0 && errno == ETIMEDOUT)
    check_fail(__FILE__, __LINE__, "a post was lost: sem_timedwait() waited 5 s", nullptr, true);
  CHILD_CHECK_OK(r);
}

struct Closing {
  std::atomic<int> posters_done{0};
  std::atomic<int> closing{0};
};

void posix_sem_storm(sem_t* ping, sem_t* pong, bool restart) {
  TallyBoard board(kPosters + kWaiters);
  Mapping shared = Mapping::shared_anonymous(sizeof(Closing));
  Closing* shut = new (shared.get()) Closing;
  Gate ready, go;
  std::vector<Child> procs;
  for (int i = 0; i < kPosters + kWaiters; ++i) {
    const bool poster = i < kPosters;
    procs.emplace_back([&, i, poster] {
      injection::Tally& t = board.at(i);
      injection::child_install_handlers(&t, restart);
      ready.open();
      go.wait();
      const injection::WorkCap cap;
      t.begin();
      std::uint64_t rounds = 0;
      if (poster) {
        for (; rounds < kOpsEach || (!t.hit_enough() && !cap.passed()); ++rounds) {
          CHILD_CHECK_OK(sem_post(ping));
          timed_wait(pong);
        }
        if (shut->posters_done.fetch_add(1) + 1 == kPosters) {
          shut->closing.store(1);
          for (int w = 0; w < kWaiters; ++w) CHILD_CHECK_OK(sem_post(ping));
        }
      } else {
        for (;;) {
          timed_wait(ping);
          if (shut->closing.load()) break;
          CHILD_CHECK_OK(sem_post(pong));
          ++rounds;
        }
      }
      t.items.store(rounds);
      t.end();
    });
  }
  for (int i = 0; i < kPosters + kWaiters; ++i) ready.wait();
  injection::Storm storm;
  for (const Child& c : procs) storm.aim(c.pid());
  for (int i = 0; i < kPosters + kWaiters; ++i) go.open();
  for (Child& c : procs) EXPECT_CHILD_OK(c.wait());
  storm.stop();
  std::uint64_t posted = 0, answered = 0;
  for (int i = 0; i < kPosters + kWaiters; ++i)
    (i < kPosters ? posted : answered) += board.at(i).items.load();
  EXPECT_EQ(posted, answered) << "pings posted vs answered with a pong";
  for (sem_t* sem : {ping, pong}) {
    int value = -1;
    ASSERT_SUCCEEDS(sem_getvalue(sem, &value));
    EXPECT_EQ(value, 0) << (sem == ping ? "ping" : "pong") << ": " << posted
                        << " rounds must leave the value it started with";
  }
  EXPECT_TRUE(injection::StormHitTheTransfer(board, storm));
}

void unnamed_storm(bool restart) {
  Mapping m = Mapping::shared_anonymous(2 * sizeof(sem_t));
  sem_t* sems = m.as<sem_t>();
  SETUP_OK(sem_init(&sems[0], 1, 0));
  SETUP_OK(sem_init(&sems[1], 1, 0));
  posix_sem_storm(&sems[0], &sems[1], restart);
  sem_destroy(&sems[0]);
  sem_destroy(&sems[1]);
}

sem_t* open_new(const SemName& name) {
  sem_t* s = sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 0);
  if (s == SEM_FAILED) setup_error_errno(__FILE__, __LINE__, "sem_open()", errno);
  return s;
}

void named_storm(bool restart) {
  SemName ping_name("ping"), pong_name("pong");
  SemHandle ping(open_new(ping_name)), pong(open_new(pong_name));
  posix_sem_storm(ping.get(), pong.get(), restart);
}

SIGIPC_TEST(StormPosixSem, UnnamedSharedCountConservedWithSaRestart,
            "injection.storm.posix-sem-count.sa-restart",
            "XSH sem_post(); XSH sem_wait(); XSH sem_init()",
            "Under a signal storm (handlers with SA_RESTART), posts and waits by several "
            "processes on a process-shared unnamed semaphore are each counted exactly once") {
  unnamed_storm(true);
}

SIGIPC_TEST(StormPosixSem, UnnamedSharedCountConservedWithoutSaRestart,
            "injection.storm.posix-sem-count.no-sa-restart",
            "XSH sem_post(); XSH sem_wait() [EINTR]",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried), posts and waits "
            "by several processes on a process-shared unnamed semaphore are each counted "
            "exactly once; an interrupted wait took nothing") {
  unnamed_storm(false);
}

SIGIPC_TEST(StormPosixSem, NamedCountConservedWithSaRestart,
            "injection.storm.posix-named-sem-count.sa-restart",
            "XSH sem_post(); XSH sem_wait(); XSH sem_open()",
            "Under a signal storm (handlers with SA_RESTART), posts and waits by several "
            "processes on a named semaphore are each counted exactly once") {
  named_storm(true);
}

SIGIPC_TEST(StormPosixSem, NamedCountConservedWithoutSaRestart,
            "injection.storm.posix-named-sem-count.no-sa-restart",
            "XSH sem_post(); XSH sem_wait() [EINTR]; XSH sem_open()",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried), posts and waits "
            "by several processes on a named semaphore are each counted exactly once") {
  named_storm(false);
}

// System V: two semaphores, a fixed total moved between them by semop()
// calls of two operations ({0: -1, 1: +1} and {1: -1, 0: +1}). Atomicity
// means no snapshot (semctl GETALL) ever shows the total changed, and the
// moves balance out at the end.
constexpr unsigned short kTotal = 3;

void sysv_sem_storm(bool restart) {
  SysvId set(SysvId::kSem, create_sysv_sem(2));
  const int id = set.get();
  unsigned short init[2] = {kTotal, 0};
  SETUP_OK(semctl(id, 0, SETALL, init));
  TallyBoard board(kPosters + kWaiters + 1);
  Mapping done_map = Mapping::shared_anonymous(sizeof(std::atomic<int>));
  auto* done = new (done_map.get()) std::atomic<int>(0);
  Gate ready, go;
  std::vector<Child> procs;
  for (int i = 0; i < kPosters + kWaiters; ++i) {
    const unsigned short from = i % 2 == 0 ? 0 : 1, to = 1 - from;
    procs.emplace_back([&, i, from, to] {
      injection::Tally& t = board.at(i);
      injection::child_install_handlers(&t, restart);
      ready.open();
      go.wait();
      t.begin();
      sembuf ops[2] = {{from, -1, 0}, {to, +1, 0}};
      const timespec lost{kLostPostS, 0};
      for (int n = 0; n < kOpsEach; ++n) {
        const int r = injection::retry_eintr([&] { return semtimedop(id, ops, 2, &lost); });
        if (r != 0 && errno == EAGAIN)
          check_fail(__FILE__, __LINE__, "semtimedop() waited out the safety net: a unit was lost",
                     nullptr, true);
        CHILD_CHECK_OK(r);
      }
      t.end();
      done->fetch_add(1);
    });
  }
  for (int i = 0; i < kPosters + kWaiters; ++i) ready.wait();
  const int observer = kPosters + kWaiters;
  injection::Handlers handlers(&board.at(observer), restart);
  injection::Storm storm;
  for (const Child& c : procs) storm.aim(c.pid());
  storm.aim(getpid());
  for (int i = 0; i < kPosters + kWaiters; ++i) go.open();
  std::string problem;
  std::uint64_t snapshots = 0;
  board.at(observer).begin();
  while (done->load() < kPosters + kWaiters && problem.empty()) {
    unsigned short now[2] = {0, 0};
    if (injection::retry_eintr([&] { return semctl(id, 0, GETALL, now); }) != 0) {
      problem = "semctl(GETALL) failed with " + ErrnoText(errno);
      break;
    }
    ++snapshots;
    if (now[0] + now[1] != kTotal)
      problem = "a snapshot shows " + std::to_string(now[0]) + " + " + std::to_string(now[1]) +
                ": a two-operation semop() was seen half done";
  }
  board.at(observer).end();
  for (Child& c : procs) EXPECT_CHILD_OK(c.wait());
  storm.stop();
  EXPECT_EQ(problem, "") << "after " << snapshots << " snapshots";
  unsigned short end[2] = {0, 0};
  ASSERT_SUCCEEDS(semctl(id, 0, GETALL, end));
  EXPECT_EQ(end[0], kTotal);
  EXPECT_EQ(end[1], 0);
  EXPECT_TRUE(injection::StormHitTheTransfer(board, storm));
}

SIGIPC_TEST(StormSysvSem, MultiOpSemopAtomicAndCountsConservedWithSaRestart,
            "injection.storm.sysv-semop-atomic.sa-restart", "XSH semop(); signal(7)",
            "Under a signal storm (handlers with SA_RESTART; semop still fails with EINTR, "
            "retried), two-operation semop() calls by several processes are atomic and the "
            "semaphore total is conserved") {
  sysv_sem_storm(true);
}

SIGIPC_TEST(StormSysvSem, MultiOpSemopAtomicAndCountsConservedWithoutSaRestart,
            "injection.storm.sysv-semop-atomic.no-sa-restart", "XSH semop() [EINTR]; signal(7)",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried), two-operation "
            "semop() calls by several processes are atomic, an interrupted one changed nothing, "
            "and the semaphore total is conserved") {
  sysv_sem_storm(false);
}

}  // namespace
}  // namespace sigipc
