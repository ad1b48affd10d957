// The result stream, DIR/results.jsonl: a run written as it happens, one
// JSON object a line, so a runner killed with SIGKILL, a guest that loses
// power or a kernel that panics still leaves every finished result behind.
//
//   {"stream":"sigipc-stream/1","environment":{...},"planned":["A.b",...]}
//   {"event":"start","id":"A.b"}
//   {"event":"result", ...one entry of results.json "results"...}
//   {"event":"end","summary":{...results.json "summary"...}}
//
// The first line is the header (every selected test, in run order); "end"
// is written when the run finishes or is interrupted cleanly. A stream that
// stops before its end line is a run cut short: every planned test without
// a result is listed in not_run, and those that had started in running.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/result_model.h"

namespace sigipc {

constexpr const char* kStreamFormat = "sigipc-stream/1";

// Each returns one line, newline included.
std::string stream_header_line(const nlohmann::json& environment,
                               const std::vector<std::string>& planned,
                               const std::vector<std::string>& expectation_files);
std::string stream_start_line(const std::string& id);
std::string stream_result_line(const Result& r);
std::string stream_end_line(const RunRecord& run);

// Rebuilds the run from stream text. A last line cut off mid-write is
// ignored (what a power cut leaves); anything else malformed is an
// InputError "NAME:LINE: reason".
RunRecord load_stream_text(const std::string& text, const std::string& name);

// A results.json, a results.jsonl, or a run folder: the folder's
// results.json when it is complete (its stream, if any, has an end line),
// else the run rebuilt from its results.jsonl. Throws InputError.
RunRecord load_run(const std::string& path);

// Every test id the run planned: its results and its not_run, in order.
std::vector<std::string> planned_ids(const RunRecord& run);

}  // namespace sigipc
