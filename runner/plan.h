// Which tests a run takes and in what order: --shard, --shuffle, and the
// recorded durations that balance the shards.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fixtures/registry.h"

namespace sigipc {

struct Shard {
  int index = 1;  // 1-based
  int count = 1;
};

// "I/N" with 1 <= I <= N <= 10000; throws std::invalid_argument with a
// one-line reason.
Shard parse_shard(const std::string& text);

// Test id -> milliseconds, from a results.json, results.jsonl or run folder
// (its duration_ms; runs * duration for repeated tests is not needed: the
// mean is what one run costs). Throws InputError.
std::map<std::string, double> load_durations(const std::string& path);

// The tests of one shard. Every test goes to exactly one shard: tests are
// taken longest first (by durations, else the test's time limit, ties by
// id) and each goes to the shard with the least total so far (ties: the
// lowest index), so the split depends only on the test list and durations,
// never on the order they are given in. The shard keeps the given order.
std::vector<const TestMeta*> shard_tests(const std::vector<const TestMeta*>& tests, const Shard& s,
                                         const std::map<std::string, double>& durations);

// Fisher-Yates over std::mt19937_64 with the run's seed, drawing indices by
// integer arithmetic only, so one seed gives one order on every platform.
void shuffle_tests(std::vector<const TestMeta*>& tests, std::uint64_t seed);

}  // namespace sigipc
