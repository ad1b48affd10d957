// IPC round trips: A sends a one-byte message (or a post, a counter) to B
// over a channel (bench/channels.h), B answers the same way.
#include <memory>

#include "bench/channels.h"
#include "bench/latency/latency.h"

namespace sigipc::bench {

namespace {

class DuplexLink {
 public:
  DuplexLink(const ChannelKind& kind, Topology t) : d_(kind.open(t, 1)) {}
  void ping(const Peer&) {
    char b = 'a';
    d_->send(0, &b, 1);
    d_->recv(1, &b, 1);
  }
  void pong(const Peer&) {
    char b;
    d_->recv(0, &b, 1);
    d_->send(1, &b, 1);
  }

 private:
  std::unique_ptr<Duplex> d_;
};

}  // namespace

std::vector<LatencyCase> ipc_latency_cases() {
  std::vector<LatencyCase> out;
  for (const auto& kind : channel_kinds())
    for (Topology t : {Topology::kProcess, Topology::kThread})
      out.push_back({kind.mechanism, t, [&kind, t](const LatencySpec& s) {
                       DuplexLink link(kind, t);
                       return time_round_trips(link, t, s);
                     }});
  return out;
}

std::vector<LatencyCase> latency_cases() {
  std::vector<LatencyCase> out = signal_latency_cases();
  for (auto& c : ipc_latency_cases()) out.push_back(std::move(c));
  return out;
}

}  // namespace sigipc::bench
