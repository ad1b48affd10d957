// A bench run's measurements, each (a latency row's repeats, a throughput
// row's repeats) in a forked measurement process of its own: a mechanism
// that crashes or hangs costs its row, not the run. The session owns a
// private folder (FIFOs, the record of IPC objects created) and removes
// every object a measurement process left behind, also after a crash, a
// time-out or an interrupt (SIGINT, SIGTERM, SIGHUP).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/harness.h"
#include "bench/latency/latency.h"
#include "bench/stats.h"

namespace sigipc::bench {

struct LatencyRow {
  std::string mechanism;
  Topology topology = Topology::kProcess;
  std::vector<Percentiles> runs;
  LogHistogram histogram;
  std::string unsupported;  // the reason, when the platform refused it
};

struct ThroughputRow {
  std::string mechanism;
  std::size_t size = 0;
  std::size_t messages = 0;  // a repeat
  std::vector<double> runs;  // bytes per second
  std::string unsupported;
};

// The run was interrupted by a signal; what was measured is kept.
struct Interrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Session {
 public:
  // timeout_s: the safety net for one measurement process.
  Session(const Pinning& pin, double timeout_s);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs repeats more repeats of the row, appending to it (throws
  // Interrupted).
  void measure(const LatencyCase& c, int warmup, int count, int repeats, LatencyRow& row);
  void measure(ThroughputRow& row, std::size_t messages, int repeats);

 private:
  // Runs body in a measurement process; returns what it printed, or sets
  // refused to why it gave nothing.
  std::string in_child(const std::function<std::string()>& body, std::string& refused);

  Pinning pin_;
  double timeout_s_;
  std::string dir_;
  int cells_ = 0;
};

}  // namespace sigipc::bench
