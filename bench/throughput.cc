#include "bench/throughput.h"

#include <algorithm>
#include <memory>

#include "bench/channels.h"

namespace sigipc::bench {

const std::vector<std::string>& throughput_mechanisms() {
  static const std::vector<std::string> m = {"pipe", "fifo", "posix-mq", "sysv-msg", "shm"};
  return m;
}

std::size_t throughput_messages(std::size_t size, std::size_t budget_bytes,
                                std::size_t max_messages) {
  return std::clamp<std::size_t>(budget_bytes / std::max<std::size_t>(size, 1), 64,
                                 std::max<std::size_t>(max_messages, 64));
}

double measure_throughput(const std::string& mechanism, std::size_t size, std::size_t messages,
                          const Pinning& pin) {
  const ChannelKind& kind = channel_kind(mechanism == "shm" ? "shm-sem" : mechanism);
  std::unique_ptr<Duplex> d = kind.open(Topology::kProcess, size);
  std::uint64_t elapsed = 0;
  run_pair(
      Topology::kProcess, pin,
      [&](const Peer&) {
        std::vector<char> msg(size, 'x');
        char ack;
        // One message each way first: the peer is running and both sides'
        // pages are touched before the clock starts.
        d->send(0, msg.data(), size);
        d->recv(1, &ack, 1);
        const std::uint64_t t0 = now_ns();
        for (std::size_t i = 0; i < messages; ++i) d->send(0, msg.data(), size);
        d->recv(1, &ack, 1);
        elapsed = now_ns() - t0;
      },
      [&](const Peer&) {
        std::vector<char> msg(size);
        char ack = 'k';
        d->recv(0, msg.data(), size);
        d->send(1, &ack, 1);
        for (std::size_t i = 0; i < messages; ++i) d->recv(0, msg.data(), size);
        d->send(1, &ack, 1);
      });
  return static_cast<double>(size) * static_cast<double>(messages) * 1e9 /
         static_cast<double>(std::max<std::uint64_t>(elapsed, 1));
}

}  // namespace sigipc::bench
