#include "bench/document.h"

#include <algorithm>
#include <cstdio>

namespace sigipc::bench {

nlohmann::json latency_json(const LatencyRow& row) {
  nlohmann::json runs = nlohmann::json::array();
  std::vector<double> p50, p99, p999, max;
  for (const auto& r : row.runs) {
    runs.push_back(
        {{"p50", r.p50}, {"p99", r.p99}, {"p999", r.p999}, {"max", r.max}, {"mean", r.mean}});
    p50.push_back(r.p50);
    p99.push_back(r.p99);
    p999.push_back(r.p999);
    max.push_back(r.max);
  }
  return {{"mechanism", row.mechanism},
          {"topology", topology_name(row.topology)},
          {"unit", "ns"},
          {"runs", runs},
          {"summary",
           {{"p50", summary_json(summarize(p50))},
            {"p99", summary_json(summarize(p99))},
            {"p999", summary_json(summarize(p999))},
            {"max", summary_json(summarize(max))}}},
          {"histogram", row.histogram.trimmed_json()}};
}

nlohmann::json throughput_json(const ThroughputRow& row) {
  return {{"mechanism", row.mechanism},
          {"topology", "process"},
          {"size", row.size},
          {"messages", row.messages},
          {"unit", "bytes/s"},
          {"runs", row.runs},
          {"summary", summary_json(summarize(row.runs))}};
}

namespace {

std::string mb_per_s(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g MB/s", v / 1e6);
  return buf;
}

const ThroughputRow* find_row(const std::vector<ThroughputRow>& rows, const std::string& m,
                              std::size_t size) {
  for (const auto& r : rows)
    if (r.mechanism == m && r.size == size && !r.runs.empty()) return &r;
  return nullptr;
}

// 1: a is faster than b beyond the noise, -1: slower, 0: intervals overlap.
int faster(const ThroughputRow& a, const ThroughputRow& b) {
  const Summary sa = summarize(a.runs), sb = summarize(b.runs);
  if (sa.lo > sb.hi) return 1;
  if (sa.hi < sb.lo) return -1;
  return 0;
}

// holds: subject faster than every row of others; broken when one of them
// is faster; null when an interval overlaps (or nothing to compare).
nlohmann::json claim_fastest(const std::vector<ThroughputRow>& rows, const std::string& subject,
                             const std::vector<std::string>& others, std::size_t size,
                             const std::string& claim) {
  const ThroughputRow* s = find_row(rows, subject, size);
  std::vector<const ThroughputRow*> present;
  for (const auto& o : others)
    if (const ThroughputRow* r = find_row(rows, o, size)) present.push_back(r);
  nlohmann::json holds = nullptr;
  std::string measured;
  if (!s || present.empty()) {
    measured = "not measured at " + std::to_string(size) + " bytes on this platform";
  } else {
    bool all_slower = true, one_faster = false;
    for (const auto* o : present) {
      const int f = faster(*s, *o);
      all_slower = all_slower && f == 1;
      one_faster = one_faster || f == -1;
    }
    if (all_slower) holds = true;
    if (one_faster) holds = false;
    std::vector<const ThroughputRow*> all = present;
    all.push_back(s);
    std::sort(all.begin(), all.end(), [](auto* a, auto* b) {
      return summarize(a->runs).median > summarize(b->runs).median;
    });
    measured = "at " + std::to_string(size) + " bytes (median of repeats):";
    for (const auto* r : all)
      measured += " " + r->mechanism + " " + mb_per_s(summarize(r->runs).median) + ",";
    measured.pop_back();
    if (holds.is_null()) measured += "; the 95% intervals overlap, so no order is decided";
  }
  return {{"claim", claim}, {"measured", measured}, {"holds", holds}};
}

nlohmann::json claim_queues_between(const std::vector<ThroughputRow>& rows, std::size_t size) {
  const std::string claim =
      "message queues are faster than pipes and FIFOs and slower than shared memory";
  const ThroughputRow* shm = find_row(rows, "shm", size);
  std::vector<const ThroughputRow*> queues, streams;
  for (const char* m : {"posix-mq", "sysv-msg"})
    if (auto* r = find_row(rows, m, size)) queues.push_back(r);
  for (const char* m : {"pipe", "fifo"})
    if (auto* r = find_row(rows, m, size)) streams.push_back(r);
  if (!shm || queues.empty() || streams.empty())
    return {{"claim", claim},
            {"measured", "not measured at " + std::to_string(size) + " bytes on this platform"},
            {"holds", nullptr}};
  bool holds = true, broken = false;
  std::string measured = "at " + std::to_string(size) + " bytes:";
  for (const auto* q : queues) {
    measured += " " + q->mechanism + " " + mb_per_s(summarize(q->runs).median);
    const int vs_shm = faster(*q, *shm);
    holds = holds && vs_shm == -1;
    broken = broken || vs_shm == 1;
    for (const auto* s : streams) {
      const int f = faster(*q, *s);
      holds = holds && f == 1;
      broken = broken || f == -1;
    }
    measured += ",";
  }
  for (const auto* s : streams)
    measured += " " + s->mechanism + " " + mb_per_s(summarize(s->runs).median) + ",";
  measured += " shm " + mb_per_s(summarize(shm->runs).median);
  nlohmann::json verdict = broken ? nlohmann::json(false) : holds ? nlohmann::json(true) : nullptr;
  if (verdict.is_null()) measured += "; the 95% intervals overlap, so no order is decided";
  return {{"claim", claim}, {"measured", measured}, {"holds", verdict}};
}

}  // namespace

nlohmann::json observations(const std::vector<ThroughputRow>& rows) {
  std::size_t smallest = 0, largest = 0;
  for (const auto& r : rows) {
    if (r.runs.empty()) continue;
    if (!smallest || r.size < smallest) smallest = r.size;
    largest = std::max(largest, r.size);
  }
  nlohmann::json out = nlohmann::json::array();
  if (!smallest) return out;
  const std::vector<std::string> others = {"pipe", "fifo", "posix-mq", "sysv-msg"};
  out.push_back(claim_fastest(rows, "shm", others, smallest,
                              "shared memory is the fastest IPC for small messages"));
  out.push_back(claim_fastest(rows, "shm", others, largest,
                              "shared memory is the fastest IPC for large messages"));
  out.push_back(claim_queues_between(rows, smallest));
  return out;
}

}  // namespace sigipc::bench
