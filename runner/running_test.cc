#include "runner/running_test.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "fixtures/ipc_registry.h"

namespace sigipc {

namespace {

// A process that outlived its test but holds the result pipe open gets this
// long after the test process ended before the runner stops waiting for EOF.
constexpr auto kEofGrace = std::chrono::seconds(2);

std::string read_tail(const std::string& path, std::size_t max) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > max) s = "..." + s.substr(s.size() - max);
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

RunningTest::RunningTest(const TestMeta& meta, int iteration, std::string token, std::string dir,
                         double timeout_s, Launched launched)
    : meta_(&meta),
      iteration_(iteration),
      token_(std::move(token)),
      dir_(std::move(dir)),
      launched_(launched),
      start_(Clock::now()) {
  out_.timeout_s = timeout_s;
  deadline_ = start_ + std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
}

void RunningTest::read_results() {
  char buf[8192];
  for (;;) {
    ssize_t got = read(result_fd(), buf, sizeof buf);
    if (got > 0) {
      buf_.append(buf, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) eof_ = true;
    return;
  }
}

void RunningTest::ended(std::optional<int> wait_status) {
  exited_ = true;
  exit_time_ = Clock::now();
  if (wait_status) out_.wait_status = wait_status;
}

void RunningTest::enforce_deadline(Clock::time_point now) {
  if (exited_ || out_.timed_out || now < deadline_) return;
  out_.timed_out = true;
  kill(-pid(), SIGKILL);
}

RunningTest::Clock::time_point RunningTest::next_wake() const {
  return exited_ ? exit_time_ + kEofGrace : deadline_;
}

bool RunningTest::done(Clock::time_point now) const {
  return exited_ && (eof_ || now >= exit_time_ + kEofGrace);
}

RunVerdict RunningTest::finish(Isolation isolation) {
  if (!eof_) leaked("a process outside the test's group kept its result channel open");
  out_.records = parse_records(buf_ += "\n");
  // In namespace isolation the reaper reports the test's own wait status.
  if (isolation == Isolation::kNamespaces)
    for (const auto& rec : out_.records)
      if (rec.kind == "wait") out_.wait_status = std::stoi(rec.text);
  out_.output_tail = read_tail(dir_ + "/output.log", 400);
  // What a crashed or killed test created and could not remove itself.
  if (isolation == Isolation::kProcessGroup)
    for (auto& l : remove_recorded_ipc(dir_ + "/ipc-created", "")) leaked(l);
  Verdict v = decide(out_);
  if (!out_.timed_out && !exited_) v = {Status::kError, "lost track of the test process"};
  close(result_fd());
  return {v, std::chrono::duration<double, std::milli>(exit_time_ - start_).count()};
}

}  // namespace sigipc
