// Shared by the signal-storm invariant suites (storm_*.cc): a storm of
// standard signals (SIGUSR1, SIGUSR2 from injectors/signal_injector.h) aimed
// at every process taking part in a transfer, handlers that count deliveries
// in memory shared with the test, and the proof that the storm hit the
// transfer (deliveries between its start and its end), without which a
// passing invariant says nothing.
#pragma once

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"
#include "injectors/signal_injector.h"

namespace sigipc {
namespace injection {

// Per target process. Fast enough that hundreds of signals land inside the
// transfer's blocking calls, far below kMaxRateHz and the livelock rate.
constexpr double kStormHz = 8000;

// The run's seed (sigipc run --seed, SIGIPC_SEED), so a failing storm can be
// replayed; fixed when the binary is run by hand.
inline std::uint64_t run_seed() {
  const char* s = getenv(kEnvSeed);
  return s && *s ? std::strtoull(s, nullptr, 10) : 20261126;
}

// One process's counters, in a shared mapping. Lock-free atomics work across
// processes sharing the memory.
struct Tally {
  std::atomic<std::uint64_t> handled;   // handler runs
  std::atomic<std::uint64_t> at_begin;  // handled when the transfer began
  std::atomic<std::uint64_t> at_end;    // ... and when it ended
  std::atomic<std::uint64_t> eintr;     // calls that failed with EINTR
  std::atomic<std::uint64_t> short_io;  // reads/writes that moved fewer bytes than asked
  std::atomic<std::uint64_t> items;     // what a worker produced (records, messages, bytes)
  std::atomic<std::uint64_t> progress;  // ... so far, while it works (stall reports)
  std::uint64_t during() const { return at_end.load() - at_begin.load(); }
  // True once kMinHits deliveries came in since begin(): a worker whose
  // amount of work is open goes on until then (or until its safety cap).
  bool hit_enough() const;
  void begin() { at_begin.store(handled.load()); }
  void end() { at_end.store(handled.load()); }
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "tallies need lock-free atomics");

// Storm deliveries a worker with open-ended work waits for during its
// transfer, and the time after which it stops anyway (the hit check then
// fails): on a loaded machine a sender may get no CPU for a fixed-size
// transfer's whole few milliseconds.
constexpr std::uint64_t kMinHits = 5;
constexpr double kWorkCapS = 4.0;

inline bool Tally::hit_enough() const { return handled.load() - at_begin.load() >= kMinHits; }

// A monotonic deadline kWorkCapS from now, and whether it passed.
// Async-signal-safe (clock_gettime).
struct WorkCap {
  timespec end{};
  WorkCap() {
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += static_cast<time_t>(kWorkCapS);
  }
  bool passed() const {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec);
  }
};

// Where this process's handler counts (each process points it at its slot).
inline Tally* g_tally = nullptr;

inline void count_delivery(int) {
  if (g_tally) g_tally->handled.fetch_add(1, std::memory_order_relaxed);
}

inline void note_eintr() {
  if (g_tally) g_tally->eintr.fetch_add(1, std::memory_order_relaxed);
}

// Tallies for n processes, zeroed, shared with children forked afterwards.
class TallyBoard {
 public:
  explicit TallyBoard(int n)
      : map_(Mapping::shared_anonymous(sizeof(Tally) * static_cast<std::size_t>(n))), n_(n) {
    for (int i = 0; i < n; ++i) new (&at(i)) Tally{};
  }
  Tally& at(int i) const { return map_.as<Tally>()[i]; }
  int size() const { return n_; }

 private:
  Mapping map_;
  int n_;
};

// In a forked child: count storm deliveries in slot, with or without
// SA_RESTART. Async-signal-safe.
inline void child_install_handlers(Tally* slot, bool restart) noexcept {
  g_tally = slot;
  struct sigaction sa {};
  sa.sa_handler = count_delivery;
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
  CHILD_CHECK_OK(sigaction(SIGUSR2, &sa, nullptr));
}

// The same for the test process, restored at scope exit.
class Handlers {
 public:
  Handlers(Tally* slot, bool restart)
      : usr1_(SIGUSR1, count_delivery, restart ? SA_RESTART : 0),
        usr2_(SIGUSR2, count_delivery, restart ? SA_RESTART : 0) {
    g_tally = slot;
  }
  ~Handlers() { g_tally = nullptr; }

 private:
  SignalAction usr1_, usr2_;
};

// One injector per target, SIGUSR1/SIGUSR2 by kill(), seeded from the run's
// seed and the target's index. stop() ends them all (also on destruction).
class Storm {
 public:
  explicit Storm(double rate_hz = kStormHz) : rate_(rate_hz) {}
  void aim(pid_t pid) {
    inject::SignalPlan plan;
    plan.signals = {SIGUSR1, SIGUSR2};
    plan.rate_hz = rate_;
    plan.seed = run_seed() * 1000003u + injectors_.size();
    plan.via = inject::Via::kKill;
    injectors_.push_back(std::make_unique<inject::SignalInjector>(plan));
    injectors_.back()->start(pid);
  }
  // Total signals sent; a description of each injector for messages.
  std::uint64_t stop() {
    std::uint64_t sent = 0;
    for (auto& i : injectors_) {
      const inject::SignalCounts c = i->stop();
      sent += c.sent;
      summary_ += inject::describe(c) + "; ";
    }
    return sent;
  }
  const std::string& summary() const { return summary_; }

 private:
  double rate_;
  std::vector<std::unique_ptr<inject::SignalInjector>> injectors_;
  std::string summary_;
};

// The proof: storm signals reached the processes' handlers while the
// transfer ran. Counted over all processes of the transfer: one process may
// go unhit on a loaded machine (its sender starved of CPU for the few
// hundred ms a transfer lasts), which proves nothing about the platform.
inline ::testing::AssertionResult StormHitTheTransfer(const TallyBoard& b, const Storm& s) {
  std::string per;
  std::uint64_t total = 0;
  for (int i = 0; i < b.size(); ++i) {
    per += " [" + std::to_string(i) + "] " + std::to_string(b.at(i).during()) + " delivered, " +
           std::to_string(b.at(i).eintr.load()) + " EINTR, " +
           std::to_string(b.at(i).short_io.load()) + " short;";
    total += b.at(i).during();
  }
  if (total > 0) {
    emit("note", ("storm deliveries during the transfer, per process:" + per).c_str());
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "no storm signal was delivered during the transfer, so the invariant was not "
            "tested under signals:"
         << per << " storm: " << s.summary();
}

// The strict form (also used by interrupt_helpers.h, whose sequences run
// until each process took its share): every process was hit.
inline ::testing::AssertionResult StormHitEveryProcess(const TallyBoard& b, const Storm& s) {
  std::string per;
  bool all = true;
  for (int i = 0; i < b.size(); ++i) {
    per += " [" + std::to_string(i) + "] " + std::to_string(b.at(i).during()) + " delivered, " +
           std::to_string(b.at(i).eintr.load()) + " EINTR, " +
           std::to_string(b.at(i).short_io.load()) + " short;";
    all = all && b.at(i).during() > 0;
  }
  if (all) {
    emit("note", ("storm deliveries during the transfer, per process:" + per).c_str());
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "a process took no storm signal during the transfer, so the invariant was not "
            "tested under signals:"
         << per << " storm: " << s.summary();
}

// Retries EINTR (counted) around a call returning -1 on failure.
template <class F>
auto retry_eintr(F f) -> decltype(f()) {
  for (;;) {
    auto r = f();
    if (r != -1 || errno != EINTR) return r;
    note_eintr();
  }
}

// The receiver's safety net against a platform that loses a wake-up: a
// process blocked for good in a queue call would otherwise hang the test
// until the runner's TIMEOUT, which says nothing about where. While it
// lives, SIGALRM (no SA_RESTART) interrupts a blocked call every
// kWatchTickUs; a loop that has taken nothing for safety_net_seconds() stops
// and reports the state it was waiting in. Not a clock of the test: a
// passing run never comes near the limit.
class StallWatch {
 public:
  static constexpr long kWatchTickUs = 250000;
  StallWatch() : alarm_(SIGALRM, tick, 0), timer_(ITIMER_REAL), limit_(safety_net_seconds()) {
    itimerval v{};
    v.it_value.tv_usec = kWatchTickUs;
    v.it_interval.tv_usec = kWatchTickUs;
    timer_.arm(v);
    progress();
  }
  void progress() { last_ = monotonic_seconds(); }
  bool stalled() const { return monotonic_seconds() - last_ > limit_; }
  // "for 5.0 s" (the limit that passed), for messages.
  std::string span() const {
    char b[32];
    std::snprintf(b, sizeof b, "for %.1f s", limit_);
    return b;
  }

 private:
  static void tick(int) {}
  SignalAction alarm_;
  IntervalTimer timer_;
  double limit_;
  double last_ = 0;
};

// retry_eintr() that gives up (returning -1 with errno EINTR) once w says
// the loop stalled.
template <class F>
auto retry_eintr_unless_stalled(const StallWatch& w, F f) -> decltype(f()) {
  for (;;) {
    auto r = f();
    if (r != -1 || errno != EINTR) return r;
    note_eintr();
    if (w.stalled()) {
      errno = EINTR;
      return r;
    }
  }
}

// What each sender had done when a receive loop stalled: "sender 0 sent
// 812 (done), sender 1 sent 790 (still sending)".
inline std::string sender_progress(const TallyBoard& b, int senders) {
  std::string s;
  for (int i = 0; i < senders; ++i) {
    const Tally& t = b.at(i);
    s += (i ? ", " : "") + std::string("sender ") + std::to_string(i) + " sent " +
         std::to_string(t.progress.load()) + (t.items.load() ? " (done)" : " (still sending)");
  }
  return s;
}

// The driver every producer/consumer storm shares: `senders` forked
// children, each released at once when all are ready, run send(index,
// its tally) with storm handlers installed; the test process, the storm
// aimed at all of them and at itself, runs receive(), which returns ""
// when everything sent arrived and the broken rule otherwise. Then the
// storm stops and the senders are reaped (killed first when the receiver
// gave up: they may be blocked on a queue nobody drains). A sender that does
// not end within the safety net is killed and reported. Checks that no rule
// broke and that the storm hit the transfer.
template <class Send, class Receive>
void drive_transfer(TallyBoard& board, int senders, bool restart, Send send, Receive receive) {
  Gate ready, go;
  std::vector<Child> kids;
  for (int s = 0; s < senders; ++s) {
    kids.emplace_back([&, s] {
      child_install_handlers(&board.at(s), restart);
      ready.open();
      go.wait();
      send(s, board.at(s));
    });
  }
  for (int s = 0; s < senders; ++s) ready.wait();
  Handlers handlers(&board.at(senders), restart);
  Storm storm;
  for (const Child& c : kids) storm.aim(c.pid());
  storm.aim(getpid());
  for (int s = 0; s < senders; ++s) go.open();
  Tally& t = board.at(senders);
  t.begin();
  std::string problem = receive();
  t.end();
  storm.stop();
  for (std::size_t i = 0; i < kids.size(); ++i) {
    Child& c = kids[i];
    if (!problem.empty()) kill(c.pid(), SIGKILL);
    const std::optional<WaitStatus> st = wait_bounded(c, 0);
    if (!st) {
      kill(c.pid(), SIGKILL);
      c.wait();
      if (problem.empty())
        problem = "sender " + std::to_string(i) + " did not end after its last message arrived";
    } else if (problem.empty()) {
      EXPECT_CHILD_OK(*st);
    }
  }
  EXPECT_EQ(problem, "");
  EXPECT_TRUE(StormHitTheTransfer(board, storm));
}

}  // namespace injection
}  // namespace sigipc
