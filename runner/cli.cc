#include "runner/cli.h"

#include <fnmatch.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fixtures/exec_helper.h"
#include "fixtures/proc_util.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/test_process.h"
#include "reports/expectations.h"
#include "reports/load.h"
#include "reports/stream.h"
#include "reports/writers.h"
#include "runner/commands.h"
#include "runner/environment.h"
#include "runner/fork_server.h"
#include "runner/plan.h"
#include "runner/result_stream.h"
#include "runner/scheduler.h"
#include "runner/spawn.h"
#include "runner/touching.h"
#include "runner/work_dir.h"
#include "sigipc_revision.h"

#ifndef SIGIPC_VERSION
#define SIGIPC_VERSION "0.0.0"
#endif

namespace sigipc {

namespace {

bool matches(const TestMeta& t, const std::string& glob) {
  return fnmatch(glob.c_str(), t.id().c_str(), 0) == 0 ||
         fnmatch(glob.c_str(), t.requirement.c_str(), 0) == 0;
}

// "A*:B*" is two globs, as in GoogleTest's --gtest_filter.
std::vector<std::string> split_globs(const std::vector<std::string>& args) {
  std::vector<std::string> globs;
  for (const auto& a : args) {
    std::size_t start = 0;
    for (;;) {
      std::size_t colon = a.find(':', start);
      std::string g =
          a.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!g.empty()) globs.push_back(g);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return globs;
}

std::vector<const TestMeta*> select_tests(const std::vector<std::string>& filter_args,
                                          const std::vector<std::string>& exclude_args = {}) {
  const auto filters = split_globs(filter_args), excludes = split_globs(exclude_args);
  std::vector<const TestMeta*> out;
  for (const auto& t : registry()) {
    bool take = filters.empty();
    for (const auto& f : filters) take = take || matches(t, f);
    for (const auto& x : excludes) take = take && !matches(t, x);
    if (take) out.push_back(&t);
  }
  if (out.empty()) {
    std::string all;
    for (const auto& f : filters) all += (all.empty() ? "" : " ") + f;
    throw UsageError("no test matches --filter " + all + " (see: sigipc list)");
  }
  return out;
}

std::vector<Expectation> load_expectation_files(const std::vector<std::string>& files) {
  try {
    return load_expectation_set(files);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

// The expectation entry with status SKIP that leaves t out on this
// platform, or nullptr.
const Expectation* skip_entry(const std::vector<Expectation>& expectations,
                              const nlohmann::json& env, const TestMeta& t) {
  const Expectation* e = deciding_expectation(expectations, env, t.id(), t.requirement);
  return e && e->status == Status::kSkip ? e : nullptr;
}

// sigipc list and run select tests by kernel function with these.
struct TouchingArgs {
  std::vector<std::string> functions;
  std::string attribution;
};

void add_touching_options(CLI::App* cmd, TouchingArgs& a) {
  cmd->add_option("--touching", a.functions,
                  "Only the tests whose kernel coverage unit reaches FILE:FUNCTION, e.g. "
                  "kernel/signal.c:do_sigaction (repeatable; needs --attribution)");
  cmd->add_option("--attribution", a.attribution,
                  "attribution.json of a kernel coverage report, for --touching (default: "
                  "$SIGIPC_KERNEL_ATTRIBUTION)")
      ->envname("SIGIPC_KERNEL_ATTRIBUTION");
}

int cmd_list(const std::vector<std::string>& filters, const std::vector<std::string>& excludes,
             const TouchingArgs& touching, const std::vector<std::string>& expect_files,
             bool json) {
  auto tests =
      select_touching(select_tests(filters, excludes), touching.functions, touching.attribution);
  auto expectations = load_expectation_files(expect_files);
  // The platform as the runner itself sees it (a run probes it through the
  // wrapper): enough to preview which entries apply.
  nlohmann::json env = expectations.empty() ? nlohmann::json::object() : platform_environment();
  std::vector<const TestMeta*> shown;
  for (const auto* t : tests) {
    if (const Expectation* e = skip_entry(expectations, env, *t)) {
      std::fprintf(stderr, "sigipc: %s: skipped (%s: %s)\n", t->id().c_str(), e->where().c_str(),
                   e->reason.c_str());
      continue;
    }
    shown.push_back(t);
  }
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto* t : shown)
      arr.push_back({{"id", t->id()},
                     {"family", t->family()},
                     {"requirement", t->requirement},
                     {"clause", t->clause},
                     {"statement", t->statement},
                     {"timeout_s", t->timeout_s}});
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto* t : shown)
    std::cout << t->id() << "\t" << t->family() << "\t" << t->requirement << "\t" << t->clause
              << "\t" << t->statement << "\n";
  return 0;
}

struct RunArgs {
  std::vector<std::string> filters;
  std::vector<std::string> excludes;
  TouchingArgs touching;
  std::string out = "sigipc-results";
  int jobs = 0;
  std::string timeout_mul = "1";
  std::string seed;
  std::string repeat = "1";
  std::string wrapper;
  std::string isolation = "auto";
  std::string test_start = "auto";
  bool fork_server = false;
  std::vector<std::string> expect_files;
  std::string resume, rerun_failed, shard, durations, stdout_format = "progress";
  bool shuffle = false, fail_fast = false;
};

// "N" or "until-fail:N", 1 <= N <= 1000000.
void parse_repeat(const std::string& text, SchedulerOptions& o) {
  std::string n = text;
  o.until_fail = n.rfind("until-fail:", 0) == 0;
  if (o.until_fail) n = n.substr(11);
  if (n.empty() || n.size() > 7 || n.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(n) < 1 || std::stoi(n) > 1000000)
    throw UsageError("--repeat must be N or until-fail:N with 1 <= N <= 1000000, got '" + text +
                     "'");
  o.repeat = std::stoi(n);
}

// Decimal 0 to 2^64-1; "-1" and friends are refused, not wrapped.
std::uint64_t parse_seed(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      errno == ERANGE || *end)
    throw UsageError("--seed must be a whole number from 0 to 18446744073709551615, got '" + text +
                     "'");
  return v;
}

StdoutFormat parse_stdout_format(const std::string& f) {
  if (f == "progress") return StdoutFormat::kProgress;
  if (f == "ktap") return StdoutFormat::kKtap;
  if (f == "jsonl") return StdoutFormat::kJsonl;
  throw UsageError("--stdout-format must be progress, ktap or jsonl, got '" + f + "'");
}

// The output folder must take files before the first test runs: a run
// whose reports cannot be written is refused, not run.
void check_out_dir(const std::string& out) {
  struct stat st {};
  if (stat(out.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    throw UsageError("--out " + out + " exists and is not a folder");
  if (mkdir(out.c_str(), 0755) != 0 && errno != EEXIST)
    throw UsageError("cannot create output folder " + out + ": " + std::strerror(errno));
  if (access(out.c_str(), W_OK | X_OK) != 0)
    throw UsageError("output folder " + out + " is not writable: " + std::strerror(errno));
}

// What an earlier run left for --resume or --rerun-failed.
struct Earlier {
  RunRecord run;
  bool given = false;
};

Earlier load_earlier(const std::string& path) {
  Earlier e;
  if (path.empty()) return e;
  try {
    e.run = load_run(path);
  } catch (const InputError& err) {
    throw UsageError(err.what());
  }
  e.given = true;
  return e;
}

// The tests this invocation runs: the selection, narrowed by --resume (what
// DIR has no result for), --rerun-failed (what was red) and --shard.
std::vector<const TestMeta*> plan_tests(const RunArgs& a, const Earlier& resume,
                                        const Earlier& rerun) {
  const bool filtered = !a.filters.empty() || !a.excludes.empty() || !a.touching.functions.empty();
  auto tests = select_touching(select_tests(a.filters, a.excludes), a.touching.functions,
                               a.touching.attribution);
  std::set<std::string> keep;
  bool narrow = false;
  if (resume.given) {
    std::set<std::string> done;
    for (const auto& r : resume.run.results) done.insert(r.id);
    for (const auto& id : planned_ids(resume.run))
      if (!done.count(id)) keep.insert(id);
    // Without --filter, the earlier run's selection is the one resumed.
    if (filtered)
      for (const auto* t : tests)
        if (!done.count(t->id())) keep.insert(t->id());
    narrow = true;
  }
  if (rerun.given) {
    for (const auto& r : rerun.run.results)
      if (is_bad(r.status)) keep.insert(r.id);
    narrow = true;
  }
  if (narrow) {
    std::vector<const TestMeta*> kept;
    for (const auto* t : tests)
      if (keep.count(t->id())) kept.push_back(t);
    tests = std::move(kept);
  }
  if (!a.shard.empty()) {
    Shard shard;
    try {
      shard = parse_shard(a.shard);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    std::map<std::string, double> durations;
    if (!a.durations.empty()) {
      try {
        durations = load_durations(a.durations);
      } catch (const InputError& e) {
        throw UsageError(std::string("--durations: ") + e.what());
      }
    }
    tests = shard_tests(tests, shard, durations);
  }
  return tests;
}

std::string shell_quoted(const std::string& w) {
  if (!w.empty() &&
      w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                          "_-./:=@%+,") == std::string::npos)
    return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct Setup {
  SchedulerOptions o;
  std::string isolation_why, start_note;
};

// The option, or the environment variable that stands in for it; parsed
// here rather than by CLI11, which would also judge the variable for every
// other command.
double parse_timeout_mul(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || !end || *end || !(v >= 0.01 && v <= 1000))
    throw UsageError(
        "--timeout-mul (or $SIGIPC_TIMEOUT_MUL) must be a number from 0.01 to 1000, got '" + text +
        "'");
  return v;
}

// --test-start (and its old spelling --fork-server): forking each test from
// one started copy saves the program's start-up, but a forked test carries
// no environment token, so it needs namespace isolation to be found.
void choose_test_start(const RunArgs& a, Setup& s) {
  if (a.fork_server && a.test_start != "auto" && a.test_start != "fork-server")
    throw UsageError("--fork-server contradicts --test-start " + a.test_start);
  const std::string start = a.fork_server ? "fork-server" : a.test_start;
  if (start != "auto" && start != "exec" && start != "fork-server")
    throw UsageError("--test-start must be auto, exec or fork-server, not '" + start + "'");
  const bool namespaces = s.o.isolation == Isolation::kNamespaces;
  if (start == "fork-server" && !namespaces) {
    if (a.isolation != "auto")
      throw UsageError(std::string(a.fork_server ? "--fork-server" : "--test-start fork-server") +
                       " needs namespace isolation (process-group isolation finds a test's "
                       "processes by an environment token a forked test does not carry)");
    s.start_note =
        "--test-start fork-server asked for, but namespaces are not available here: tests are "
        "exec'd";
  }
  s.o.fork_server = start != "exec" && namespaces;
}

// --isolation against what this machine allows, then how tests start.
void choose_isolation(const RunArgs& a, Setup& s) {
  SchedulerOptions& o = s.o;
  std::string& why = s.isolation_why;
  if (a.isolation == "auto") {
    o.isolation = namespaces_available(&why) ? Isolation::kNamespaces : Isolation::kProcessGroup;
  } else if (a.isolation == "namespaces") {
    if (!namespaces_available(&why))
      throw UsageError("--isolation namespaces is not available here: " + why);
    o.isolation = Isolation::kNamespaces;
  } else if (a.isolation == "process-group") {
    o.isolation = Isolation::kProcessGroup;
  } else {
    throw UsageError("--isolation must be auto, namespaces or process-group");
  }
  choose_test_start(a, s);
}

Setup setup_scheduler(const RunArgs& a) {
  Setup s;
  SchedulerOptions& o = s.o;
  o.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  o.timeout_mul = parse_timeout_mul(a.timeout_mul);
  parse_repeat(a.repeat, o);
  o.fail_fast = a.fail_fast;
  o.seed = !a.seed.empty() ? parse_seed(a.seed) : std::random_device{}() % 1000000000ULL;
  o.wrapper = split_words(a.wrapper);
  o.self_exe = self_exe();
  if (o.self_exe.empty()) throw std::runtime_error("cannot read /proc/self/exe");
  o.tty = isatty(STDERR_FILENO) && !getenv("CI");
  choose_isolation(a, s);
  return s;
}

RunDescription describe_run(const RunArgs& a, const Setup& s, const CommandLine& cl,
                            const Earlier& resume) {
  RunDescription d;
  d.isolation_asked = a.isolation;
  d.isolation_why = s.isolation_why;
  d.command_line = cl.text;
  d.wrapper = a.wrapper;
  d.shard = a.shard;
  d.shuffle = a.shuffle;
  d.start_note = s.start_note;
  if (resume.given) d.resumed_with_results = resume.run.results.size();
  return d;
}

// Keeps results in the order of the planned ids.
void order_results(RunRecord& run, const std::vector<std::string>& planned) {
  std::map<std::string, std::size_t> pos;
  for (std::size_t i = 0; i < planned.size(); ++i) pos.emplace(planned[i], i);
  std::stable_sort(run.results.begin(), run.results.end(), [&](const Result& x, const Result& y) {
    auto px = pos.find(x.id), py = pos.find(y.id);
    return (px == pos.end() ? planned.size() : px->second) <
           (py == pos.end() ? planned.size() : py->second);
  });
}

Result skipped_result(const TestMeta& t, const Expectation& e) {
  Result r = result_for(t);
  apply_expectation(r, e);
  return r;
}

// --resume, --rerun-failed and --durations against each other.
void check_run_args(RunArgs& a) {
  if (!a.resume.empty()) {
    if (!a.rerun_failed.empty()) throw UsageError("--resume and --rerun-failed do not go together");
    if (a.out != "sigipc-results" && a.out != a.resume)
      throw UsageError("--resume DIR writes into DIR: leave out --out, or give the same folder");
    a.out = a.resume;
  }
  if (!a.durations.empty() && a.shard.empty())
    throw UsageError("--durations balances --shard: give --shard I/N too");
}

// Blocks SIGINT, SIGTERM and SIGHUP while it lives: from the start of the
// run an interrupt is taken by the scheduler (signalfd), so the work folder
// is always removed and the results so far written.
class StopSignalsBlocked {
 public:
  StopSignalsBlocked() {
    sigset_t stop_sigs;
    sigemptyset(&stop_sigs);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_sigs, sig);
    sigprocmask(SIG_BLOCK, &stop_sigs, &old_);
  }
  ~StopSignalsBlocked() { sigprocmask(SIG_SETMASK, &old_, nullptr); }
  StopSignalsBlocked(const StopSignalsBlocked&) = delete;
  StopSignalsBlocked& operator=(const StopSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

// One `sigipc run`: plans the tests, streams and runs them, writes the
// reports.
class RunCommand {
 public:
  RunCommand(RunArgs a, const CommandLine& cl) : a_(std::move(a)), cl_(cl) {}
  int run();

 private:
  void plan_run();
  void stream_head();
  void install_hooks();
  void run_planned();
  void apply_expectation_files();
  int write_reports();

  RunArgs a_;
  const CommandLine& cl_;
  StdoutFormat format_ = StdoutFormat::kProgress;
  std::vector<Expectation> expectations_;
  Setup setup_;
  Earlier resume_, rerun_;
  std::vector<const TestMeta*> tests_, to_run_;
  std::vector<Result> skipped_;
  std::vector<std::string> planned_;
  std::unique_ptr<ResultStream> stream_;
  RunRecord run_;
  std::chrono::steady_clock::time_point t0_;
};

int RunCommand::run() {
  check_run_args(a_);
  format_ = parse_stdout_format(a_.stdout_format);
  expectations_ = load_expectation_files(a_.expect_files);
  setup_ = setup_scheduler(a_);
  resume_ = load_earlier(a_.resume);
  rerun_ = load_earlier(a_.rerun_failed);
  tests_ = plan_tests(a_, resume_, rerun_);
  if (tests_.empty() && rerun_.given && !resume_.given) {
    std::fprintf(stderr, "sigipc: %s has no FAIL, ERROR, TIMEOUT or XPASS test to run again\n",
                 a_.rerun_failed.c_str());
    return 0;
  }
  check_out_dir(a_.out);
  // Written to, not only read, by a --resume: the earlier results are kept
  // in memory and written again at the head of the new stream.
  stream_ = std::make_unique<ResultStream>(a_.out + "/results.jsonl", format_);
  if (!setup_.start_note.empty()) std::fprintf(stderr, "sigipc: %s\n", setup_.start_note.c_str());
  // Exec tests put the same wrapper in front of the programs they exec.
  if (!a_.wrapper.empty()) setenv("SIGIPC_WRAPPER", a_.wrapper.c_str(), 1);

  StopSignalsBlocked blocked;
  WorkDir work;
  setup_.o.work_dir = work.path();
  setup_.o.log_dir = a_.out + "/logs";
  t0_ = std::chrono::steady_clock::now();
  run_.environment = run_environment(setup_.o, describe_run(a_, setup_, cl_, resume_));
  plan_run();
  stream_head();
  install_hooks();
  run_planned();
  return write_reports();
}

// The tests a SKIP entry leaves out on this platform, and the order of the
// rest.
void RunCommand::plan_run() {
  for (const auto* t : tests_) {
    if (const Expectation* e = skip_entry(expectations_, run_.environment, *t))
      skipped_.push_back(skipped_result(*t, *e));
    else
      to_run_.push_back(t);
  }
  if (a_.shuffle) shuffle_tests(to_run_, setup_.o.seed);
  if (resume_.given) planned_ = planned_ids(resume_.run);
  std::set<std::string> in_plan(planned_.begin(), planned_.end());
  for (const auto& r : skipped_)
    if (in_plan.insert(r.id).second) planned_.push_back(r.id);
  for (const auto* t : to_run_)
    if (in_plan.insert(t->id()).second) planned_.push_back(t->id());
}

void RunCommand::stream_head() {
  stream_->header(run_.environment, planned_, a_.expect_files);
  for (const auto& r : resume_.run.results) stream_->result(r);
  for (const auto& r : skipped_) stream_->result(r);
}

void RunCommand::install_hooks() {
  SchedulerOptions& o = setup_.o;
  if (!expectations_.empty())
    o.relabel = [this, env = run_.environment](Result& r) {
      if (const Expectation* e = deciding_expectation(expectations_, env, r.id, r.requirement))
        apply_expectation(r, *e);
    };
  o.on_start = [this](const TestMeta& t) { stream_->start(t.id()); };
  o.on_result = [this](const Result& r) {
    Result shown = r;
    if (setup_.o.relabel) setup_.o.relabel(shown);
    stream_->result(shown);
  };
  o.quiet = format_ != StdoutFormat::kProgress;
}

void RunCommand::run_planned() {
  const SchedulerOptions& o = setup_.o;
  std::fprintf(
      stderr, "sigipc: running %zu tests%s with %d jobs, isolation %s, seed %llu%s\n",
      to_run_.size(), o.repeat > 1 ? (" x" + std::to_string(o.repeat)).c_str() : "", o.jobs,
      isolation_name(o.isolation), static_cast<unsigned long long>(o.seed),
      skipped_.empty() ? "" : (" (" + std::to_string(skipped_.size()) + " skipped)").c_str());
  SchedulerResult sr = run_tests(to_run_, o);
  run_.results = std::move(sr.results);
  run_.interrupted = sr.interrupted;
  run_.not_run = sr.not_run;
  if (!sr.fork_server_failure.empty()) {
    note_fork_server_stopped(run_.environment, sr.fork_server_failure);
    std::fprintf(stderr, "sigipc: the fork server stopped serving: %s\n",
                 sr.fork_server_failure.c_str());
  }
  if (sr.stopped_early)
    std::fprintf(stderr, "sigipc: --fail-fast: stopped after the first test that is not green\n");
  run_.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0_).count();
  apply_expectation_files();
  // Earlier and skipped results are already final: expectations are not
  // applied to them twice.
  run_.results.insert(run_.results.end(), resume_.run.results.begin(), resume_.run.results.end());
  run_.results.insert(run_.results.end(), skipped_.begin(), skipped_.end());
  order_results(run_, planned_);
}

void RunCommand::apply_expectation_files() {
  if (a_.expect_files.empty()) return;
  std::vector<std::string> ids, rules;
  for (const auto& t : registry()) ids.push_back(t.id()), rules.push_back(t.requirement);
  ExpectationReport rep = apply_expectations(run_, expectations_, ids, rules);
  run_.expectation_files = a_.expect_files;
  run_.stale_expectations = rep.stale;
  for (const auto& s : rep.stale)
    std::fprintf(stderr, "sigipc: stale expectation: %s\n", s.c_str());
}

int RunCommand::write_reports() {
  stream_->end(run_);
  auto written = write_all_reports(run_, a_.out);
  FILE* table = format_ == StdoutFormat::kProgress ? stdout : stderr;
  std::fputs(summary_table(run_).c_str(), table);
  if (!run_.not_run.empty())
    std::fprintf(table, "%s: %zu tests not run or not finished\n",
                 run_.interrupted ? "interrupted" : "stopped", run_.not_run.size());
  if (!stream_->write_error().empty())
    std::fprintf(stderr, "sigipc: %s\n", stream_->write_error().c_str());
  std::string names;
  for (const auto& w : written) names += (names.empty() ? "" : " ") + w;
  std::fprintf(table, "reports in %s/: results.jsonl %s (%.1f s)\n", a_.out.c_str(), names.c_str(),
               run_.wall_ms / 1000.0);
  std::fflush(table);
  return run_.green() && run_.not_run.empty() ? 0 : 1;
}

void add_selection_options(CLI::App* run, RunArgs& a) {
  run->add_option("--filter", a.filters,
                  "Glob over test ids or requirement ids (repeatable; A*:B* is two globs)");
  run->add_option("--exclude", a.excludes, "Glob of tests to leave out (repeatable)");
  add_touching_options(run, a.touching);
  run->add_option(
      "--shard", a.shard,
      "Run only shard I of N (I/N, 1-based), split by recorded durations; merge the shards "
      "with sigipc merge");
  run->add_option("--durations", a.durations,
                  "results.json, results.jsonl or run folder whose test durations balance --shard "
                  "(default: each test's time limit)");
  run->add_option("--resume", a.resume,
                  "Run only the tests the run folder DIR has no result for, writing into DIR (its "
                  "reports then cover both runs)");
  run->add_option(
      "--rerun-failed", a.rerun_failed,
      "Run only the FAIL, ERROR, TIMEOUT and XPASS tests of a results.json, results.jsonl "
      "or run folder");
  run->add_option("--expect", a.expect_files,
                  "Expectation file (YAML) of known deviations: matching failures become XFAIL, "
                  "status SKIP entries leave tests out (repeatable)");
}

void add_scheduling_options(CLI::App* run, RunArgs& a) {
  run->add_option("--jobs,-j", a.jobs, "Tests at a time, 1 to 4096 (default: CPUs)")
      ->check(CLI::Range(1, 4096));
  run->add_option(
         "--timeout-mul", a.timeout_mul,
         "Scale every per-test time limit, 0.01 to 1000 (default: $SIGIPC_TIMEOUT_MUL or 1)")
      ->envname("SIGIPC_TIMEOUT_MUL")
      ->type_name("X");
  run->add_option("--seed", a.seed,
                  "Seed for randomised tests, injectors and --shuffle, 0 to 2^64-1 (default: "
                  "random, reported)");
  run->add_option("--repeat", a.repeat,
                  "Run each test N times (worst outcome wins), or until-fail:N: until a run is not "
                  "green, at most N times");
  run->add_flag("--shuffle", a.shuffle, "Run the tests in an order drawn from the seed (recorded)");
  run->add_flag("--fail-fast", a.fail_fast,
                "Start no test after the first that is not green; the rest are listed as not run");
  run->add_option("--wrapper", a.wrapper,
                  "Command words put in front of every test process, e.g. 'qemu-x86_64' (default: "
                  "$SIGIPC_WRAPPER)")
      ->envname("SIGIPC_WRAPPER");
  run->add_option("--isolation", a.isolation, "auto, namespaces or process-group (default: auto)");
  run->add_option("--test-start", a.test_start,
                  "fork-server: fork each test from one started copy of the program (behind the "
                  "wrapper), needs namespace isolation; exec: start the program afresh per test; "
                  "auto: fork-server where namespaces are available (default: auto)");
  run->add_flag("--fork-server", a.fork_server, "Same as --test-start fork-server");
}

}  // namespace

CommandAction add_list_command(CLI::App& app) {
  struct Args {
    std::vector<std::string> filters, excludes, expect;
    TouchingArgs touching;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* list = app.add_subcommand(
      "list", "List every test with its requirement, family, clause and statement");
  list->add_option("--filter", a->filters,
                   "Glob over test ids or requirement ids (repeatable; A*:B* is two globs)");
  list->add_option("--exclude", a->excludes,
                   "Glob of tests to leave out (repeatable), as sigipc run does");
  add_touching_options(list, a->touching);
  list->add_option(
      "--expect", a->expect,
      "Expectation file (repeatable): leave out the tests its SKIP entries skip on this "
      "machine, naming them on stderr");
  list->add_flag("--json", a->json, "Print JSON");
  return [a](const CommandLine&) {
    return cmd_list(a->filters, a->excludes, a->touching, a->expect, a->json);
  };
}

CommandAction add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* run = app.add_subcommand("run", "Run tests, each in its own process, and write reports");
  add_selection_options(run, *a);
  run->add_option("--out", a->out, "Report folder (default: sigipc-results)");
  run->add_option("--stdout-format", a->stdout_format,
                  "progress (a table at the end), ktap (KTAP v1 lines as tests finish, for serial "
                  "consoles and LAVA) or jsonl (the result stream's lines)");
  add_scheduling_options(run, *a);
  return [a](const CommandLine& cl) {
    // A closed standard output (sigipc run | head -1) must not kill the
    // run: writes to it fail with EPIPE and the reports are still
    // written. Test processes get default dispositions back (spawn.cc).
    signal(SIGPIPE, SIG_IGN);
    return RunCommand(*a, cl).run();
  };
}

namespace {

// The processes the runner starts run the same program with one of these
// first: internal entry points, not commands. Their arguments are passed on
// as they are (an exec helper's may look like options).
int internal_run_test(int argc, char** argv) {
  return argc == 3 ? run_test_process(argv[0], argv[2]) : 2;
}

int internal_exec_helper(int argc, char** argv) {
  if (argc < 3) return 2;
  // An exec'd helper inherits the test's result channel: CHILD_CHECKs in
  // it reach the runner like those of any forked child.
  result_fd_init();
  return run_exec_helper(argv[2], std::vector<std::string>(argv + 3, argv + argc));
}

int internal_fork_server(int argc, char**) {
  const char* fd = getenv("SIGIPC_FORK_SERVER_FD");
  if (argc != 2 || !fd) return 2;
  const int ctrl = std::atoi(fd);
  unsetenv("SIGIPC_FORK_SERVER_FD");
  return fork_server_main(ctrl);
}

int internal_probe(int argc, char**) {
  if (argc != 2) return 2;
  std::cout << platform_environment().dump() << std::endl;
  return 0;
}

const std::map<std::string, int (*)(int, char**)>& internal_entries() {
  static const std::map<std::string, int (*)(int, char**)> m = {
      {"__run-test", internal_run_test},
      {"__exec-helper", internal_exec_helper},
      {"__fork-server", internal_fork_server},
      {"__probe", internal_probe}};
  return m;
}

struct Commands {
  CLI::App app{"sigipc: conformance and fault-injection tests for POSIX/Linux signals and IPC"};
  std::map<const CLI::App*, CommandAction> actions;

  Commands() {
    app.set_version_flag("--version", std::string("sigipc ") + SIGIPC_VERSION + " (revision " +
                                          SIGIPC_REVISION + ")");
    app.require_subcommand(1);
    for (auto add : {add_list_command, add_run_command, add_inject_command, add_report_command,
                     add_diff_command, add_merge_command, add_bench_command}) {
      CommandAction action = add(app);
      actions.emplace(app.get_subcommands([](CLI::App*) { return true; }).back(),
                      std::move(action));
    }
  }
  bool is_command(const std::string& word) {
    for (const auto& [sub, action] : actions)
      if (sub->get_name() == word) return true;
    return false;
  }
  // "sigipc" and, once its name was read, the command's.
  std::string prefix() {
    auto parsed = app.get_subcommands();
    return parsed.empty() ? "sigipc" : "sigipc " + parsed.front()->get_name();
  }
};

// The command line as one shell-quoted string, for the environment block.
std::string quoted_command_line(int argc, char** argv) {
  std::string cl;
  for (int i = 0; i < argc; ++i) cl += (i ? " " : "") + shell_quoted(argv[i]);
  return cl;
}

}  // namespace

int cli_main(int argc, char** argv) {
  if (argc >= 2) {
    auto entry = internal_entries().find(argv[1]);
    if (entry != internal_entries().end()) return entry->second(argc, argv);
  }
  Commands c;
  if (argc >= 2 && argv[1][0] != '-' && !c.is_command(argv[1])) {
    std::fprintf(
        stderr,
        "sigipc: unknown command '%s' (commands: list, run, inject, report, diff, merge, bench; "
        "see: sigipc --help)\n",
        argv[1]);
    return 2;
  }
  // What follows "--" is sigipc inject's program, never options of sigipc.
  CommandLine cl;
  cl.text = quoted_command_line(argc, argv);
  int parsed = argc;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--") {
      parsed = i;
      cl.dashdash = true;
      cl.program.assign(argv + i + 1, argv + argc);
      break;
    }
  try {
    c.app.parse(parsed, argv);
  } catch (const CLI::Success& e) {
    return c.app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    std::string p = c.prefix();
    std::fprintf(stderr, "%s: %s (see: %s --help)\n", p.c_str(), e.what(), p.c_str());
    return 2;
  }
  const CLI::App* sub = c.app.get_subcommands().front();
  return run_command(c.prefix(), [&] {
    if (cl.dashdash && sub->get_name() != "inject")
      throw UsageError("'--' separates sigipc inject's program; sigipc " + sub->get_name() +
                       " takes none");
    return c.actions.at(sub)(cl);
  });
}

}  // namespace sigipc
