// bench.json (schema sigipc-bench/1, docs/DESIGN.md): the rows as the
// document carries them and the chapter's claims checked against them.
// Reading one back (the baseline) is reports/bench_doc.h's.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/session.h"

namespace sigipc::bench {

nlohmann::json latency_json(const LatencyRow& row);
nlohmann::json throughput_json(const ThroughputRow& row);

// The chapter's claims (shared memory fastest for small and for large
// messages, message queues between pipes and shared memory), each held,
// broken or undecided (null) by this run's throughput rows: a claim holds
// or breaks only when the 95% intervals of the rows it compares do not
// overlap.
nlohmann::json observations(const std::vector<ThroughputRow>& rows);

}  // namespace sigipc::bench
