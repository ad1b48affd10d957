// bench.json (schema sigipc-bench/1, docs/DESIGN.md): the rows as the
// document carries them, the chapter's claims checked against them, and
// rows read back from a document (the baseline).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/session.h"

namespace sigipc::bench {

constexpr const char* kBenchSchema = "sigipc-bench/1";

nlohmann::json latency_json(const LatencyRow& row);
nlohmann::json throughput_json(const ThroughputRow& row);

// The chapter's claims (shared memory fastest for small and for large
// messages, message queues between pipes and shared memory), each held,
// broken or undecided (null) by this run's throughput rows: a claim holds
// or breaks only when the 95% intervals of the rows it compares do not
// overlap.
nlohmann::json observations(const std::vector<ThroughputRow>& rows);

// Checks that doc is a sigipc-bench/1 document with the arrays the gate
// reads; throws std::runtime_error with a one-line reason.
void check_bench_document(const nlohmann::json& doc);

}  // namespace sigipc::bench
