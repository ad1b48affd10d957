// Runs the selected tests, each in its own process, N at a time, and collects
// one result per test. Single-threaded: one poll loop over the result pipes, a
// signalfd for SIGCHLD/SIGINT/SIGTERM/SIGHUP, and the nearest deadline.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fixtures/registry.h"
#include "reports/result_model.h"
#include "runner/spawn.h"

namespace sigipc {

struct SchedulerOptions {
  int jobs = 1;
  double timeout_mul = 1.0;
  std::uint64_t seed = 0;
  int repeat = 1;
  bool until_fail = false;           // repeat each test until a run is not green (at most repeat)
  bool fail_fast = false;            // start nothing after the first test that is not green
  std::vector<std::string> wrapper;  // words put in front of every test process
  std::string self_exe;
  Isolation isolation = Isolation::kProcessGroup;
  bool fork_server = false;  // start tests from a fork server (namespaces only)
  std::string work_dir;      // per-test folders live here
  std::string log_dir;       // output of non-passing tests is copied here ("" = none)
  bool tty = false;          // live progress line instead of one line per test
  bool quiet = false;        // no progress output at all (benchmarks)
  // Applied to a copy of each result for the progress line only (the run's
  // expectation files), so a known deviation shows as XFAIL as it happens
  // rather than as a FAIL the final table then contradicts.
  std::function<void(Result&)> relabel;
  // Called as a test starts (its first run) and as its result is final,
  // so the result stream has it at once.
  std::function<void(const TestMeta&)> on_start;
  std::function<void(const Result&)> on_result;
};

struct SchedulerResult {
  std::vector<Result> results;
  bool interrupted = false;
  std::vector<std::string> not_run;  // ids without a single finished run
  bool stopped_early = false;        // --fail-fast stopped scheduling
  std::string fork_server_failure;   // why the fork server stopped, when it did
};

SchedulerResult run_tests(const std::vector<const TestMeta*>& tests, const SchedulerOptions& o);

// A result naming the test and its rule, with no outcome yet.
Result result_for(const TestMeta& t);

// The environment block, probed by a process started exactly like a test
// (same wrapper and isolation), so it describes the platform under test.
std::string probe_environment(const SchedulerOptions& o);

}  // namespace sigipc
