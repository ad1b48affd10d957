// Real-time signal rate benchmark. A CPU-bound target process counts
// SIGRTMIN deliveries in an SA_SIGINFO handler and its own loop iterations
// ("work"); the signal injector queues SIGRTMIN with sigqueue() at fixed
// rates stepping up to kMaxRateHz, each for a set time, then a flow-
// controlled sender (sigqueue in a loop, yielding on EAGAIN) finds the
// machine's ceiling. Per step: rate asked, rate achieved, sent, received,
// failed sends (EAGAIN: queue full), and the work the target still got done
// relative to an unsignalled run (near 0: livelock).
//
//   sigipc-bench-siginj [seconds-per-step (default 1)]
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "injectors/signal_injector.h"

namespace {

using sigipc::inject::SignalCounts;
using sigipc::inject::SignalInjector;
using sigipc::inject::SignalPlan;
using sigipc::inject::Via;

struct Shared {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> work{0};
  std::atomic<int> done{0};
  std::atomic<int> quit{0};
};
Shared* g = nullptr;

void on_rt(int, siginfo_t*, void*) { g->received.fetch_add(1, std::memory_order_relaxed); }
void on_done(int) { g->done.store(1); }

double now_s() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

pid_t start_target() {
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) {
    struct sigaction sa {};
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    // The end marker must not run nested inside a SIGRTMIN handler, ahead
    // of the SIGRTMIN instances still queued.
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGRTMIN + 1);
    sigaction(SIGRTMIN, &sa, nullptr);
    struct sigaction sd {};
    sd.sa_handler = on_done;
    sigemptyset(&sd.sa_mask);
    sigaction(SIGRTMIN + 1, &sd, nullptr);
    while (!g->quit.load(std::memory_order_relaxed))
      g->work.fetch_add(1, std::memory_order_relaxed);
    _exit(0);
  }
  return pid;
}

// Waits until the target took the end marker: SIGRTMIN+1 is delivered after
// every pending SIGRTMIN (lowest number first), so then received is final.
bool settle(pid_t target) {
  g->done.store(0);
  sigval v{};
  if (sigqueue(target, SIGRTMIN + 1, v) != 0) return false;
  const double end = now_s() + 10;
  while (!g->done.load()) {
    if (now_s() > end) return false;
    sched_yield();
  }
  return true;
}

struct Row {
  double asked, achieved;
  std::uint64_t sent, received, failed;
  double work_fraction;
};

void print(const Row& r, bool ok) {
  std::printf("%10.0f %10.0f %10llu %10llu %8llu %7.2f  %s\n", r.asked, r.achieved,
              static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.received),
              static_cast<unsigned long long>(r.failed), r.work_fraction,
              ok ? "all received" : "NOT sustained");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const double secs = argc > 1 ? std::atof(argv[1]) : 1.0;
  if (!(secs > 0)) {
    std::fprintf(stderr, "sigipc-bench-siginj: seconds per step must be a positive number\n");
    return 2;
  }
  void* mem =
      mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;
  g = new (mem) Shared;
  const pid_t target = start_target();

  // Baseline: the target's work rate with no signals.
  std::uint64_t w0 = g->work.load();
  double t0 = now_s();
  while (now_s() - t0 < secs) sched_yield();
  const double base_work = static_cast<double>(g->work.load() - w0) / (now_s() - t0);

  std::printf("%.1f s per step; target work baseline %.3g loops/s\n", secs, base_work);
  std::printf("%10s %10s %10s %10s %8s %7s\n", "asked/s", "achieved/s", "sent", "received",
              "failed", "work");
  double best = 0;
  for (double rate : {1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 30000.0, 40000.0, 50000.0}) {
    SignalPlan plan;
    plan.signals = {SIGRTMIN};
    plan.rate_hz = rate;
    plan.seed = 1;
    plan.via = Via::kSigqueue;
    plan.max_signals = static_cast<std::uint64_t>(rate * secs);
    const std::uint64_t r0 = g->received.load(), wk0 = g->work.load();
    const double start = now_s();
    SignalInjector inj(plan);
    inj.start(target);
    inj.wait_done(secs * 20);
    const SignalCounts c = inj.stop();
    const double took = now_s() - start;
    const double work = static_cast<double>(g->work.load() - wk0) / took;
    if (!settle(target)) {
      std::printf("%10.0f: the target did not take the end marker within 10 s (livelock)\n", rate);
      break;
    }
    Row row{rate,     static_cast<double>(c.sent) / took,
            c.sent,   g->received.load() - r0,
            c.failed, work / base_work};
    const bool ok = row.received == row.sent && row.failed == 0 && row.achieved >= 0.95 * rate;
    print(row, ok);
    if (ok) best = rate;
  }

  // Flow control: sigqueue as fast as the queue takes them, yielding on
  // EAGAIN; the received rate is this machine's ceiling into a handler.
  {
    const std::uint64_t r0 = g->received.load(), wk0 = g->work.load();
    std::uint64_t sent = 0, eagain = 0;
    const double start = now_s();
    sigval v{};
    while (now_s() - start < secs) {
      if (sigqueue(target, SIGRTMIN, v) == 0) {
        ++sent;
      } else if (errno == EAGAIN) {
        ++eagain;
        sched_yield();
      } else {
        break;
      }
    }
    const double took = now_s() - start;
    const double work = static_cast<double>(g->work.load() - wk0) / took;
    const bool settled = settle(target);
    const double drained = now_s() - start;
    Row row{0,      static_cast<double>(sent) / took,
            sent,   g->received.load() - r0,
            eagain, work / base_work};
    std::printf("flow-controlled sigqueue loop (failed = EAGAIN retries):\n");
    print(row, settled && row.received == row.sent);
    std::printf("  received/s until the queue was drained: %.0f%s\n",
                static_cast<double>(row.received) / drained,
                settled ? "" : " (the target did not drain its queue within 10 s)");
  }
  std::printf("highest paced rate with every signal received: %.0f/s (cap %.0f/s)\n", best,
              sigipc::inject::kMaxRateHz);
  g->quit.store(1);
  int st;
  waitpid(target, &st, 0);
  return 0;
}
