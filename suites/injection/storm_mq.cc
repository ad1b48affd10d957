// Message queues under a signal storm: two senders and a receiver, each
// taking SIGUSR1/SIGUSR2 from an injector while its calls block on a full or
// empty queue, with EINTR retried. Every message must arrive exactly once
// and in the order the standard fixes.
// POSIX: XSH mq_send() ("inserted ... at the position indicated by msg_prio
// ... after other messages in the queue with the same msg_prio"), XSH
// mq_receive() ("the oldest of the highest priority messages"), [EINTR];
// signal(7) (mq_send/mq_receive restarted under SA_RESTART).
// System V: XSH msgsnd(), XSH msgrcv() (msgtyp 0: the first message; > 0:
// the first of that type; < 0: the first of the lowest type <= |msgtyp|),
// [EINTR] (always, signal(7)).
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/msg.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/storm_helpers.h"

namespace sigipc {
namespace {

using storm::TallyBoard;

constexpr int kSenders = 2;
constexpr std::uint32_t kPerSender = 1500;
constexpr int kLevels = 4;  // priorities 0..3, or System V types 1..4

struct Msg {
  std::uint32_t sender, seq;
};

std::uint32_t level_of(std::uint32_t sender, std::uint32_t seq) {
  std::uint64_t x = (std::uint64_t{sender} << 32 | seq) * 0x9E3779B97F4A7C15ull;
  return static_cast<std::uint32_t>(x >> 62);  // 0..3
}

// A sender's last message, sent after all others once it is done.
constexpr std::uint32_t kEnd = 0xffffffffu;

// For each sender and level, the oldest sequence number of that level not
// yet received (sequence numbers are send order): the next the queue may
// give for that level.
class Ledger {
 public:
  Ledger() {
    for (std::uint32_t s = 0; s < kSenders; ++s)
      for (std::uint32_t l = 0; l < kLevels; ++l) cursor_[s][l] = skip_to(s, l, 0);
  }
  std::uint32_t oldest(std::uint32_t s, std::uint32_t level) const { return cursor_[s][level]; }
  void take(std::uint32_t s, std::uint32_t level) {
    cursor_[s][level] = skip_to(s, level, cursor_[s][level] + 1);
    ++received_;
  }
  std::uint64_t received() const { return received_; }
  void end(std::uint32_t s) { ended_[s] = true; }
  // Every sender sent its end message and all it sent (items) arrived.
  bool complete(const storm::TallyBoard& b) const {
    std::uint64_t sent = 0;
    for (std::uint32_t s = 0; s < kSenders; ++s) {
      if (!ended_[s]) return false;
      sent += b.at(static_cast<int>(s)).items.load();
    }
    return received_ == sent;
  }

 private:
  static std::uint32_t skip_to(std::uint32_t s, std::uint32_t level, std::uint32_t from) {
    while (level_of(s, from) != level) ++from;
    return from;
  }
  std::uint32_t cursor_[kSenders][kLevels] = {};
  bool ended_[kSenders] = {};
  std::uint64_t received_ = 0;
};

std::string where(const Msg& m) {
  return "message " + std::to_string(m.seq) + " of sender " + std::to_string(m.sender);
}

// ---- POSIX ----

// XSH mq_receive(): the oldest of the highest-priority messages. So when m
// (priority p) arrives, every earlier message of its sender with priority >= p
// was already received (it was queued ahead of m or above it), and m is the
// oldest unreceived one of priority p.
std::string check_posix(Ledger& l, const Msg& m, unsigned prio, const TallyBoard& b) {
  if (m.sender >= kSenders) return "a message nobody sent arrived";
  if (m.seq == kEnd) {
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
  const std::uint32_t p = level_of(m.sender, m.seq);
  if (prio != p)
    return where(m) + " arrived with priority " + std::to_string(prio) + ", sent with " +
           std::to_string(p);
  if (l.oldest(m.sender, p) != m.seq)
    return where(m) + " arrived where " + std::to_string(l.oldest(m.sender, p)) +
           " of the same priority was due (lost, repeated or out of FIFO order)";
  for (std::uint32_t q = p + 1; q < kLevels; ++q)
    if (l.oldest(m.sender, q) < m.seq)
      return where(m) + " (priority " + std::to_string(p) + ") arrived before message " +
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
  mq_attr attr {};
  attr.mq_maxmsg = maxmsg;
  attr.mq_msgsize = sizeof(Msg);
  MqHandle q(SETUP_OK(mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &attr)));
  TallyBoard board(kSenders + 1);
  Gate ready, go;
  std::vector<Child> senders;
  for (std::uint32_t s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      storm::child_install_handlers(&board.at(static_cast<int>(s)), restart);
      ready.open();
      go.wait();
      storm::Tally& t = board.at(static_cast<int>(s));
      const storm::WorkCap cap;
      t.begin();
      std::uint32_t n = 0;
      for (; n < kPerSender || (!t.hit_enough() && !cap.passed()); ++n) {
        const Msg m {s, n};
        const int r = storm::retry_eintr([&] {
          return mq_send(q.get(), reinterpret_cast<const char*>(&m), sizeof m, level_of(s, n));
        });
        CHILD_CHECK_OK(r);
      }
      t.items.store(n);
      t.end();
      const Msg end {s, kEnd};
      CHILD_CHECK_OK(storm::retry_eintr(
          [&] { return mq_send(q.get(), reinterpret_cast<const char*>(&end), sizeof end, 0); }));
    });
  }
  for (int s = 0; s < kSenders; ++s) ready.wait();
  storm::Handlers handlers(&board.at(kSenders), restart);
  storm::Storm storm;
  for (const Child& c : senders) storm.aim(c.pid());
  storm.aim(getpid());
  for (int s = 0; s < kSenders; ++s) go.open();
  Ledger ledger;
  std::string problem;
  storm::Tally& t = board.at(kSenders);
  t.begin();
  std::uint64_t turn = 0;
  while (problem.empty() && !ledger.complete(board)) {
    Msg m {};
    unsigned prio = 0;
    // mq_receive() and mq_timedreceive() in turn (one XSH page, one rule).
    // The deadline is only a safety net (a sender that died, a lost
    // message), far beyond any wait of a passing run.
    timespec until {};
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    const bool timed = (turn++ % 2) != 0;
    const ssize_t r = storm::retry_eintr([&] {
      return timed ? mq_timedreceive(q.get(), reinterpret_cast<char*>(&m), sizeof m, &prio, &until)
                   : mq_receive(q.get(), reinterpret_cast<char*>(&m), sizeof m, &prio);
    });
    if (r != static_cast<ssize_t>(sizeof m)) {
      problem = std::string(timed ? "mq_timedreceive()" : "mq_receive()") + " returned " +
                std::to_string(r) + " (" + ErrnoText(errno) + ") after " +
                std::to_string(ledger.received()) + " messages";
      break;
    }
    problem = check_posix(ledger, m, prio, board);
  }
  t.end();
  storm.stop();
  // A receiver that stopped at a broken rule leaves the senders blocked.
  for (Child& c : senders) {
    if (!problem.empty()) kill(c.pid(), SIGKILL);
    const WaitStatus st = c.wait();
    if (problem.empty()) {
      EXPECT_CHILD_OK(st);
    }
  }
  EXPECT_EQ(problem, "");
  mq_attr left {};
  ASSERT_SUCCEEDS(mq_getattr(q.get(), &left));
  EXPECT_EQ(left.mq_curmsgs, 0) << "messages beyond those sent are queued";
  EXPECT_TRUE(storm::StormHitTheTransfer(board, storm));
}

SIGIPC_TEST(StormPosixMq, EachMessageOnceInPriorityThenFifoOrderWithSaRestart,
            "injection.storm.posix-mq-order.sa-restart", "XSH mq_send(); XSH mq_receive(); signal(7)",
            "Under a signal storm (handlers with SA_RESTART) on two senders and a receiver of a "
            "full/empty queue, every message arrives once, highest priority first and FIFO "
            "within a priority") {
  posix_mq_storm(true);
}

SIGIPC_TEST(StormPosixMq, EachMessageOnceInPriorityThenFifoOrderWithoutSaRestart,
            "injection.storm.posix-mq-order.no-sa-restart", "XSH mq_send() [EINTR]; XSH mq_receive() [EINTR]",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried) on two senders "
            "and a receiver of a full/empty queue, every message arrives once, highest priority "
            "first and FIFO within a priority; an interrupted call moved no message") {
  posix_mq_storm(false);
}

// ---- System V ----

struct SysvMsg {
  long mtype;
  Msg body;
};

// The receive selectors, in turn. Blocking ones match every type (so they
// cannot wait forever for a type that never comes); selective ones use
// IPC_NOWAIT and may find nothing (ENOMSG).
struct Selector {
  long msgtyp;
  int flags;
};
constexpr Selector kSelectors[] = {
    {0, 0}, {-kLevels, 0}, {2, IPC_NOWAIT}, {-2, IPC_NOWAIT}, {1, IPC_NOWAIT}, {4, IPC_NOWAIT}};

// Types are level + 1. The rules, for one sender's messages: msgtyp 0 takes
// the oldest message of all; msgtyp k > 0 the oldest of type k; msgtyp -k the
// oldest of the lowest type <= k present.
std::string check_sysv(Ledger& l, const SysvMsg& got, long msgtyp, const TallyBoard& b) {
  const Msg& m = got.body;
  if (m.sender >= kSenders) return "a message nobody sent arrived";
  if (m.seq == kEnd) {
    // Type kLevels, sent last. msgtyp 0 (the queue's first) and -kLevels
    // (lowest type first) may take it only after everything its sender sent
    // before; msgtyp kLevels after the sender's older messages of that type.
    if (got.mtype != kLevels)
      return "the end message arrived with type " + std::to_string(got.mtype);
    if (msgtyp > 0 && msgtyp != kLevels)
      return "msgrcv(msgtyp " + std::to_string(msgtyp) + ") returned type " +
             std::to_string(kLevels);
    const std::uint64_t sent = b.at(static_cast<int>(m.sender)).items.load();
    for (std::uint32_t q = 0; q < kLevels; ++q) {
      const bool must_precede = msgtyp <= 0 || q == kLevels - 1;
      if (must_precede && l.oldest(m.sender, q) < sent)
        return "the end message of sender " + std::to_string(m.sender) + " (msgtyp " +
               std::to_string(msgtyp) + ") arrived before its message " +
               std::to_string(l.oldest(m.sender, q)) + " of type " + std::to_string(q + 1);
    }
    l.end(m.sender);
    return "";
  }
  const std::uint32_t level = level_of(m.sender, m.seq);
  const long type = static_cast<long>(level) + 1;
  if (got.mtype != type)
    return where(m) + " arrived with type " + std::to_string(got.mtype) + ", sent with " +
           std::to_string(type);
  if (msgtyp > 0 && got.mtype != msgtyp)
    return "msgrcv(msgtyp " + std::to_string(msgtyp) + ") returned type " +
           std::to_string(got.mtype);
  if (msgtyp < 0 && got.mtype > -msgtyp)
    return "msgrcv(msgtyp " + std::to_string(msgtyp) + ") returned type " +
           std::to_string(got.mtype) + ", above " + std::to_string(-msgtyp);
  if (l.oldest(m.sender, level) != m.seq)
    return where(m) + " arrived where " + std::to_string(l.oldest(m.sender, level)) +
           " of the same type was due (lost, repeated or out of FIFO order)";
  // Older messages of the sender that had to come first: any type for
  // msgtyp 0, lower types for msgtyp < 0.
  const std::uint32_t above = msgtyp == 0 ? kLevels : msgtyp < 0 ? level : 0;
  for (std::uint32_t q = 0; q < above; ++q)
    if (q != level && l.oldest(m.sender, q) < m.seq)
      return where(m) + " (type " + std::to_string(type) + ", msgtyp " + std::to_string(msgtyp) +
             ") arrived before message " + std::to_string(l.oldest(m.sender, q)) + " of type " +
             std::to_string(q + 1) + " queued earlier";
  l.take(m.sender, level);
  return "";
}

void sysv_msg_storm(bool restart) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  // A small queue (16 messages), so senders block on it as the receiver does.
  msqid_ds ds {};
  SETUP_OK(msgctl(q.get(), IPC_STAT, &ds));
  ds.msg_qbytes = 16 * sizeof(Msg);
  SETUP_OK(msgctl(q.get(), IPC_SET, &ds));
  TallyBoard board(kSenders + 1);
  Gate ready, go;
  std::vector<Child> senders;
  const int id = q.get();
  for (std::uint32_t s = 0; s < kSenders; ++s) {
    senders.emplace_back([&, s] {
      storm::child_install_handlers(&board.at(static_cast<int>(s)), restart);
      ready.open();
      go.wait();
      storm::Tally& t = board.at(static_cast<int>(s));
      const storm::WorkCap cap;
      t.begin();
      std::uint32_t n = 0;
      for (; n < kPerSender || (!t.hit_enough() && !cap.passed()); ++n) {
        const SysvMsg m {static_cast<long>(level_of(s, n)) + 1, {s, n}};
        CHILD_CHECK_OK(storm::retry_eintr([&] { return msgsnd(id, &m, sizeof m.body, 0); }));
      }
      t.items.store(n);
      t.end();
      const SysvMsg end {kLevels, {s, kEnd}};
      CHILD_CHECK_OK(storm::retry_eintr([&] { return msgsnd(id, &end, sizeof end.body, 0); }));
    });
  }
  for (int s = 0; s < kSenders; ++s) ready.wait();
  storm::Handlers handlers(&board.at(kSenders), restart);
  storm::Storm storm;
  for (const Child& c : senders) storm.aim(c.pid());
  storm.aim(getpid());
  for (int s = 0; s < kSenders; ++s) go.open();
  Ledger ledger;
  std::string problem;
  storm::Tally& t = board.at(kSenders);
  t.begin();
  for (std::size_t turn = 0; problem.empty() && !ledger.complete(board); ++turn) {
    const Selector sel = kSelectors[turn % (sizeof kSelectors / sizeof kSelectors[0])];
    SysvMsg m {};
    const ssize_t r = storm::retry_eintr(
        [&] { return msgrcv(id, &m, sizeof m.body, sel.msgtyp, sel.flags); });
    if (r < 0 && errno == ENOMSG && (sel.flags & IPC_NOWAIT)) continue;
    if (r != static_cast<ssize_t>(sizeof m.body)) {
      problem = "msgrcv(msgtyp " + std::to_string(sel.msgtyp) + ") returned " +
                std::to_string(r) + " (" + ErrnoText(errno) + ")";
      break;
    }
    problem = check_sysv(ledger, m, sel.msgtyp, board);
  }
  t.end();
  storm.stop();
  // A receiver that stopped at a broken rule leaves the senders blocked.
  for (Child& c : senders) {
    if (!problem.empty()) kill(c.pid(), SIGKILL);
    const WaitStatus st = c.wait();
    if (problem.empty()) {
      EXPECT_CHILD_OK(st);
    }
  }
  EXPECT_EQ(problem, "");
  ASSERT_SUCCEEDS(msgctl(id, IPC_STAT, &ds));
  EXPECT_EQ(ds.msg_qnum, 0u) << "messages beyond those sent are queued";
  EXPECT_TRUE(storm::StormHitTheTransfer(board, storm));
}

SIGIPC_TEST(StormSysvMsg, EachMessageOnceFifoPerTypeSelectionHonouredWithSaRestart,
            "injection.storm.sysv-msg-order.sa-restart", "XSH msgsnd(); XSH msgrcv(); signal(7)",
            "Under a signal storm (handlers with SA_RESTART; msgsnd/msgrcv still fail with EINTR, "
            "retried) every System V message arrives once, FIFO within a type, and msgrcv "
            "honours msgtyp 0, > 0 and < 0") {
  sysv_msg_storm(true);
}

SIGIPC_TEST(StormSysvMsg, EachMessageOnceFifoPerTypeSelectionHonouredWithoutSaRestart,
            "injection.storm.sysv-msg-order.no-sa-restart", "XSH msgsnd() [EINTR]; XSH msgrcv() [EINTR]",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried) every System V "
            "message arrives once, FIFO within a type, and msgrcv honours msgtyp 0, > 0 and < 0; "
            "an interrupted call moved no message") {
  sysv_msg_storm(false);
}

}  // namespace
}  // namespace sigipc
