// Round-trip latency between two processes or two threads, one mechanism
// at a time: side A sends and waits for the answer, side B answers; A times
// each round trip with CLOCK_MONOTONIC after a warm-up.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/harness.h"

namespace sigipc::bench {

struct LatencySpec {
  int warmup = 0, count = 0;
  Pinning pin;
};

// One row of the latency table: a mechanism in one topology. measure sets
// the mechanism up afresh, runs one repeat and returns count round-trip
// times in ns; it throws Refused when the platform refuses the mechanism.
struct LatencyCase {
  std::string mechanism;
  Topology topology;
  std::function<std::vector<std::uint64_t>(const LatencySpec&)> measure;
};

std::vector<LatencyCase> signal_latency_cases();  // latency/signals.cc
std::vector<LatencyCase> ipc_latency_cases();     // latency/ipc.cc
std::vector<LatencyCase> latency_cases();         // both, in table order

// A round-trip link: ping() is A's send-then-receive, pong() B's
// receive-then-send; each gets the other side.
template <class Link>
std::vector<std::uint64_t> time_round_trips(Link& link, Topology t, const LatencySpec& s) {
  std::vector<std::uint64_t> out(static_cast<std::size_t>(s.count));
  run_pair(
      t, s.pin,
      [&](const Peer& peer) {
        for (int i = 0; i < s.warmup; ++i) link.ping(peer);
        for (auto& sample : out) {
          const std::uint64_t t0 = now_ns();
          link.ping(peer);
          sample = now_ns() - t0;
        }
      },
      [&](const Peer& peer) {
        for (int i = 0; i < s.warmup + s.count; ++i) link.pong(peer);
      });
  return out;
}

// A LatencyCase for Link (constructed afresh for every repeat).
template <class Link>
LatencyCase latency_case(const std::string& mechanism, Topology t) {
  return {mechanism, t, [t](const LatencySpec& s) {
            Link link(t);
            return time_round_trips(link, t, s);
          }};
}

}  // namespace sigipc::bench
