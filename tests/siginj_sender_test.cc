// The signal injector's sender process (kill, tgkill, sigqueue, pidfd):
// what it reports sent is what a target receives, it starts before start()
// returns, stops when the target ends, and leaves nothing behind.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
// glibc 2.36's <sys/pidfd.h> has no extern "C" guards of its own.
extern "C" {
#include <sys/pidfd.h>
}
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "injectors/signal_injector.h"
#include "tests/siginj_self_receiver.h"

namespace sigipc::inject {
namespace {

// What a target counted with sigwaitinfo, sent back through a pipe.
struct Received {
  std::uint64_t per_signal[_NSIG];
  std::uint64_t out_of_sequence;  // sigqueue values not 0, 1, 2, ... per signal
  std::uint64_t wrong_code;       // si_code not the one the via gives
};

// sigaction(2): SI_USER for kill() (and pidfd_send_signal() without info),
// SI_QUEUE for sigqueue(), SI_TKILL for tgkill(). The kernel of this machine
// (6.18) gives tgkill() SI_USER, so either is taken for tgkill here: this test
// is about the injector, the si_code rule belongs to the signal suites.
bool code_matches(Via via, int code) {
  switch (via) {
    case Via::kTgkill:
      return code == SI_TKILL || code == SI_USER;
    case Via::kSigqueue:
      return code == SI_QUEUE;
    default:
      return code == SI_USER;
  }
}

// A target child: blocks sigs and end_sig, opens ready, then takes signals
// with sigwaitinfo until end_sig (a higher real-time signal, so that every
// storm signal pending before it is taken first: XSH 2.4.2, lowest first).
Child counting_target(std::initializer_list<int> sigs, int end_sig, Via via, Gate& ready,
                      Pipe& out) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : sigs) sigaddset(&set, s);
  sigaddset(&set, end_sig);
  return Child([set, end_sig, via, &ready, &out] {
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    ready.open();
    Received r{};
    for (;;) {
      siginfo_t si{};
      int sig = sigwaitinfo(&set, &si);
      if (sig < 0 && errno == EINTR) continue;
      CHILD_CHECK(sig > 0);
      if (sig == end_sig) break;
      if (!code_matches(via, si.si_code)) ++r.wrong_code;
      if (via == Via::kSigqueue &&
          static_cast<std::uint64_t>(si.si_value.sival_int) != r.per_signal[sig])
        ++r.out_of_sequence;
      ++r.per_signal[sig];
    }
    CHILD_CHECK_EQ(write(out.wr(), &r, sizeof r), static_cast<ssize_t>(sizeof r));
  });
}

Received read_received(Pipe& out) {
  Received r{};
  std::size_t got = 0;
  while (got < sizeof r) {
    ssize_t n = read(out.rd(), reinterpret_cast<char*>(&r) + got, sizeof r - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(got, sizeof r) << "the target did not report its counts";
  return r;
}

std::string via_name(Via v) {
  switch (v) {
    case Via::kKill:
      return "kill";
    case Via::kTgkill:
      return "tgkill";
    case Via::kSigqueue:
      return "sigqueue";
    case Via::kPidfd:
      return "pidfd";
    case Via::kTimer:
      return "timer";
  }
  return "?";
}

class SigInjSender : public ::testing::TestWithParam<Via> {};

// Real-time signals queue (XSH 2.4.2), so nothing coalesces: every send the
// injector counts must arrive once, and nothing more.
TEST_P(SigInjSender, CountsMatchWhatTheTargetReceives) {
  const int a = SIGRTMIN, b = SIGRTMIN + 1, end = SIGRTMIN + 5;
  constexpr std::uint64_t kSends = 3000;
  Gate ready;
  Pipe out;
  Child target = counting_target({a, b}, end, GetParam(), ready, out);
  ready.wait();

  SignalPlan plan;
  plan.signals = {a, b};
  plan.rate_hz = 20000;
  plan.seed = 11;
  plan.via = GetParam();
  plan.max_signals = kSends;
  SignalInjector inj(plan);
  inj.start(target.pid());
  ASSERT_TRUE(inj.wait_done(20)) << "the sender did not finish " << kSends << " sends";
  const SignalCounts c = inj.stop();
  EXPECT_EQ(c.sent, kSends) << describe(c);
  EXPECT_EQ(c.failed, 0u) << describe(c);
  EXPECT_FALSE(c.target_gone);
  EXPECT_TRUE(c.problem.empty()) << c.problem;

  ASSERT_SUCCEEDS(kill(target.pid(), end));
  const Received r = read_received(out);
  EXPECT_CHILD_OK(target.wait());
  for (int s : {a, b}) {
    const std::uint64_t sent = c.per_signal.count(s) ? c.per_signal.at(s) : 0;
    EXPECT_EQ(r.per_signal[s], sent) << SignalText(s) << " via " << via_name(GetParam());
    EXPECT_GT(sent, kSends / 4) << "the schedule should pick both signals";
  }
  EXPECT_EQ(r.wrong_code, 0u) << "si_code other than the via's";
  EXPECT_EQ(r.out_of_sequence, 0u) << "sigqueue sequence numbers out of order";
}

INSTANTIATE_TEST_SUITE_P(Vias, SigInjSender,
                         ::testing::Values(Via::kKill, Via::kTgkill, Via::kSigqueue, Via::kPidfd),
                         [](const auto& info) { return via_name(info.param); });

// start() returns once sending has begun: a signal the process blocks is
// already pending when it returns.
TEST(SigInjSenderSelf, StartReturnsAfterTheFirstSend) {
  SelfReceiver rx(SIGRTMIN + 2);
  // slow: the first gap alone is 2.5 to 7.5 ms
  SignalInjector inj(rx.plan(200, Via::kSigqueue));
  inj.start(getpid());
  sigset_t pending;
  ASSERT_SUCCEEDS(sigpending(&pending));
  EXPECT_TRUE(sigismember(&pending, SIGRTMIN + 2)) << "start() returned before the first signal";
  const SignalCounts c = inj.stop();
  const std::uint64_t got = rx.drain();
  EXPECT_GE(c.sent, 1u);
  EXPECT_EQ(got, c.sent) << describe(c);
}

TEST(SigInjSenderSelf, StopIsIdempotent) {
  SelfReceiver rx(SIGRTMIN + 2);
  {
    SignalInjector inj(rx.plan(5000, Via::kKill));
    inj.start(getpid());
    const SignalCounts first = inj.stop();
    const SignalCounts second = inj.stop();
    EXPECT_EQ(first.sent, second.sent);
    EXPECT_EQ(first.per_signal, second.per_signal);
  }  // the destructor stops once more
  rx.drain();
  int st;
  EXPECT_EQ(waitpid(-1, &st, WNOHANG), -1) << "a sender process was left behind";
}

TEST(SigInjSenderSelf, ThrowsPlanErrorForAGoneTarget) {
  pid_t dead;
  {
    Child c([] {});
    dead = c.pid();
    c.wait();
  }
  SignalPlan plan;
  plan.signals = {SIGUSR1};
  SignalInjector inj(plan);
  EXPECT_THROW(inj.start(dead), PlanError);
}

// The sender must not keep the caller's descriptors: a pipe whose write end
// the caller closes reads EOF although the sender was forked while it was open.
TEST(SigInjSenderSelf, SenderHoldsNoDescriptorOfTheCaller) {
  Gate ready;
  Pipe out;
  Child target = counting_target({SIGRTMIN}, SIGRTMIN + 5, Via::kKill, ready, out);
  ready.wait();
  Pipe p(O_NONBLOCK);
  SignalPlan plan;
  plan.signals = {SIGRTMIN};
  plan.rate_hz = 2000;
  SignalInjector inj(plan);
  inj.start(target.pid());
  p.close_wr();
  char c;
  errno = 0;
  EXPECT_EQ(read(p.rd(), &c, 1), 0)
      << "read() gave " << ErrnoText(errno) << ": someone still holds the write end";
  inj.stop();
}

// Target gone: a zombie still accepts kill() (it exists until reaped), and a
// reaped pid may be reused by a stranger; the sender watches a pidfd and stops.
class SigInjTargetGone : public ::testing::TestWithParam<std::tuple<Via, bool>> {};

TEST_P(SigInjTargetGone, SenderStopsOnItsOwnAndStopStillReports) {
  const auto [via, reap] = GetParam();
  Gate ready, go;
  Child target([&] {
    sigset_t all;
    sigfillset(&all);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &all, nullptr));
    ready.open();
    go.wait();
  });
  ready.wait();
  SignalPlan plan;
  plan.signals = {SIGUSR1, SIGRTMIN};
  plan.rate_hz = 2000;
  plan.via = via;
  SignalInjector inj(plan);
  inj.start(target.pid());
  go.open();
  if (reap) {
    EXPECT_CHILD_OK(target.wait());
  }
  ASSERT_TRUE(inj.wait_done(10)) << "the sender kept sending to a dead target";
  const SignalCounts c = inj.stop();
  EXPECT_TRUE(c.target_gone) << describe(c);
  EXPECT_TRUE(c.problem.empty()) << c.problem;
  EXPECT_GE(c.sent, 1u);
  EXPECT_CHILD_OK(target.wait());
}

INSTANTIATE_TEST_SUITE_P(ViasAndReaping, SigInjTargetGone,
                         ::testing::Combine(::testing::Values(Via::kKill, Via::kPidfd,
                                                              Via::kSigqueue),
                                            ::testing::Bool()),
                         [](const auto& info) {
                           return via_name(std::get<0>(info.param)) +
                                  (std::get<1>(info.param) ? "Reaped" : "Zombie");
                         });

// The sender dies with the process that started it (PR_SET_PDEATHSIG): a
// middle process starts an injector, tells us the sender's pid, and exits
// without stop().
TEST(SigInjSenderSelf, SenderDiesWithItsParent) {
  Pipe info;
  Gate exit_now;
  Child middle([&] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    SignalPlan plan;
    plan.signals = {SIGRTMIN};
    plan.rate_hz = 1000;
    auto* inj = new SignalInjector(plan);  // never destroyed: the parent just goes
    inj->start(getpid());
    std::ifstream f("/proc/self/task/" + std::to_string(gettid()) + "/children");
    pid_t sender = 0;
    f >> sender;
    CHILD_CHECK_EQ(write(info.wr(), &sender, sizeof sender), static_cast<ssize_t>(sizeof sender));
    exit_now.wait();
    _exit(0);
  });
  pid_t sender = 0;
  ASSERT_EQ(read(info.rd(), &sender, sizeof sender), static_cast<ssize_t>(sizeof sender));
  ASSERT_GT(sender, 0);
  const int pfd = pidfd_open(sender, 0);
  ASSERT_GE(pfd, 0) << ErrnoText(errno);
  exit_now.open();
  EXPECT_CHILD_OK(middle.wait());
  pollfd p{pfd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 10000), 1) << "the sender outlived its parent by 10 s";
  close(pfd);
}

}  // namespace
}  // namespace sigipc::inject
