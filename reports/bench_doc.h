// Reading a bench.json (schema sigipc-bench/1, written by `sigipc bench`)
// for the pages that draw it: the shape check every reader runs first, and
// the few look-ups the bench page and the matrix share.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sigipc {

constexpr const char* kBenchSchema = "sigipc-bench/1";

// The one check of a bench.json, for every reader (the pages, the matrix,
// the baseline gate): throws std::runtime_error naming the first value
// that does not have the shape they rely on ("latency[2].summary.p50.median:
// not a number", "latency[0].runs[1].p50: not a number"). Keys a reader does
// not know are allowed (later versions may add some).
void check_bench_doc(const nlohmann::json& doc);

// Reads, parses and checks a bench.json; throws std::runtime_error
// "PATH: reason" on an unreadable, malformed or wrong-schema file.
nlohmann::json load_bench_file(const std::string& path);

// The doc's array under key, or an empty array when it has none.
const nlohmann::json& bench_rows(const nlohmann::json& doc, const char* key);

// summary[metric].median of a latency row, or summary.median of a throughput
// row (metric empty); a negative number when absent.
double bench_median(const nlohmann::json& row, const std::string& metric = "");

// Whether the run happened on an emulator (absolute times not comparable
// with native): environment.emulated, else an emulator named in it.
bool bench_emulated(const nlohmann::json& doc);
// PIPE_BUF of the measured platform: environment.limits.pipe_buf, else this
// build's.
double bench_pipe_buf(const nlohmann::json& doc);
// The emulator or sandbox the environment names, "" for none.
std::string bench_emulator(const nlohmann::json& doc);

}  // namespace sigipc
