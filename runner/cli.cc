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
#include <random>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fixtures/exec_helper.h"
#include "fixtures/probes.h"
#include "fixtures/proc_util.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/test_process.h"
#include "reports/expectations.h"
#include "reports/load.h"
#include "reports/stream.h"
#include "reports/writers.h"
#include "runner/commands.h"
#include "runner/fork_server.h"
#include "runner/plan.h"
#include "runner/result_stream.h"
#include "runner/scheduler.h"
#include "runner/spawn.h"
#include "runner/work_dir.h"
#include "sigipc_revision.h"

#ifndef SIGIPC_VERSION
#define SIGIPC_VERSION "0.0.0"
#endif

namespace sigipc {

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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

int cmd_list(const std::vector<std::string>& filters, const std::vector<std::string>& excludes,
             const std::vector<std::string>& expect_files, bool json) {
  auto tests = select_tests(filters, excludes);
  auto expectations = load_expectation_files(expect_files);
  // The platform as the runner itself sees it (a run probes it through the
  // wrapper): enough to preview which entries apply.
  nlohmann::json env = expectations.empty() ? nlohmann::json::object() : probe_json();
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
  std::string out = "sigipc-results";
  int jobs = 0;
  double timeout_mul = 0;
  std::string seed;
  std::string repeat = "1";
  std::string wrapper;
  std::string isolation = "auto";
  bool fork_server = false;
  std::vector<std::string> expect_files;
  std::string resume, rerun_failed, shard, durations, stdout_format = "progress";
  bool shuffle = false, fail_fast = false;
  std::string command_line;
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
  const bool filtered = !a.filters.empty() || !a.excludes.empty();
  auto tests = select_tests(a.filters, a.excludes);
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

Setup setup_scheduler(RunArgs& a) {
  Setup s;
  SchedulerOptions& o = s.o;
  if (a.timeout_mul == 0) {
    const char* env = getenv("SIGIPC_TIMEOUT_MUL");
    if (env && *env) {
      char* end = nullptr;
      a.timeout_mul = std::strtod(env, &end);
      if (!end || *end || !(a.timeout_mul > 0) || a.timeout_mul > 1000)
        throw UsageError(std::string("SIGIPC_TIMEOUT_MUL is not a number from 0 to 1000: ") + env);
    } else {
      a.timeout_mul = 1;
    }
  }
  if (a.wrapper.empty() && getenv("SIGIPC_WRAPPER")) a.wrapper = getenv("SIGIPC_WRAPPER");
  o.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  o.timeout_mul = a.timeout_mul;
  parse_repeat(a.repeat, o);
  o.fail_fast = a.fail_fast;
  o.seed = !a.seed.empty() ? parse_seed(a.seed) : std::random_device{}() % 1000000000ULL;
  o.wrapper = split_words(a.wrapper);
  o.self_exe = self_exe();
  if (o.self_exe.empty()) throw std::runtime_error("cannot read /proc/self/exe");
  o.tty = isatty(STDERR_FILENO) && !getenv("CI");

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
  if (a.fork_server && o.isolation == Isolation::kProcessGroup) {
    if (a.isolation != "auto")
      throw UsageError(
          "--fork-server needs namespace isolation (process-group isolation finds a "
          "test's processes by an environment token a forked test does not carry)");
    s.start_note =
        "--fork-server asked for, but namespaces are not available here: tests are exec'd";
  }
  o.fork_server = a.fork_server && o.isolation == Isolation::kNamespaces;
  return s;
}

nlohmann::json run_environment(const RunArgs& a, const Setup& s) {
  const SchedulerOptions& o = s.o;
  nlohmann::json env;
  std::string env_text = probe_environment(o);
  try {
    env = nlohmann::json::parse(env_text);
  } catch (const std::exception&) {
    env = {{"probe_error", "the probe process printed no environment: " + env_text.substr(0, 200)}};
  }
  if (o.isolation == Isolation::kProcessGroup && a.isolation == "auto")
    env["isolation_fallback_reason"] = s.isolation_why;
  env["isolation"] = isolation_name(o.isolation);
  env["isolation_detail"] = isolation_detail(o.isolation);
  env["isolation_reason"] = a.isolation != "auto" ? "--isolation " + a.isolation
                            : o.isolation == Isolation::kNamespaces
                                ? "--isolation auto: namespaces are available here"
                                : "--isolation auto: no namespaces here (" + s.isolation_why + ")";
  env["suite_version"] = SIGIPC_VERSION;
  env["suite_revision"] = SIGIPC_REVISION;
  env["command_line"] = a.command_line;
  env["seed"] = o.seed;
  env["jobs"] = o.jobs;
  env["timeout_mul"] = o.timeout_mul;
  env["repeat"] = o.repeat;
  if (o.until_fail) env["repeat_until_fail"] = true;
  if (a.shuffle) env["shuffle"] = true;
  if (a.fail_fast) env["fail_fast"] = true;
  if (!a.shard.empty()) env["shard"] = a.shard;
  env["wrapper"] = a.wrapper;
  env["test_start"] = o.fork_server ? "fork-server" : "exec";
  if (!s.start_note.empty()) env["test_start_note"] = s.start_note;
  env["started_at"] = static_cast<long long>(std::time(nullptr));
  return env;
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

int cmd_run(RunArgs a) {
  if (!a.resume.empty()) {
    if (!a.rerun_failed.empty()) throw UsageError("--resume and --rerun-failed do not go together");
    if (a.out != "sigipc-results" && a.out != a.resume)
      throw UsageError("--resume DIR writes into DIR: leave out --out, or give the same folder");
    a.out = a.resume;
  }
  if (!a.durations.empty() && a.shard.empty())
    throw UsageError("--durations balances --shard: give --shard I/N too");
  const StdoutFormat format = parse_stdout_format(a.stdout_format);
  auto expectations = load_expectation_files(a.expect_files);
  Setup setup = setup_scheduler(a);
  SchedulerOptions& o = setup.o;
  Earlier resume = load_earlier(a.resume), rerun = load_earlier(a.rerun_failed);
  auto tests = plan_tests(a, resume, rerun);
  if (tests.empty() && rerun.given && !resume.given) {
    std::fprintf(stderr, "sigipc: %s has no FAIL, ERROR, TIMEOUT or XPASS test to run again\n",
                 a.rerun_failed.c_str());
    return 0;
  }
  check_out_dir(a.out);
  // Written to, not only read, by a --resume: the earlier results are kept
  // in memory and written again at the head of the new stream.
  ResultStream stream(a.out + "/results.jsonl", format);
  if (!setup.start_note.empty()) std::fprintf(stderr, "sigipc: %s\n", setup.start_note.c_str());
  // Exec tests put the same wrapper in front of the programs they exec.
  if (!a.wrapper.empty()) setenv("SIGIPC_WRAPPER", a.wrapper.c_str(), 1);

  // From here on an interrupt is taken by the scheduler (signalfd), so the
  // work folder is always removed and the results so far written.
  sigset_t stop_sigs, old_mask;
  sigemptyset(&stop_sigs);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_sigs, sig);
  sigprocmask(SIG_BLOCK, &stop_sigs, &old_mask);
  struct RestoreMask {
    sigset_t m;
    ~RestoreMask() { sigprocmask(SIG_SETMASK, &m, nullptr); }
  } restore{old_mask};

  WorkDir work;
  o.work_dir = work.path();
  o.log_dir = a.out + "/logs";
  auto t0 = std::chrono::steady_clock::now();
  RunRecord run;
  run.environment = run_environment(a, setup);
  if (resume.given) run.environment["resumed_with_results"] = resume.run.results.size();

  std::vector<Result> skipped;
  std::vector<const TestMeta*> to_run;
  for (const auto* t : tests) {
    if (const Expectation* e = skip_entry(expectations, run.environment, *t))
      skipped.push_back(skipped_result(*t, *e));
    else
      to_run.push_back(t);
  }
  if (a.shuffle) shuffle_tests(to_run, o.seed);

  std::vector<std::string> planned;
  if (resume.given) planned = planned_ids(resume.run);
  std::set<std::string> in_plan(planned.begin(), planned.end());
  for (const auto& r : skipped)
    if (in_plan.insert(r.id).second) planned.push_back(r.id);
  for (const auto* t : to_run)
    if (in_plan.insert(t->id()).second) planned.push_back(t->id());
  stream.header(run.environment, planned, a.expect_files);
  for (const auto& r : resume.run.results) stream.result(r);
  for (const auto& r : skipped) stream.result(r);

  if (!expectations.empty())
    o.relabel = [&expectations, env = run.environment](Result& r) {
      if (const Expectation* e = deciding_expectation(expectations, env, r.id, r.requirement))
        apply_expectation(r, *e);
    };
  o.on_start = [&stream](const TestMeta& t) { stream.start(t.id()); };
  o.on_result = [&stream, &o](const Result& r) {
    Result shown = r;
    if (o.relabel) o.relabel(shown);
    stream.result(shown);
  };
  o.quiet = format != StdoutFormat::kProgress;

  std::fprintf(
      stderr, "sigipc: running %zu tests%s with %d jobs, isolation %s, seed %llu%s\n",
      to_run.size(), o.repeat > 1 ? (" x" + std::to_string(o.repeat)).c_str() : "", o.jobs,
      isolation_name(o.isolation), static_cast<unsigned long long>(o.seed),
      skipped.empty() ? "" : (" (" + std::to_string(skipped.size()) + " skipped)").c_str());
  SchedulerResult sr = run_tests(to_run, o);
  run.results = std::move(sr.results);
  run.interrupted = sr.interrupted;
  run.not_run = sr.not_run;
  if (!sr.fork_server_failure.empty()) {
    run.environment["test_start_note"] =
        "the fork server stopped serving, later tests were exec'd: " + sr.fork_server_failure;
    std::fprintf(stderr, "sigipc: the fork server stopped serving: %s\n",
                 sr.fork_server_failure.c_str());
  }
  if (sr.stopped_early)
    std::fprintf(stderr, "sigipc: --fail-fast: stopped after the first test that is not green\n");
  run.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!a.expect_files.empty()) {
    std::vector<std::string> ids, rules;
    for (const auto& t : registry()) ids.push_back(t.id()), rules.push_back(t.requirement);
    ExpectationReport rep = apply_expectations(run, expectations, ids, rules);
    run.expectation_files = a.expect_files;
    run.stale_expectations = rep.stale;
    for (const auto& s : rep.stale)
      std::fprintf(stderr, "sigipc: stale expectation: %s\n", s.c_str());
  }
  // Earlier and skipped results are already final: expectations are not
  // applied to them twice.
  run.results.insert(run.results.end(), resume.run.results.begin(), resume.run.results.end());
  run.results.insert(run.results.end(), skipped.begin(), skipped.end());
  order_results(run, planned);
  stream.end(run);
  auto written = write_all_reports(run, a.out);

  FILE* table = format == StdoutFormat::kProgress ? stdout : stderr;
  std::fputs(summary_table(run).c_str(), table);
  if (!run.not_run.empty())
    std::fprintf(table, "%s: %zu tests not run or not finished\n",
                 run.interrupted ? "interrupted" : "stopped", run.not_run.size());
  if (!stream.write_error().empty())
    std::fprintf(stderr, "sigipc: %s\n", stream.write_error().c_str());
  std::string names;
  for (const auto& w : written) names += (names.empty() ? "" : " ") + w;
  std::fprintf(table, "reports in %s/: results.jsonl %s (%.1f s)\n", a.out.c_str(), names.c_str(),
               run.wall_ms / 1000.0);
  std::fflush(table);
  return run.green() && run.not_run.empty() ? 0 : 1;
}

}  // namespace

int cli_main(int argc, char** argv) {
  // Internal entry points for the processes the runner starts.
  if (argc >= 2 && std::strcmp(argv[1], "__run-test") == 0) {
    if (argc != 3) return 2;
    return run_test_process(argv[0], argv[2]);
  }
  if (argc >= 3 && std::strcmp(argv[1], "__exec-helper") == 0) {
    // An exec'd helper inherits the test's result channel: CHILD_CHECKs in
    // it reach the runner like those of any forked child.
    result_fd_init();
    return run_exec_helper(argv[2], std::vector<std::string>(argv + 3, argv + argc));
  }
  if (argc == 2 && std::strcmp(argv[1], "__fork-server") == 0) {
    const char* fd = getenv("SIGIPC_FORK_SERVER_FD");
    if (!fd) return 2;
    unsetenv("SIGIPC_FORK_SERVER_FD");
    return fork_server_main(std::atoi(fd));
  }
  if (argc == 2 && std::strcmp(argv[1], "__probe") == 0) {
    std::cout << probe_json().dump() << std::endl;
    return 0;
  }

  CLI::App app{"sigipc: conformance and fault-injection tests for POSIX/Linux signals and IPC"};
  app.set_version_flag(
      "--version", std::string("sigipc ") + SIGIPC_VERSION + " (revision " + SIGIPC_REVISION + ")");
  app.require_subcommand(1);
  app.footer(
      "More commands, each with its own --help: sigipc inject, sigipc report, sigipc diff, "
      "sigipc merge\n");

  std::vector<std::string> list_filters, list_excludes, list_expect;
  bool list_json = false;
  auto* list = app.add_subcommand(
      "list", "List every test with its requirement, family, clause and statement");
  list->add_option("--filter", list_filters,
                   "Glob over test ids or requirement ids (repeatable; A*:B* is two globs)");
  list->add_option("--exclude", list_excludes,
                   "Glob of tests to leave out (repeatable), as sigipc run does");
  list->add_option(
      "--expect", list_expect,
      "Expectation file (repeatable): leave out the tests its SKIP entries skip on this "
      "machine, naming them on stderr");
  list->add_flag("--json", list_json, "Print JSON");

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run tests, each in its own process, and write reports");
  run->add_option("--filter", ra.filters,
                  "Glob over test ids or requirement ids (repeatable; A*:B* is two globs)");
  run->add_option("--exclude", ra.excludes, "Glob of tests to leave out (repeatable)");
  run->add_option("--out", ra.out, "Report folder (default: sigipc-results)");
  run->add_option("--jobs,-j", ra.jobs, "Tests at a time, 1 to 4096 (default: CPUs)")
      ->check(CLI::Range(1, 4096));
  run->add_option(
         "--timeout-mul", ra.timeout_mul,
         "Scale every per-test time limit, 0.01 to 1000 (default: $SIGIPC_TIMEOUT_MUL or 1)")
      ->check(CLI::Range(0.01, 1000.0));
  run->add_option("--seed", ra.seed,
                  "Seed for randomised tests, injectors and --shuffle, 0 to 2^64-1 (default: "
                  "random, reported)");
  run->add_option("--repeat", ra.repeat,
                  "Run each test N times (worst outcome wins), or until-fail:N: until a run is not "
                  "green, at most N times");
  run->add_flag("--shuffle", ra.shuffle,
                "Run the tests in an order drawn from the seed (recorded)");
  run->add_flag("--fail-fast", ra.fail_fast,
                "Start no test after the first that is not green; the rest are listed as not run");
  run->add_option(
      "--shard", ra.shard,
      "Run only shard I of N (I/N, 1-based), split by recorded durations; merge the shards "
      "with sigipc merge");
  run->add_option("--durations", ra.durations,
                  "results.json, results.jsonl or run folder whose test durations balance --shard "
                  "(default: each test's time limit)");
  run->add_option("--resume", ra.resume,
                  "Run only the tests the run folder DIR has no result for, writing into DIR (its "
                  "reports then cover both runs)");
  run->add_option(
      "--rerun-failed", ra.rerun_failed,
      "Run only the FAIL, ERROR, TIMEOUT and XPASS tests of a results.json, results.jsonl "
      "or run folder");
  run->add_option("--stdout-format", ra.stdout_format,
                  "progress (a table at the end), ktap (KTAP v1 lines as tests finish, for serial "
                  "consoles and LAVA) or jsonl (the result stream's lines)");
  run->add_option("--wrapper", ra.wrapper,
                  "Command words put in front of every test process, e.g. 'qemu-x86_64' (default: "
                  "$SIGIPC_WRAPPER)");
  run->add_option("--expect", ra.expect_files,
                  "Expectation file (YAML) of known deviations: matching failures become XFAIL, "
                  "status SKIP entries leave tests out (repeatable)");
  run->add_option("--isolation", ra.isolation, "auto, namespaces or process-group (default: auto)");
  run->add_flag(
      "--fork-server", ra.fork_server,
      "Fork each test from one started copy of the program (behind the wrapper) instead of "
      "executing it afresh: much faster under emulators; needs namespace isolation");

  // Commands with their own option sets live in their own files.
  if (argc >= 2 && std::strcmp(argv[1], "inject") == 0) return inject_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "report") == 0) return report_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "diff") == 0) return diff_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "merge") == 0) return merge_main(argc, argv);
  if (argc >= 2 && argv[1][0] != '-' && std::strcmp(argv[1], "list") != 0 &&
      std::strcmp(argv[1], "run") != 0) {
    std::fprintf(
        stderr,
        "sigipc: unknown command '%s' (commands: list, run, inject, report, diff, merge; see: "
        "sigipc --help)\n",
        argv[1]);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "sigipc: %s (see: sigipc --help)\n", e.what());
    return 2;
  }
  {
    std::string cl;
    for (int i = 0; i < argc; ++i) cl += (i ? " " : "") + shell_quoted(argv[i]);
    ra.command_line = cl;
  }

  try {
    if (*list) return cmd_list(list_filters, list_excludes, list_expect, list_json);
    if (*run) {
      // A closed standard output (sigipc run | head -1) must not kill the
      // run: writes to it fail with EPIPE and the reports are still
      // written. Test processes get default dispositions back (spawn.cc).
      signal(SIGPIPE, SIG_IGN);
      return cmd_run(ra);
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "sigipc: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigipc: error: %s\n", e.what());
    return 1;
  }
  return 2;
}

}  // namespace sigipc
