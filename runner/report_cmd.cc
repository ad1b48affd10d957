// sigipc report: every report format again from a saved results.json (or
// a run rebuilt from its result stream, reports/stream.h),
// optionally with expectation files applied first; or, with --matrix,
// several saved runs side by side (matrix.html, matrix.md).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fixtures/registry.h"
#include "reports/bench_doc.h"
#include "reports/expectations.h"
#include "reports/load.h"
#include "reports/matrix.h"
#include "reports/stream.h"
#include "reports/writers.h"
#include "runner/commands.h"

namespace sigipc {

namespace {

void make_dir(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw UsageError("cannot create output folder " + dir + ": " + std::strerror(errno));
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw UsageError("output folder " + dir + " is not a folder");
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

// The folder a results file came from: its logs/ are next to it.
std::string run_folder_of(const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(file, ec)) return file;
  fs::path parent = fs::path(file).parent_path();
  return parent.empty() ? "." : parent.string();
}

// The reports link each log as logs/<test>.log next to them: when they are
// written elsewhere than the run's folder, its logs go with them.
void carry_logs(const RunRecord& run, const std::string& from, const std::string& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::equivalent(from, out, ec)) return;
  for (const auto& r : run.results) {
    if (r.status == Status::kPass) continue;
    for (const auto& file : log_files_of(r)) {
      if (!fs::is_regular_file(from + "/" + file, ec)) continue;
      fs::create_directories(out + "/logs", ec);
      fs::copy_file(from + "/" + file, out + "/" + file, fs::copy_options::overwrite_existing, ec);
      if (ec)
        throw std::runtime_error("cannot copy " + from + "/" + file + " to " + out + ": " +
                                 ec.message());
    }
  }
}

// The tests an expectation entry may name without being stale: the whole
// catalogue, as sigipc run judges them, and the run's own tests (a run made
// by another build). A filtered run leaves tests out; their entries are not
// stale for it.
void known_tests(const RunRecord& run, std::vector<std::string>& ids,
                 std::vector<std::string>& rules) {
  std::set<std::string> seen;
  for (const auto& t : registry())
    if (seen.insert(t.id()).second) ids.push_back(t.id()), rules.push_back(t.requirement);
  for (const auto& r : run.results)
    if (seen.insert(r.id).second) ids.push_back(r.id), rules.push_back(r.requirement);
}

int one_run(const std::string& file, const std::string& out,
            const std::vector<std::string>& expect) {
  std::vector<Expectation> expectations;
  try {
    expectations = load_expectation_set(expect);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  RunRecord run = load_run(file);
  if (!expect.empty()) {
    // Applying twice would turn the XFAILs of the first pass into
    // unexplained results: insist on the run as it came out of the suite.
    if (!run.expectation_files.empty())
      throw UsageError(file + ":1: expectations were already applied to this run (" +
                       joined(run.expectation_files) + "); give the run without them");
    std::vector<std::string> ids, rules;
    known_tests(run, ids, rules);
    ExpectationReport rep = apply_expectations(run, expectations, ids, rules);
    run.expectation_files = expect;
    run.stale_expectations = rep.stale;
    for (const auto& s : rep.stale)
      std::fprintf(stderr, "sigipc: stale expectation: %s\n", s.c_str());
  }
  make_dir(out);
  carry_logs(run, run_folder_of(file), out);
  auto written = write_all_reports(run, out);
  std::fputs(summary_table(run).c_str(), stdout);
  std::printf("reports in %s/: %s\n", out.c_str(), joined(written).c_str());
  if (expect.empty()) return 0;
  return run.green() ? 0 : 1;
}

// The bench.json measured on the platform of a run: sigipc bench --out
// RUN/bench (as matrix cells write it), or RUN/bench.json; null when none.
nlohmann::json bench_beside(const std::string& results_file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* name : {"bench/bench.json", "bench.json"}) {
    std::string path = run_folder_of(results_file) + "/" + name;
    if (!fs::is_regular_file(path, ec)) continue;
    try {
      return load_bench_file(path);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  }
  return nullptr;
}

int matrix(const std::vector<std::string>& files, const std::string& out,
           const std::vector<std::string>& labels) {
  if (files.size() < 2) throw UsageError("--matrix needs at least two results files");
  if (labels.size() > files.size())
    throw UsageError("more --label options (" + std::to_string(labels.size()) +
                     ") than results files (" + std::to_string(files.size()) + ")");
  std::vector<MatrixColumn> cols;
  for (std::size_t i = 0; i < files.size(); ++i) {
    MatrixColumn c;
    c.source = files[i];
    c.run = load_run(files[i]);
    c.label = i < labels.size() ? labels[i] : platform_label(c.run.environment);
    c.bench = bench_beside(files[i]);
    cols.push_back(std::move(c));
  }
  // Two runs of one platform would carry the same label: number them.
  for (std::size_t i = 0; i < cols.size(); ++i) {
    int same = 0;
    for (std::size_t j = 0; j < i; ++j) same += cols[j].label == cols[i].label;
    if (same) cols[i].label += " (" + std::to_string(same + 1) + ")";
  }
  make_dir(out);
  write_file_atomically(out + "/matrix.html", matrix_html(cols));
  write_file_atomically(out + "/matrix.md", matrix_markdown(cols));
  int disagree = 0, benches = 0;
  for (const auto& r : matrix_rows(cols)) disagree += r.disagree;
  for (const auto& c : cols) benches += !c.bench.is_null();
  std::printf("%zu platforms, %d rules disagree\n", cols.size(), disagree);
  if (benches) std::printf("performance of %d platforms side by side (bench.json)\n", benches);
  std::printf("reports in %s/: matrix.html matrix.md\n", out.c_str());
  return 0;
}

int report(const std::vector<std::string>& files, const std::string& out, bool as_matrix,
           const std::vector<std::string>& labels, const std::vector<std::string>& expect) {
  if (as_matrix) {
    if (!expect.empty()) throw UsageError("--expect applies to one run, not to --matrix");
    return matrix(files, out, labels);
  }
  if (!labels.empty()) throw UsageError("--label is for --matrix");
  if (files.size() != 1)
    throw UsageError("give one results file (several only with --matrix), got " +
                     std::to_string(files.size()));
  return one_run(files[0], out, expect);
}

}  // namespace

CommandAction add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report",
      "Write every report format from saved results, or lay runs of several platforms "
      "side by side");
  struct Args {
    std::vector<std::string> files, labels, expect;
    std::string out;
    bool as_matrix = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option(
         "results", a->files,
         "results.json, results.jsonl or run folder (several with --matrix); a run cut short "
         "is rebuilt from its results.jsonl")
      ->required();
  cmd->add_option("--out", a->out, "Folder for the reports (created if needed)")->required();
  cmd->add_flag("--matrix", a->as_matrix, "Lay several runs side by side: matrix.html, matrix.md");
  cmd->add_option("--label", a->labels,
                  "Column name for the matching results file, in order (--matrix; default: from "
                  "the environment block)");
  cmd->add_option("--expect", a->expect,
                  "Expectation file (YAML) to apply before writing; the exit status then says "
                  "green (0) or not (1), as sigipc run does (repeatable)");
  cmd->footer(
      "Usage: sigipc report RESULTS.json --out DIR\n"
      "       sigipc report --matrix A.json B.json... --out DIR\n"
      "Exit status: 0 written (with --expect: 0 green, 1 not green), 2 bad usage or input.");
  return [a](const CommandLine&) {
    return report(a->files, a->out, a->as_matrix, a->labels, a->expect);
  };
}

}  // namespace sigipc
