// Shared by the interruption-rules table (interrupt_*.cc): for each blocking
// call, what a caught signal does to it with and without SA_RESTART, as
// signal(7) "Interruption of system calls and library functions by signal
// handlers" and the XSH pages say. Where each call is tested:
//
//   restarted under SA_RESTART, else EINTR
//     pipe read()/write() (1 byte)   suites/signals/flags_restart.cc
//     pipe readv()/writev()          interrupt_pipes.cc
//     write() after moving data      interrupt_pipes.cc (returns the count)
//     FIFO open() reader / writer    interrupt_fifo_open.cc
//     mq_send/receive (+ timed)      interrupt_posix_mq.cc
//     sem_wait()/sem_timedwait()     interrupt_posix_sem.cc (Linux: timed = EINTR)
//     wait()/waitpid()               suites/signals/flags_restart.cc
//     waitid()/wait4()               interrupt_wait.cc
//     fcntl(F_SETLKW)/flock()        interrupt_locks.cc
//   EINTR whatever SA_RESTART says (Linux; POSIX differs for some: see each file)
//     msgsnd/msgrcv/semop/semtimedop interrupt_sysv.cc
//     sigtimedwait/sigwaitinfo/sigsuspend/pause   interrupt_sigwait.cc
//     nanosleep/clock_nanosleep      interrupt_sleep.cc
//     poll/select (SA_RESTART)       suites/signals/flags_restart.cc
//     poll/select (without), pselect/ppoll/epoll_wait   interrupt_multiplex.cc
//   the same rules at random points under a seeded signal storm
//                                    interrupt_random.cc
//
// Every single-interruption test uses InterruptOnce() (fixtures/interrupt.h):
// the call blocks in a child whose SIGUSR1 handler has or lacks SA_RESTART;
// once the child sleeps the test process signals it, waits for the handler's
// byte, then releases the call (data, room, a post, a child's exit). A
// restarted call then completes with the released result; one that failed
// with EINTR has already returned, and the test checks the release was not
// consumed. For calls nothing can release (sleeps, pause) a restarted call
// stays blocked past the safety net, which InterruptOnce reports as a failure.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <optional>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/process.h"
#include "suites/injection/storm_helpers.h"

// EXPECT_TRUE on InterruptOnce()'s result, printing its message rather than
// the source text of the lambdas.
#define EXPECT_INTERRUPT_OK(expr)                                  \
  do {                                                             \
    const ::testing::AssertionResult sigipc_interrupt_r_ = (expr); \
    EXPECT_TRUE(sigipc_interrupt_r_);                              \
  } while (0)

namespace sigipc {
namespace injection {

// Timeouts of the timed calls: far beyond the safety net, so they never
// expire in a passing run; a call that reaches one has already failed.
constexpr long kFarSeconds = 30;

// An absolute deadline kFarSeconds after now on clock c.
inline timespec far_deadline(clockid_t c) {
  timespec t{};
  SETUP_OK(clock_gettime(c, &t));
  t.tv_sec += kFarSeconds;
  return t;
}

inline timespec far_interval() { return timespec{kFarSeconds, 0}; }

// For calls whose restart nothing could complete.
inline void release_nothing() {}

// One byte to fd from the test process (a setup step).
inline void put_byte(int fd, char c = 'x') {
  if (write(fd, &c, 1) != 1) setup_error_errno(__FILE__, __LINE__, "write(release byte)", errno);
}

// Sends a long long through a pipe from a child (async-signal-safe).
inline void send_count(int fd, long long v) noexcept {
  ssize_t w = write(fd, &v, sizeof v);
  CHILD_CHECK_EQ(w, static_cast<ssize_t>(sizeof v));
}

// Reads the long long a child sent; false when the child sent none.
inline bool recv_count(int fd, long long* v) {
  ssize_t n;
  do {
    n = read(fd, v, sizeof *v);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof *v);
}

// ---- random interruption points (the signal injector) ----
//
// A producer and a consumer child pass kSequenceItems numbered items through
// one IPC object while a seeded signal storm (storm_helpers.h: SIGUSR1 and
// SIGUSR2 from injectors/signal_injector.h, one injector per child, seeded
// from the run's seed) hits both. Every blocking call's result is classified:
// completed, or -1/EINTR (then retried), anything else a failure. EINTR is a
// failure under SA_RESTART for the calls signal(7) restarts; for the calls it
// never restarts it stays allowed. The consumer checks it receives every item
// once, in order: an interrupted call never loses or repeats data.

// The sequence runs until it has moved kSequenceItems items and each child
// has taken kSequenceMinHits storm signals since it began (so the storm certainly
// reached blocking calls), at most kMaxItems; then the producer sends kSequenceEnd.
constexpr long kSequenceItems = 3000;
constexpr std::uint64_t kSequenceMinHits = 200;
constexpr long kMaxItems = 1000000;
constexpr long kSequenceEnd = 0x7fffffffL;

// How a family moves one item; each returns 0 (or the item) on success, -1
// with errno set on failure, and is called again after EINTR.
struct ItemChannel {
  std::function<int(long item)> produce;
  std::function<long()> consume;
};

enum class Restartable { kYes, kNever };

// In a child: runs op until it succeeds, counting EINTR, which must not
// happen under SA_RESTART for a restartable call. Returns op's result.
template <class Op>
long complete_or_eintr(Op op, bool restart, Restartable kind, const char* what) noexcept {
  for (;;) {
    errno = 0;
    const long r = op();
    if (r != -1) return r;
    const int e = errno;
    if (e == EINTR) {
      injection::note_eintr();
      if (restart && kind == Restartable::kYes)
        check_fail(__FILE__, __LINE__, what, "failed with EINTR under SA_RESTART", true);
      continue;
    }
    check_fail_errno(__FILE__, __LINE__, what, EINTR, r, e, true);
  }
}

// Runs the sequence under the storm; the result says whether both children
// ended with their checks held and the storm reached each while it ran.
inline ::testing::AssertionResult RandomInterruptions(const ItemChannel& ch, bool restart,
                                                      Restartable kind, const char* what) {
  injection::TallyBoard board(2);
  // ready: the handlers are in place (before that a storm signal would kill);
  // go: the storm is on.
  Gate ready_producer, ready_consumer, go_producer, go_consumer;
  Child producer([&] {
    injection::child_install_handlers(&board.at(0), restart);
    ready_producer.open();
    go_producer.wait();
    board.at(0).begin();
    auto hits = [&](int k) { return board.at(k).handled.load() - board.at(k).at_begin.load(); };
    for (long i = 0; i < kMaxItems; ++i) {
      if (i >= kSequenceItems && hits(0) >= kSequenceMinHits && hits(1) >= kSequenceMinHits) break;
      complete_or_eintr([&] { return static_cast<long>(ch.produce(i)); }, restart, kind, what);
    }
    complete_or_eintr([&] { return static_cast<long>(ch.produce(kSequenceEnd)); }, restart, kind,
                      what);
    board.at(0).end();
  });
  Child consumer([&] {
    injection::child_install_handlers(&board.at(1), restart);
    ready_consumer.open();
    go_consumer.wait();
    board.at(1).begin();
    for (long i = 0;; ++i) {
      const long got = complete_or_eintr([&] { return ch.consume(); }, restart, kind, what);
      if (got == kSequenceEnd && i >= kSequenceItems) break;
      CHILD_CHECK_EQ(got, i);
    }
    board.at(1).end();
  });
  ready_producer.wait();
  ready_consumer.wait();
  injection::Storm storm;
  storm.aim(producer.pid());
  storm.aim(consumer.pid());
  go_producer.open();
  go_consumer.open();
  std::optional<WaitStatus> ps = wait_bounded(producer, 0);
  std::optional<WaitStatus> cs = wait_bounded(consumer, 0);
  storm.stop();
  if (!ps || !cs)
    return ::testing::AssertionFailure()
           << what
           << ": the sequence did not finish within the safety net (storm: " << storm.summary()
           << ")";
  ::testing::AssertionResult r = ExitedWith(*ps, 0);
  if (!r) return r << " (producer, " << what << ")";
  r = ExitedWith(*cs, 0);
  if (!r) return r << " (consumer, " << what << ")";
  ::testing::AssertionResult hit = injection::StormHitEveryProcess(board, storm);
  if (!hit) return hit;
  // Without SA_RESTART, hundreds of handler runs in processes that spend
  // their time blocked must end some blocking call with EINTR: none at all
  // means the calls were restarted, which the rule forbids.
  const std::uint64_t eintr = board.at(0).eintr.load() + board.at(1).eintr.load();
  if (!restart && eintr == 0)
    return ::testing::AssertionFailure()
           << what << ": no call failed with EINTR although handlers without SA_RESTART ran;"
           << hit.message();
  return hit;
}

}  // namespace injection
}  // namespace sigipc
