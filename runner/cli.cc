#include "runner/cli.h"

#include <fnmatch.h>
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

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fixtures/exec_helper.h"
#include "fixtures/probes.h"
#include "fixtures/proc_util.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/test_process.h"
#include "reports/expectations.h"
#include "reports/writers.h"
#include "runner/commands.h"
#include "runner/fork_server.h"
#include "runner/scheduler.h"
#include "runner/spawn.h"

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
      std::string g = a.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
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

int cmd_list(const std::vector<std::string>& filters, bool json) {
  auto tests = select_tests(filters);
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto* t : tests)
      arr.push_back({{"id", t->id()},
                     {"family", t->family()},
                     {"requirement", t->requirement},
                     {"clause", t->clause},
                     {"statement", t->statement},
                     {"timeout_s", t->timeout_s}});
    std::cout << arr.dump(2) << "\n";
    return 0;
  }
  for (const auto* t : tests)
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
  std::uint64_t seed = 0;
  bool seed_set = false;
  int repeat = 1;
  std::string wrapper;
  std::string isolation = "auto";
  bool fork_server = false;
  std::vector<std::string> expect_files;
};

int cmd_run(RunArgs a) {
  auto tests = select_tests(a.filters, a.excludes);
  std::vector<Expectation> expectations;
  for (const auto& f : a.expect_files) {
    try {
      auto more = load_expectations(f);
      expectations.insert(expectations.end(), more.begin(), more.end());
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  }
  if (a.jobs < 0) throw UsageError("--jobs must be at least 1");
  if (a.repeat < 1) throw UsageError("--repeat must be at least 1");
  if (a.timeout_mul == 0) {
    const char* env = getenv("SIGIPC_TIMEOUT_MUL");
    if (env && *env) {
      char* end = nullptr;
      a.timeout_mul = std::strtod(env, &end);
      if (!end || *end || !(a.timeout_mul > 0))
        throw UsageError(std::string("SIGIPC_TIMEOUT_MUL is not a positive number: ") + env);
    } else {
      a.timeout_mul = 1;
    }
  }
  if (!(a.timeout_mul > 0)) throw UsageError("--timeout-mul must be a positive number");
  if (a.wrapper.empty() && getenv("SIGIPC_WRAPPER")) a.wrapper = getenv("SIGIPC_WRAPPER");

  SchedulerOptions o;
  o.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  o.timeout_mul = a.timeout_mul;
  o.repeat = a.repeat;
  o.seed = a.seed_set ? a.seed : std::random_device{}() % 1000000000ULL;
  o.wrapper = split_words(a.wrapper);
  // Exec tests put the same wrapper in front of the programs they exec.
  if (!a.wrapper.empty()) setenv("SIGIPC_WRAPPER", a.wrapper.c_str(), 1);
  o.self_exe = self_exe();
  if (o.self_exe.empty()) throw std::runtime_error("cannot read /proc/self/exe");
  o.tty = isatty(STDERR_FILENO) && !getenv("CI");

  std::string why;
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
  std::string start_note;
  if (a.fork_server && o.isolation == Isolation::kProcessGroup) {
    if (a.isolation != "auto")
      throw UsageError("--fork-server needs namespace isolation (process-group isolation finds a "
                       "test's processes by an environment token a forked test does not carry)");
    start_note = "--fork-server asked for, but namespaces are not available here: tests are exec'd";
    std::fprintf(stderr, "sigipc: %s\n", start_note.c_str());
  }
  o.fork_server = a.fork_server && o.isolation == Isolation::kNamespaces;

  if (mkdir(a.out.c_str(), 0755) != 0 && errno != EEXIST)
    throw UsageError("cannot create output folder " + a.out + ": " + std::strerror(errno));
  if (access(a.out.c_str(), W_OK) != 0)
    throw UsageError("output folder " + a.out + " is not writable: " + std::strerror(errno));
  const char* tmp = getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/sigipc-run-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("cannot create a work folder under " + tmpl + ": " + std::strerror(errno));
  o.work_dir = tmpl;
  chmod(o.work_dir.c_str(), 0711);  // unprivileged test children traverse it
  o.log_dir = a.out + "/logs";

  auto t0 = std::chrono::steady_clock::now();
  RunRecord run;
  std::string env_text = probe_environment(o);
  try {
    run.environment = nlohmann::json::parse(env_text);
  } catch (const std::exception&) {
    run.environment = {{"probe_error", "the probe process printed no environment: " +
                                           env_text.substr(0, 200)}};
  }
  if (o.isolation == Isolation::kProcessGroup && a.isolation == "auto")
    run.environment["isolation_fallback_reason"] = why;
  run.environment["isolation"] = isolation_name(o.isolation);
  run.environment["isolation_detail"] = isolation_detail(o.isolation);
  run.environment["isolation_reason"] =
      a.isolation != "auto" ? "--isolation " + a.isolation
      : o.isolation == Isolation::kNamespaces ? "--isolation auto: namespaces are available here"
                                              : "--isolation auto: no namespaces here (" + why + ")";
  run.environment["suite_version"] = SIGIPC_VERSION;
  run.environment["seed"] = o.seed;
  run.environment["jobs"] = o.jobs;
  run.environment["timeout_mul"] = o.timeout_mul;
  run.environment["repeat"] = o.repeat;
  run.environment["wrapper"] = a.wrapper;
  run.environment["test_start"] = o.fork_server ? "fork-server" : "exec";
  if (!start_note.empty()) run.environment["test_start_note"] = start_note;
  run.environment["started_at"] = static_cast<long long>(std::time(nullptr));
  if (!expectations.empty())
    o.relabel = [&expectations, env = run.environment](Result& r) {
      if (const Expectation* e = deciding_expectation(expectations, env, r.id, r.requirement))
        apply_expectation(r, *e);
    };

  std::fprintf(stderr, "sigipc: running %zu tests%s with %d jobs, isolation %s, seed %llu\n",
               tests.size(), o.repeat > 1 ? (" x" + std::to_string(o.repeat)).c_str() : "",
               o.jobs, isolation_name(o.isolation), static_cast<unsigned long long>(o.seed));
  SchedulerResult sr;
  try {
    sr = run_tests(tests, o);
  } catch (...) {
    rmdir(o.work_dir.c_str());
    throw;
  }
  rmdir(o.work_dir.c_str());
  run.results = std::move(sr.results);
  run.interrupted = sr.interrupted;
  run.not_run = sr.not_run;
  if (!sr.fork_server_failure.empty()) {
    run.environment["test_start_note"] = "the fork server stopped serving, later tests were exec'd: " +
                                         sr.fork_server_failure;
    std::fprintf(stderr, "sigipc: the fork server stopped serving: %s\n", sr.fork_server_failure.c_str());
  }
  run.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!a.expect_files.empty()) {
    std::vector<std::string> ids, rules;
    for (const auto& t : registry()) ids.push_back(t.id()), rules.push_back(t.requirement);
    ExpectationReport rep = apply_expectations(run, expectations, ids, rules);
    run.expectation_files = a.expect_files;
    run.stale_expectations = rep.stale;
    for (const auto& s : rep.stale) std::fprintf(stderr, "sigipc: stale expectation: %s\n", s.c_str());
  }
  auto written = write_all_reports(run, a.out);

  std::fputs(summary_table(run).c_str(), stdout);
  if (run.interrupted)
    std::printf("interrupted: %d tests not run or not finished\n", run.not_run);
  std::string names;
  for (const auto& w : written) names += (names.empty() ? "" : " ") + w;
  std::printf("reports in %s/: %s (%.1f s)\n", a.out.c_str(), names.c_str(), run.wall_ms / 1000.0);
  return run.green() ? 0 : 1;
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
  app.set_version_flag("--version", SIGIPC_VERSION);
  app.require_subcommand(1);
  app.footer("More commands, each with its own --help: sigipc inject, sigipc report, sigipc diff\n");

  std::vector<std::string> list_filters;
  bool list_json = false;
  auto* list = app.add_subcommand("list", "List every test with its requirement, family, clause and statement");
  list->add_option("--filter", list_filters, "Glob over test ids or requirement ids (repeatable; A*:B* is two globs)");
  list->add_flag("--json", list_json, "Print JSON");

  RunArgs ra;
  auto* run = app.add_subcommand("run", "Run tests, each in its own process, and write reports");
  run->add_option("--filter", ra.filters,
                  "Glob over test ids or requirement ids (repeatable; A*:B* is two globs)");
  run->add_option("--exclude", ra.excludes, "Glob of tests to leave out (repeatable)");
  run->add_option("--out", ra.out, "Report folder (default: sigipc-results)");
  run->add_option("--jobs,-j", ra.jobs, "Tests at a time (default: CPUs)")->check(CLI::PositiveNumber);
  run->add_option("--timeout-mul", ra.timeout_mul,
                  "Scale every per-test time limit (default: $SIGIPC_TIMEOUT_MUL or 1)")
      ->check(CLI::PositiveNumber);
  run->add_option("--seed", ra.seed, "Seed for randomised tests and injectors (default: random, reported)");
  run->add_option("--repeat", ra.repeat, "Run each test N times")->check(CLI::PositiveNumber);
  run->add_option("--wrapper", ra.wrapper,
                  "Command words put in front of every test process, e.g. 'qemu-x86_64' (default: $SIGIPC_WRAPPER)");
  run->add_option("--expect", ra.expect_files,
                  "Expectation file (YAML) of known deviations: matching failures become XFAIL (repeatable)");
  run->add_option("--isolation", ra.isolation, "auto, namespaces or process-group (default: auto)");
  run->add_flag("--fork-server", ra.fork_server,
                "Fork each test from one started copy of the program (behind the wrapper) instead of "
                "executing it afresh: much faster under emulators; needs namespace isolation");

  // Commands with their own option sets live in their own files.
  if (argc >= 2 && std::strcmp(argv[1], "inject") == 0) return inject_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "report") == 0) return report_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "diff") == 0) return diff_main(argc, argv);
  if (argc >= 2 && argv[1][0] != '-' && std::strcmp(argv[1], "list") != 0 &&
      std::strcmp(argv[1], "run") != 0) {
    std::fprintf(stderr,
                 "sigipc: unknown command '%s' (commands: list, run, inject, report, diff; see: "
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
  ra.seed_set = run->count("--seed") > 0;

  try {
    if (*list) return cmd_list(list_filters, list_json);
    if (*run) return cmd_run(ra);
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
