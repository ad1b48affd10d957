// One started test process, from its start until its verdict: what it wrote
// on its result channel, whether and when it ended, its deadline. The
// scheduler reports events (readable channel, reaped, the fork server's exit
// notice, the clock); the test's state changes here only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "fixtures/registry.h"
#include "runner/launcher.h"
#include "runner/verdict.h"

namespace sigipc {

class RunningTest {
 public:
  using Clock = std::chrono::steady_clock;

  // dir is the test's private folder (runner/scheduler.cc makes it), token
  // the value of its SIGIPC_TOKEN.
  RunningTest(const TestMeta& meta, int iteration, std::string token, std::string dir,
              double timeout_s, Launched launched);
  RunningTest(RunningTest&&) = default;
  RunningTest& operator=(RunningTest&&) = default;

  const TestMeta& meta() const { return *meta_; }
  int iteration() const { return iteration_; }
  const std::string& token() const { return token_; }
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return launched_.sp.pid; }
  int result_fd() const { return launched_.sp.result_fd; }
  bool via_server() const { return launched_.via_server; }
  long long shared_log_from() const { return launched_.shared_log_from; }
  Clock::time_point start_time() const { return start_; }

  // Whether the result channel is still open (worth polling).
  bool reading() const { return !eof_; }
  bool exited() const { return exited_; }
  // The channel is readable: takes what is there, notes its end.
  void read_results();
  // The test process ended; its wait status when the runner reaped it itself
  // in process-group isolation (a namespace's reaper reports the test's own).
  void ended(std::optional<int> wait_status = std::nullopt);
  // Something the runner found the test left behind.
  void leaked(const std::string& what) { out_.runner_leaks.push_back(what); }
  // Kills the test's process group once its time is up.
  void enforce_deadline(Clock::time_point now);
  // When something next happens to it without an event: its deadline, or
  // the end of the wait for its result channel to close.
  Clock::time_point next_wake() const;
  // Ended, and its result channel closed (or waited for long enough).
  bool done(Clock::time_point now) const;

  // Its verdict, from its records and how it ended; closes the channel.
  // Leaks are collected from dir first (process-group isolation).
  RunVerdict finish(Isolation isolation);

 private:
  const TestMeta* meta_;
  int iteration_;
  std::string token_, dir_;
  Launched launched_;
  std::string buf_;  // result records read so far
  Outcome out_;
  Clock::time_point start_, deadline_, exit_time_;
  bool exited_ = false;
  bool eof_ = false;
};

}  // namespace sigipc
