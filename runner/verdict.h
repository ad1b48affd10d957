// From what a test process said (its result records) and how it ended (its
// wait status, or a timeout) to one status and message.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/result_model.h"

namespace sigipc {

struct Record {
  std::string kind;
  std::string text;
};

// Splits a buffer of "<kind>\t<text>\n" records; a trailing partial line is
// left in buf.
std::vector<Record> parse_records(std::string& buf);

struct Outcome {
  std::vector<Record> records;
  std::optional<int> wait_status;  // of the test process itself
  bool timed_out = false;
  double timeout_s = 0;
  std::vector<std::string> runner_leaks;  // found by the runner after exit
  std::string output_tail;                // last lines the test printed
};

struct Verdict {
  Status status;
  std::string message;
};

Verdict decide(const Outcome& o);

// One run of a test: its verdict and how long it took.
struct RunVerdict {
  Verdict verdict;
  double ms = 0;
};

// One result from every run of a test (--repeat), filled into named (a
// result naming the test and its rule): the worst outcome, with the count of
// each status when they differ, and the mean duration. runs is not empty.
Result aggregate_runs(Result named, const std::vector<RunVerdict>& runs);

}  // namespace sigipc
