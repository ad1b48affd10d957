// sigipc merge A B ... --out DIR: the shards of one run (sigipc run --shard
// I/N, each a results.json, results.jsonl or run folder) made into one
// result set with every report. Shards must come from one suite revision on
// one platform (the environment fields below agree) and hold disjoint
// tests; --force merges anyway, the first result of a test winning.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fixtures/registry.h"
#include "reports/load.h"
#include "reports/stream.h"
#include "reports/writers.h"
#include "runner/commands.h"

namespace sigipc {

namespace {

// What makes two runs results of the same suite on the same platform.
constexpr const char* kSameRunKeys[] = {
    "suite_version", "suite_revision", "kernel_release", "arch",    "libc",
    "libc_version",  "emulator",       "isolation",      "wrapper", "timeout_mul"};

std::string value_text(const nlohmann::json& env, const char* key) {
  return env.contains(key) ? env[key].dump() : "(none)";
}

void check_same_run(const std::vector<RunRecord>& runs, const std::vector<std::string>& files,
                    bool force) {
  for (std::size_t i = 1; i < runs.size(); ++i) {
    for (const char* key : kSameRunKeys) {
      std::string a = value_text(runs[0].environment, key),
                  b = value_text(runs[i].environment, key);
      if (a == b) continue;
      std::string why = files[i] + ": environment \"" + key + "\" is " + b + ", " + files[0] +
                        " has " + a + ": not shards of one run";
      if (!force) throw UsageError(why + " (--force merges anyway)");
      std::fprintf(stderr, "sigipc merge: %s\n", why.c_str());
    }
    if (runs[i].expectation_files != runs[0].expectation_files && !force)
      throw UsageError(files[i] + ": expectation files differ from " + files[0] +
                       " (--force merges anyway)");
  }
}

RunRecord merge(const std::vector<RunRecord>& runs, const std::vector<std::string>& files,
                bool force) {
  RunRecord m;
  m.environment = runs[0].environment;
  m.environment.erase("shard");
  m.environment["merged_from"] = files;
  std::map<std::string, std::string> source;  // test id -> file
  std::set<std::string> stale, not_run, running;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunRecord& r = runs[i];
    for (const auto& res : r.results) {
      auto [it, fresh] = source.emplace(res.id, files[i]);
      if (!fresh) {
        std::string why = res.id + " is in both " + it->second + " and " + files[i];
        if (!force) throw UsageError(why + ": not disjoint shards (--force keeps the first)");
        continue;
      }
      m.results.push_back(res);
    }
    m.interrupted = m.interrupted || r.interrupted;
    m.wall_ms = std::max(m.wall_ms, r.wall_ms);  // shards run side by side
    m.not_run_unnamed += r.not_run_unnamed;
    not_run.insert(r.not_run.begin(), r.not_run.end());
    running.insert(r.running.begin(), r.running.end());
    stale.insert(r.stale_expectations.begin(), r.stale_expectations.end());
    for (const auto& f : r.expectation_files)
      if (std::find(m.expectation_files.begin(), m.expectation_files.end(), f) ==
          m.expectation_files.end())
        m.expectation_files.push_back(f);
  }
  for (const auto& id : not_run)
    if (!source.count(id)) m.not_run.push_back(id);
  for (const auto& id : running)
    if (!source.count(id)) m.running.push_back(id);
  m.stale_expectations.assign(stale.begin(), stale.end());
  // The order of an unsharded run: the suite's own, unknown ids last.
  std::map<std::string, std::size_t> pos;
  for (const auto& t : registry()) pos.emplace(t.id(), pos.size());
  auto at = [&](const std::string& id) {
    auto it = pos.find(id);
    return it == pos.end() ? pos.size() : it->second;
  };
  std::stable_sort(m.results.begin(), m.results.end(),
                   [&](const Result& a, const Result& b) { return at(a.id) < at(b.id); });
  std::stable_sort(m.not_run.begin(), m.not_run.end(),
                   [&](const std::string& a, const std::string& b) { return at(a) < at(b); });
  return m;
}

int run_merge(const std::vector<std::string>& files, const std::string& out, bool force) {
  std::vector<RunRecord> runs;
  for (const auto& f : files) runs.push_back(load_run(f));
  check_same_run(runs, files, force);
  RunRecord m = merge(runs, files, force);
  if (mkdir(out.c_str(), 0755) != 0 && errno != EEXIST)
    throw UsageError("cannot create output folder " + out + ": " + std::strerror(errno));
  struct stat st {};
  if (stat(out.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw UsageError("--out " + out + " is not a folder");
  auto written = write_all_reports(m, out);
  std::fputs(summary_table(m).c_str(), stdout);
  std::string names;
  for (const auto& w : written) names += (names.empty() ? "" : " ") + w;
  std::printf("%zu runs merged, %zu tests; reports in %s/: %s\n", runs.size(), m.results.size(),
              out.c_str(), names.c_str());
  return m.green() && m.not_run_count() == 0 ? 0 : 1;
}

}  // namespace

CommandAction add_merge_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "merge", "Merge the shards of one run into one result set and write every report");
  struct Args {
    std::vector<std::string> files;
    std::string out;
    bool force = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("results", a->files, "results.json, results.jsonl or run folder of each shard")
      ->required();
  cmd->add_option("--out", a->out, "Folder for the merged reports (created if needed)")->required();
  cmd->add_flag(
      "--force", a->force,
      "Merge runs of different platforms or suite revisions, or with a test in two of them "
      "(the first result wins)");
  cmd->footer(
      "Usage: sigipc merge A.json B.json... --out DIR (the shards of sigipc run --shard I/N)\n"
      "Exit status: 0 merged and green, 1 merged and not green (or tests not run), 2 bad "
      "usage or input.");
  return [a](const CommandLine&) {
    signal(SIGPIPE, SIG_IGN);
    return run_merge(a->files, a->out, a->force);
  };
}

}  // namespace sigipc
