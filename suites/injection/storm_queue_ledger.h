// Shared by the message-queue storms (storm_posix_mq.cc, storm_sysv_msg.cc):
// the messages two senders put on one queue, the level (POSIX priority or
// System V type) each one gets, and the ledger the receiver keeps to check
// that every message arrives once and in the order its queue's rules fix.
#pragma once

#include <cstdint>
#include <string>

#include "suites/injection/storm_helpers.h"

namespace sigipc {
namespace injection {

constexpr int kQueueSenders = 2;
constexpr std::uint32_t kPerSender = 1500;
constexpr int kLevels = 4;  // POSIX priorities 0..3, or System V types 1..4

struct Msg {
  std::uint32_t sender, seq;
};

// A sender's last message, sent after all others once it is done.
constexpr std::uint32_t kEnd = 0xffffffffu;

// The level of a sender's message: spread evenly and reproducibly.
inline std::uint32_t level_of(std::uint32_t sender, std::uint32_t seq) {
  std::uint64_t x = (std::uint64_t{sender} << 32 | seq) * 0x9E3779B97F4A7C15ull;
  return static_cast<std::uint32_t>(x >> 62);  // 0..3
}

inline std::string where(const Msg& m) {
  return "message " + std::to_string(m.seq) + " of sender " + std::to_string(m.sender);
}

// For each sender and level, the oldest sequence number of that level not
// yet received (sequence numbers are send order): the next the queue may
// give for that level.
class Ledger {
 public:
  Ledger() {
    for (std::uint32_t s = 0; s < kQueueSenders; ++s)
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
  bool complete(const TallyBoard& b) const {
    std::uint64_t sent = 0;
    for (std::uint32_t s = 0; s < kQueueSenders; ++s) {
      if (!ended_[s]) return false;
      sent += b.at(static_cast<int>(s)).items.load();
    }
    return received_ == sent;
  }
  // "received 1234 messages; sender 0 sent 812 (done), ..." for stall reports.
  std::string state(const TallyBoard& b) const {
    return "received " + std::to_string(received_) + " messages; " +
           sender_progress(b, kQueueSenders);
  }

 private:
  static std::uint32_t skip_to(std::uint32_t s, std::uint32_t level, std::uint32_t from) {
    while (level_of(s, from) != level) ++from;
    return from;
  }
  std::uint32_t cursor_[kQueueSenders][kLevels] = {};
  bool ended_[kQueueSenders] = {};
  std::uint64_t received_ = 0;
};

// A sender's loop: at least kPerSender messages, more until the storm hit
// it (or its work cap passed), each through send(seq) with EINTR retried;
// then the end message through send_end(). Runs in a forked child.
template <class Send, class SendEnd>
void send_messages(Tally& t, Send send, SendEnd send_end) {
  const WorkCap cap;
  t.begin();
  std::uint32_t n = 0;
  for (; n < kPerSender || (!t.hit_enough() && !cap.passed()); ++n) {
    CHILD_CHECK_OK(retry_eintr([&] { return send(n); }));
    t.progress.store(n + 1);
  }
  t.items.store(n);
  t.end();
  CHILD_CHECK_OK(retry_eintr(send_end));
}

}  // namespace injection
}  // namespace sigipc
