// System V message queues under a signal storm: two senders and a receiver,
// each taking SIGUSR1/SIGUSR2 from an injector while its calls block on a
// full or empty queue, with EINTR retried. Every message must arrive exactly
// once, FIFO within its type, and each msgrcv() selector must be honoured.
// XSH msgsnd(), XSH msgrcv() (msgtyp 0: the first message; > 0: the first
// of that type; < 0: the first of the lowest type <= |msgtyp|), [EINTR]
// (always, even under SA_RESTART: signal(7)).
#include <sys/msg.h>

#include <cstdint>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
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
constexpr Selector kSelectors[] = {{0, 0},           {-kLevels, 0},   {2, IPC_NOWAIT},
                                   {-2, IPC_NOWAIT}, {1, IPC_NOWAIT}, {4, IPC_NOWAIT}};

// Types are level + 1. The rules, for one sender's messages: msgtyp 0 takes
// the oldest message of all; msgtyp k > 0 the oldest of type k; msgtyp -k the
// oldest of the lowest type <= k present.
std::string check_sysv(Ledger& l, const SysvMsg& got, long msgtyp, const TallyBoard& b) {
  const Msg& m = got.body;
  if (m.sender >= kQueueSenders) return "a message nobody sent arrived";
  if (m.seq == injection::kEnd) {
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
  const std::uint32_t level = injection::level_of(m.sender, m.seq);
  const long type = static_cast<long>(level) + 1;
  if (got.mtype != type)
    return injection::where(m) + " arrived with type " + std::to_string(got.mtype) +
           ", sent with " + std::to_string(type);
  if (msgtyp > 0 && got.mtype != msgtyp)
    return "msgrcv(msgtyp " + std::to_string(msgtyp) + ") returned type " +
           std::to_string(got.mtype);
  if (msgtyp < 0 && got.mtype > -msgtyp)
    return "msgrcv(msgtyp " + std::to_string(msgtyp) + ") returned type " +
           std::to_string(got.mtype) + ", above " + std::to_string(-msgtyp);
  if (l.oldest(m.sender, level) != m.seq)
    return injection::where(m) + " arrived where " + std::to_string(l.oldest(m.sender, level)) +
           " of the same type was due (lost, repeated or out of FIFO order)";
  // Older messages of the sender that had to come first: any type for
  // msgtyp 0, lower types for msgtyp < 0.
  const std::uint32_t above = msgtyp == 0 ? kLevels : msgtyp < 0 ? level : 0;
  for (std::uint32_t q = 0; q < above; ++q)
    if (q != level && l.oldest(m.sender, q) < m.seq)
      return injection::where(m) + " (type " + std::to_string(type) + ", msgtyp " +
             std::to_string(msgtyp) + ") arrived before message " +
             std::to_string(l.oldest(m.sender, q)) + " of type " + std::to_string(q + 1) +
             " queued earlier";
  l.take(m.sender, level);
  return "";
}

// After msgrcv(msgtyp, IPC_NOWAIT) failed with ENOMSG: a message the call
// had to select that was on the queue during the call, or "". Sender s had
// completed msgsnd() of every message below sent_before[s] before the call
// began (its progress counter moves after msgsnd returns), and the ledger
// knows which of those the receiver, the queue's only reader, has not taken
// yet: those were queued. Race-free, so it holds on a loaded machine too.
std::string missed_message(const Ledger& l, long msgtyp, const std::uint64_t* sent_before) {
  for (std::uint32_t s = 0; s < kQueueSenders; ++s)
    for (std::uint32_t level = 0; level < kLevels; ++level) {
      const long type = static_cast<long>(level) + 1;
      const bool selected =
          msgtyp == 0 || (msgtyp > 0 && type == msgtyp) || (msgtyp < 0 && type <= -msgtyp);
      if (selected && l.oldest(s, level) < sent_before[s])
        return injection::where(Msg{s, l.oldest(s, level)}) + " (type " + std::to_string(type) +
               ")";
    }
  return "";
}

// "msg_qnum 3 (24 bytes of msg_qbytes 128)": whether the queue had messages
// for the receiver, or room for the senders, when a loop stalled.
std::string queue_state(int id) {
  msqid_ds ds{};
  if (msgctl(id, IPC_STAT, &ds) != 0)
    return "queue state unknown (IPC_STAT: " + ErrnoText(errno) + ")";
  return "msg_qnum " + std::to_string(ds.msg_qnum) + " (" +
         std::to_string(ds.msg_qnum * sizeof(Msg)) + " bytes of msg_qbytes " +
         std::to_string(ds.msg_qbytes) + ")";
}

void sysv_msg_storm(bool restart) {
  SysvId q(SysvId::kMsg, create_sysv_msg());
  // A small queue (16 messages), so senders block on it as the receiver does.
  msqid_ds ds{};
  SETUP_OK(msgctl(q.get(), IPC_STAT, &ds));
  ds.msg_qbytes = 16 * sizeof(Msg);
  SETUP_OK(msgctl(q.get(), IPC_SET, &ds));
  TallyBoard board(kQueueSenders + 1);
  const int id = q.get();

  const auto send = [&](int s, injection::Tally& t) {
    const auto sender = static_cast<std::uint32_t>(s);
    injection::send_messages(
        t,
        [&](std::uint32_t n) {
          const SysvMsg m{static_cast<long>(injection::level_of(sender, n)) + 1, {sender, n}};
          return msgsnd(id, &m, sizeof m.body, 0);
        },
        [&] {
          const SysvMsg end{kLevels, {sender, injection::kEnd}};
          return msgsnd(id, &end, sizeof end.body, 0);
        });
  };

  const auto receive = [&]() -> std::string {
    Ledger ledger;
    injection::StallWatch watch;
    for (std::size_t turn = 0; !ledger.complete(board); ++turn) {
      const Selector sel = kSelectors[turn % (sizeof kSelectors / sizeof kSelectors[0])];
      const std::string call = "msgrcv(msgtyp " + std::to_string(sel.msgtyp) +
                               (sel.flags & IPC_NOWAIT ? ", IPC_NOWAIT)" : ")");
      SysvMsg m{};
      std::uint64_t sent_before[kQueueSenders];
      for (int i = 0; i < kQueueSenders; ++i) sent_before[i] = board.at(i).progress.load();
      const ssize_t r = injection::retry_eintr_unless_stalled(
          watch, [&] { return msgrcv(id, &m, sizeof m.body, sel.msgtyp, sel.flags); });
      if (r < 0 && errno == ENOMSG && (sel.flags & IPC_NOWAIT)) {
        // Nothing of the selected types, which the ledger can confirm.
        const std::string missed = missed_message(ledger, sel.msgtyp, sent_before);
        if (!missed.empty())
          return call + " failed with ENOMSG while " + missed +
                 " was queued (sent before the call, not yet received)";
        if (watch.stalled())
          return "no message arrived " + watch.span() + " (last: " + call + " found none); " +
                 queue_state(id) + "; " + ledger.state(board);
        continue;
      }
      if (r < 0 && errno == EINTR)
        return call + " took no message " + watch.span() + "; " + queue_state(id) + "; " +
               ledger.state(board);
      if (r != static_cast<ssize_t>(sizeof m.body))
        return call + " returned " + std::to_string(r) + " (" + ErrnoText(errno) + ") after " +
               ledger.state(board);
      watch.progress();
      std::string problem = check_sysv(ledger, m, sel.msgtyp, board);
      if (!problem.empty()) return problem;
    }
    return "";
  };

  injection::drive_transfer(board, kQueueSenders, restart, send, receive);
  ASSERT_SUCCEEDS(msgctl(id, IPC_STAT, &ds));
  EXPECT_EQ(ds.msg_qnum, 0u) << "messages beyond those sent are queued";
}

SIGIPC_TEST(StormSysvMsg, EachMessageOnceFifoPerTypeSelectionHonouredWithSaRestart,
            "injection.storm.sysv-msg-order.sa-restart", "XSH msgsnd(); XSH msgrcv(); signal(7)",
            "Under a signal storm (handlers with SA_RESTART; msgsnd/msgrcv still fail with EINTR, "
            "retried) every System V message arrives once, FIFO within a type, and msgrcv "
            "honours msgtyp 0, > 0 and < 0") {
  sysv_msg_storm(true);
}

SIGIPC_TEST(StormSysvMsg, EachMessageOnceFifoPerTypeSelectionHonouredWithoutSaRestart,
            "injection.storm.sysv-msg-order.no-sa-restart",
            "XSH msgsnd() [EINTR]; XSH msgrcv() [EINTR]",
            "Under a signal storm (handlers without SA_RESTART, EINTR retried) every System V "
            "message arrives once, FIFO within a type, and msgrcv honours msgtyp 0, > 0 and < 0; "
            "an interrupted call moved no message") {
  sysv_msg_storm(false);
}

}  // namespace
}  // namespace sigipc
