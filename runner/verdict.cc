#include "runner/verdict.h"

#include <sys/wait.h>

#include "fixtures/check.h"

namespace sigipc {

std::vector<Record> parse_records(std::string& buf) {
  std::vector<Record> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t nl = buf.find('\n', start);
    if (nl == std::string::npos) break;
    std::string line = buf.substr(start, nl - start);
    start = nl + 1;
    auto tab = line.find('\t');
    if (tab == std::string::npos)
      out.push_back({"junk", line});
    else
      out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  buf.erase(0, start);
  return out;
}

namespace {
std::string join(const std::vector<std::string>& v, std::size_t max_items = 5) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < max_items; ++i) {
    if (i) s += "; ";
    // A record with no text still leaves a reason (fuzz/corpus/records_fuzz).
    s += v[i].empty() ? "(a record with no text)" : v[i];
  }
  if (v.size() > max_items) s += "; and " + std::to_string(v.size() - max_items) + " more";
  return s;
}

std::string with_output(std::string msg, const std::string& tail) {
  if (!tail.empty()) msg += " | last output: " + tail;
  return msg;
}
}  // namespace

namespace {

// What the test's records said, by kind, with the runner's own leak findings.
struct Said {
  std::vector<std::string> fails, errors, leaks, unsupported, notes;
  std::string end;
  bool began = false;
};

Said gather(const Outcome& o) {
  Said s;
  for (const auto& r : o.records) {
    if (r.kind == "fail")
      s.fails.push_back(r.text);
    else if (r.kind == "error")
      s.errors.push_back(r.text);
    else if (r.kind == "leak")
      s.leaks.push_back(r.text);
    else if (r.kind == "unsupported")
      s.unsupported.push_back(r.text);
    else if (r.kind == "note")
      s.notes.push_back(r.text);
    else if (r.kind == "end" && s.end.empty())
      s.end = r.text;
    else if (r.kind == "begin")
      s.began = true;
  }
  for (const auto& l : o.runner_leaks) s.leaks.push_back(l);
  return s;
}

}  // namespace

Verdict decide(const Outcome& o) {
  const Said said = gather(o);
  const auto& [fails, errors, leaks, unsupported, notes, end, began] = said;
  std::string leak_note = leaks.empty() ? "" : " (also leaked: " + join(leaks) + ")";

  if (o.timed_out) {
    std::string m = "no result within " + std::to_string(static_cast<int>(o.timeout_s)) +
                    " s; the test's processes were killed";
    if (!fails.empty()) m += "; before that: " + join(fails);
    return {Status::kTimeout, with_output(m, o.output_tail)};
  }
  if (!o.wait_status) {
    std::string m = errors.empty() ? "the test process's exit status was lost" : join(errors);
    return {Status::kError, with_output(m, o.output_tail)};
  }
  int st = *o.wait_status;
  if (WIFSIGNALED(st)) {
    std::string m = "crashed: killed by " + SignalText(WTERMSIG(st));
    if (WCOREDUMP(st)) m += ", core dumped";
    if (!fails.empty()) m += "; " + join(fails);
    return {Status::kFail, with_output(m + leak_note, o.output_tail)};
  }
  if (!errors.empty()) return {Status::kError, join(errors) + leak_note};
  if (!fails.empty()) return {Status::kFail, join(fails) + leak_note};
  if (!began || end.empty()) {
    std::string m = "the test process exited with " + std::to_string(WEXITSTATUS(st)) +
                    (began ? " before the test finished" : " before the test started");
    return {began ? Status::kFail : Status::kError, with_output(m + leak_note, o.output_tail)};
  }
  if (!leaks.empty()) return {Status::kError, "leaked: " + join(leaks)};
  if (end == "skip")
    return {Status::kUnsupported, unsupported.empty() ? "no reason given" : join(unsupported)};
  // A passing test's observations about the platform (what libc did when a
  // syscall was missing or denied) are its message: they are results too.
  if (end == "pass" && WEXITSTATUS(st) == 0)
    return {Status::kPass, notes.empty() ? "" : "observed: " + join(notes, 8)};
  if (end == "fail") return {Status::kFail, "GoogleTest reported a failure without a message"};
  return {Status::kError,
          "test passed but its process exited with " + std::to_string(WEXITSTATUS(st))};
}

Result aggregate_runs(Result r, const std::vector<RunVerdict>& runs) {
  r.runs = static_cast<int>(runs.size());
  double total = 0;
  const Verdict* worst = nullptr;
  for (const auto& [v, ms] : runs) {
    total += ms;
    r.run_counts[status_name(v.status)]++;
    if (!worst || severity(v.status) > severity(worst->status)) worst = &v;
  }
  r.status = worst->status;
  r.message = worst->message;
  if (r.runs > 1 && r.run_counts.size() > 1)
    r.message = "differs between runs (" + std::to_string(r.run_counts[status_name(r.status)]) +
                " of " + std::to_string(r.runs) + " " + status_name(r.status) + "): " + r.message;
  r.duration_ms = total / r.runs;
  return r;
}

}  // namespace sigipc
