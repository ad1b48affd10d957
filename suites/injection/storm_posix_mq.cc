// POSIX message queues under a signal storm: two senders and a receiver,
// each taking SIGUSR1/SIGUSR2 from an injector while its calls block on a
// full or empty queue, with EINTR retried. Every message must arrive exactly
// once, highest priority first and FIFO within a priority.
// XSH mq_send() ("inserted ... at the position indicated by msg_prio ...
// after other messages in the queue with the same msg_prio"), XSH
// mq_receive() ("the oldest of the highest priority messages"), [EINTR];
// signal(7) (mq_send/mq_receive restarted under SA_RESTART).
#include <fcntl.h>
#include <mqueue.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/registry.h"
#include "suites/injection/storm_helpers.h"
#include "suites/injection/storm_queue_ledger.h"

namespace sigipc {
namespace {

using injection::kLevels;
using injection::kQueueSenders;
using injection::Ledger;
using injection::Msg;
using injection::TallyBoard;

// XSH mq_receive(): the oldest of the highest-priority messages. So when m
// (priority p) arrives, every earlier message of its sender with priority >= p
// was already received (it was queued ahead of m or above it), and m is the
// oldest unreceived one of priority p.
std::string check_posix(Ledger& l, const Msg& m, unsigned prio, const TallyBoard& b) {
  if (m.sender >= kQueueSenders) return "a message nobody sent arrived";
  if (m.seq == injection::kEnd) {
    // Sent last with priority 0: everything of its sender came before it.
    const std::uint64_t sent = b.at(static_cast<int>(m.sender)).items.load();
    for (std::uint32_t q = 0; q < kLevels; ++q)
      if (l.oldest(m.sender, q) < sent)
        return "the end message of sender " + std::to_string(m.sender) +
               " (priority 0) arrived before its message " + std::to_string(l.oldest(m.sender, q)) +
               " of priority " + std::to_string(q);
    l.end(m.sender);
    return prio == 0 ? "" : "the end message arrived with priority " + std::to_string(prio);
  }
  if (m.seq >= b.at(static_cast<int>(m.sender)).items.load() &&
      b.at(static_cast<int>(m.sender)).items.load() != 0)
    return "a message nobody sent arrived";
  const std::uint32_t p = injection::level_of(m.sender, m.seq);
  if (prio != p)
    return injection::where(m) + " arrived with priority " + std::to_string(prio) + ", sent with " +
           std::to_string(p);
  if (l.oldest(m.sender, p) != m.seq)
    return injection::where(m) + " arrived where " + std::to_string(l.oldest(m.sender, p)) +
           " of the same priority was due (lost, repeated or out of FIFO order)";
  for (std::uint32_t q = p + 1; q < kLevels; ++q)
    if (l.oldest(m.sender, q) < m.seq)
      return injection::where(m) + " (priority " + std::to_string(p) + ") arrived before message " +
             std::to_string(l.oldest(m.sender, q)) + " of priority " + std::to_string(q) +
             " that was queued earlier";
  l.take(m.sender, p);
  return "";
}

void posix_mq_storm(bool restart) {
  const auto msg_max = read_proc_number("/proc/sys/fs/mqueue/msg_max");
  const long maxmsg = std::min<long>(msg_max ? static_cast<long>(*msg_max) : 10, 10);
  if (maxmsg < 2) SIGIPC_UNSUPPORTED("/proc/sys/fs/mqueue/msg_max is below 2");
  MqName name("storm");
  mq_attr attr{};
  attr.mq_maxmsg = maxmsg;
  attr.mq_msgsize = sizeof(Msg);
  MqHandle q(SETUP_OK(mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attr)));
  TallyBoard board(kQueueSenders + 1);

  const auto send = [&](int s, injection::Tally& t) {
    const auto sender = static_cast<std::uint32_t>(s);
    injection::send_messages(
        t,
        [&](std::uint32_t n) {
          const Msg m{sender, n};
          return mq_send(q.get(), reinterpret_cast<const char*>(&m), sizeof m,
                         injection::level_of(sender, n));
        },
        [&] {
          const Msg end{sender, injection::kEnd};
          return mq_send(q.get(), reinterpret_cast<const char*>(&end), sizeof end, 0);
        });
  };

  const auto receive = [&]() -> std::string {
    Ledger ledger;
    injection::StallWatch watch;
    for (std::uint64_t turn = 0; !ledger.complete(board); ++turn) {
      Msg m{};
      unsigned prio = 0;
      // mq_receive() and mq_timedreceive() in turn (one XSH page, one rule).
      // The deadline is far beyond any wait of a passing run: the stall
      // watch ends the loop first.
      timespec until{};
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += 60;
      const bool timed = (turn % 2) != 0;
      const char* call = timed ? "mq_timedreceive()" : "mq_receive()";
      const ssize_t r = injection::retry_eintr_unless_stalled(watch, [&] {
        return timed
                   ? mq_timedreceive(q.get(), reinterpret_cast<char*>(&m), sizeof m, &prio, &until)
                   : mq_receive(q.get(), reinterpret_cast<char*>(&m), sizeof m, &prio);
      });
      if (r < 0 && errno == EINTR) {
        mq_attr now{};
        const std::string curmsgs = mq_getattr(q.get(), &now) == 0
                                        ? std::to_string(now.mq_curmsgs)
                                        : "unknown (mq_getattr: " + ErrnoText(errno) + ")";
        return std::string(call) + " took no message " + watch.span() + " with " + curmsgs +
               " queued; " + ledger.state(board);
      }
      if (r != static_cast<ssize_t>(sizeof m))
        return std::string(call) + " returned " + std::to_string(r) + " (" + ErrnoText(errno) +
               ") after " + ledger.state(board);
      watch.progress();
      std::string problem = check_posix(ledger, m, prio, board);
      if (!problem.empty()) return problem;
    }
    return "";
  };

  injection::drive_transfer(board, kQueueSenders, restart, send, receive);
  mq_attr left{};
  ASSERT_SUCCEEDS(mq_getattr(q.get(), &left));
  EXPECT_EQ(left.mq_curmsgs, 0) << "messages beyond those sent are queued";
}

SIGIPC_TEST(StormPosixMq, EachMessageOnceInPriorityThenFifoOrderWithSaRestart,
            "injection.storm.posix-mq-order.sa-restart",
            "XSH mq_send(); XSH mq_receive(); signal(7)",
            "Under a signal storm (handlers with SA_RESTART) on two senders and a receiver of a "
            "full/empty queue, every message arrives once, highest priority first and FIFO "
            "within a priority") {
  posix_mq_storm(true);
}

SIGIPC_TEST(StormPosixMq, EachMessageOnceInPriorityThenFifoOrderWithoutSaRestart,
            "injection.storm.posix-mq-order.no-sa-restart",
            "XSH mq_send() [EINTR]; XSH mq_receive() [EINTR]",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried) on two senders "
            "and a receiver of a full/empty queue, every message arrives once, highest priority "
            "first and FIFO within a priority; an interrupted call moved no message") {
  posix_mq_storm(false);
}

}  // namespace
}  // namespace sigipc
