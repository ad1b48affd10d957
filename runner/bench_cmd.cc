// sigipc bench: latency and throughput of every signal and IPC mechanism on
// this platform, written as bench.json (sigipc-bench/1) and bench.html;
// with --baseline, a noise-aware regression gate against an earlier
// bench.json (bench/gate.h).
#include <fnmatch.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include <CLI/CLI.hpp>

#include "bench/document.h"
#include "bench/gate.h"
#include "bench/session.h"
#include "bench/throughput.h"
#include "fixtures/probes.h"
#include "reports/bench_doc.h"
#include "reports/bench_html.h"
#include "runner/commands.h"
#include "runner/environment.h"

namespace sigipc {

namespace {

using bench::LatencyRow;
using bench::ThroughputRow;

struct BenchArgs {
  std::vector<std::string> filters;
  std::string out = "sigipc-bench", baseline, current;
  int count = 5000, repeats = 5, max_repeats = 0;
  long long messages = 0;
  double threshold = 20, timeout = 120;
  bool quick = false, no_pin = false;
};

struct Plan {
  int count, warmup, repeats;
  std::vector<std::size_t> sizes;
  std::size_t budget_bytes, max_messages;
  std::size_t fixed_messages = 0;  // --messages
};

std::vector<std::string> known_mechanisms() {
  std::vector<std::string> names;
  for (const auto& c : bench::latency_cases())
    if (names.empty() || names.back() != c.mechanism) names.push_back(c.mechanism);
  names.push_back("shm");
  return names;
}

bool selected(const std::vector<std::string>& filters, const std::string& mechanism) {
  if (filters.empty()) return true;
  for (const auto& f : filters)
    if (fnmatch(f.c_str(), mechanism.c_str(), 0) == 0) return true;
  return false;
}

void check_filters(const std::vector<std::string>& filters) {
  const std::vector<std::string> names = known_mechanisms();
  for (const auto& f : filters) {
    bool any = false;
    for (const auto& n : names) any = any || fnmatch(f.c_str(), n.c_str(), 0) == 0;
    if (!any) {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      throw UsageError("--filter '" + f + "' matches no mechanism (mechanisms: " + list + ")");
    }
  }
}

nlohmann::json read_bench_file(const std::string& path, const char* option) {
  try {
    return load_bench_file(path);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string(option) + " " + e.what());
  }
}

Plan make_plan(const BenchArgs& a, const CLI::App& cmd) {
  if (a.count < 1 || a.count > 10000000) throw UsageError("--count must be 1 to 10000000");
  if (a.repeats < 1 || a.repeats > 1000) throw UsageError("--repeats must be 1 to 1000");
  if (!(a.timeout > 0)) throw UsageError("--timeout must be above 0 seconds");
  if (a.max_repeats < 0) throw UsageError("--max-repeats must not be negative");
  if (a.messages < 0 || a.messages > 100000000)
    throw UsageError("--messages must be 1 to 100000000 (0: the default)");
  const std::size_t pipe_buf =
      static_cast<std::size_t>(probe_limits().pipe_buf > 0 ? probe_limits().pipe_buf : 4096);
  Plan p{a.count, std::max(1, a.count / 10), a.repeats, {}, 8u << 20, 10000};
  std::set<std::size_t> sizes = {1, 64, 1024, pipe_buf, 16384, 65536};
  if (a.quick) {
    p = {300, 50, 3, {}, 1u << 20, 2000};
    sizes = {1, pipe_buf, 65536};
    if (cmd.count("--count")) p.count = a.count;
    if (cmd.count("--repeats")) p.repeats = a.repeats;
  }
  p.sizes.assign(sizes.begin(), sizes.end());
  if (a.messages > 0) p.fixed_messages = static_cast<std::size_t>(a.messages);
  return p;
}

std::string micros(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f us", ns / 1000);
  return buf;
}

std::string mb_per_s(double bytes_per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g MB/s", bytes_per_s / 1e6);
  return buf;
}

// The 1, 5 and 15 minute load averages (proc(5) /proc/loadavg), or null
// where the file is not the machine's: gVisor's Sentry shows
// "0.00 0.00 0.00 0/0 0", a count of 0 tasks no kernel can report (the
// reader itself is one).
nlohmann::json loadavg() {
  std::ifstream in("/proc/loadavg");
  double l[3] = {0, 0, 0};
  long running = 0, tasks = 0;
  char slash = 0;
  if (!(in >> l[0] >> l[1] >> l[2] >> running >> slash >> tasks) || slash != '/' || tasks < 1)
    return nullptr;
  return {l[0], l[1], l[2]};
}

struct Measurement {
  std::vector<LatencyRow> latency;
  std::vector<ThroughputRow> throughput;
  std::string interrupted;
};

class BenchRun {
 public:
  BenchRun(const BenchArgs& a, const Plan& p, const bench::Pinning& pin)
      : a_(a), p_(p), session_(pin, a.timeout) {}

  void measure_all(Measurement& m) {
    const auto cases = bench::latency_cases();
    std::size_t total = 0, done = 0;
    for (const auto& c : cases) total += selected(a_.filters, c.mechanism);
    for (const auto& mech : bench::throughput_mechanisms())
      total += selected(a_.filters, mech) ? p_.sizes.size() : 0;
    for (const auto& c : cases) {
      if (!selected(a_.filters, c.mechanism)) continue;
      LatencyRow row{c.mechanism, c.topology, {}, {}, {}};
      session_.measure(c, p_.warmup, p_.count, p_.repeats, row);
      progress(++done, total, "latency " + c.mechanism + "/" + bench::topology_name(c.topology),
               row.unsupported, row.runs.empty() ? "" : latency_line(row));
      m.latency.push_back(std::move(row));
    }
    for (const auto& mech : bench::throughput_mechanisms()) {
      if (!selected(a_.filters, mech)) continue;
      for (std::size_t size : p_.sizes) {
        ThroughputRow row{mech, size, messages(size), {}, {}};
        session_.measure(row, row.messages, p_.repeats);
        progress(++done, total, "throughput " + mech + " " + std::to_string(size) + " B",
                 row.unsupported,
                 row.runs.empty() ? "" : mb_per_s(bench::summarize(row.runs).median));
        m.throughput.push_back(std::move(row));
      }
    }
  }

  // More repeats of the rows the gate could not decide.
  void measure_more(Measurement& m, const bench::GateResult& g) {
    for (const auto& r : g.rows) {
      if (r.verdict != "cannot-tell") continue;
      if (r.section == "latency") {
        for (auto& row : m.latency)
          if (row.mechanism == r.mechanism && bench::topology_name(row.topology) == r.topology)
            for (const auto& c : bench::latency_cases())
              if (c.mechanism == row.mechanism && c.topology == row.topology)
                session_.measure(c, p_.warmup, p_.count, p_.repeats, row);
      } else {
        for (auto& row : m.throughput)
          if (row.mechanism == r.mechanism && static_cast<long long>(row.size) == r.size)
            session_.measure(row, row.messages, p_.repeats);
      }
      std::fprintf(stderr, "sigipc bench: gate: %s undecided (ratio %.3f), %d more repeats\n",
                   bench::row_label(r).c_str(), r.ratio, p_.repeats);
    }
  }

 private:
  std::size_t messages(std::size_t size) const {
    if (p_.fixed_messages) return p_.fixed_messages;
    return bench::throughput_messages(size, p_.budget_bytes, p_.max_messages);
  }
  static std::string latency_line(const LatencyRow& row) {
    std::vector<double> p50, p99;
    for (const auto& r : row.runs) {
      p50.push_back(r.p50);
      p99.push_back(r.p99);
    }
    return "p50 " + micros(bench::summarize(p50).median) + ", p99 " +
           micros(bench::summarize(p99).median);
  }
  static void progress(std::size_t done, std::size_t total, const std::string& what,
                       const std::string& unsupported, const std::string& figures) {
    std::fprintf(stderr, "sigipc bench: [%zu/%zu] %s: %s\n", done, total, what.c_str(),
                 unsupported.empty() ? figures.c_str() : ("unsupported: " + unsupported).c_str());
  }

  const BenchArgs& a_;
  const Plan& p_;
  bench::Session session_;
};

nlohmann::json environment_json(const bench::Pinning& pin, const nlohmann::json& load_before,
                                const nlohmann::json& load_after) {
  nlohmann::json env = platform_environment();
  env["cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  env["load_before"] = load_before;
  env["load_after"] = load_after;
  nlohmann::json pinning = {{"enabled", pin.enabled}};
  pinning["cpus"] = pin.enabled ? nlohmann::json{pin.cpu_a, pin.cpu_b} : nlohmann::json::array();
  if (!pin.enabled) pinning["reason"] = pin.reason;
  env["pinning"] = pinning;
  env["emulated"] = env.value("emulator", "none") != "none";
  env["sigipc_version"] = SIGIPC_VERSION;
  return env;
}

nlohmann::json document(const BenchArgs& a, const Plan& p, const Measurement& m,
                        nlohmann::json env) {
  nlohmann::json latency = nlohmann::json::array(), throughput = nlohmann::json::array(),
                 unsupported = nlohmann::json::array();
  for (const auto& r : m.latency) {
    if (r.unsupported.empty())
      latency.push_back(bench::latency_json(r));
    else
      unsupported.push_back({{"mechanism", r.mechanism},
                             {"topology", bench::topology_name(r.topology)},
                             {"reason", r.unsupported}});
  }
  for (const auto& r : m.throughput) {
    if (r.unsupported.empty())
      throughput.push_back(bench::throughput_json(r));
    else
      unsupported.push_back({{"mechanism", r.mechanism},
                             {"topology", "process"},
                             {"size", r.size},
                             {"reason", r.unsupported}});
  }
  nlohmann::json doc = {
      {"schema", kBenchSchema},
      {"environment", std::move(env)},
      {"config",
       {{"count", p.count},
        {"warmup", p.warmup},
        {"repeats", p.repeats},
        {"sizes", p.sizes},
        {"messages", p.fixed_messages ? nlohmann::json(p.fixed_messages) : nlohmann::json()},
        {"filter", a.filters},
        {"quick", a.quick}}},
      {"latency", latency},
      {"throughput", throughput},
      {"observations", bench::observations(m.throughput)},
      {"unsupported", unsupported}};
  if (!m.interrupted.empty()) doc["interrupted"] = m.interrupted;
  return doc;
}

void write_outputs(const std::string& out, const nlohmann::json& doc) {
  std::filesystem::create_directories(out);
  std::ofstream(out + "/bench.json") << doc.dump(1) << "\n";
  std::ofstream(out + "/bench.html") << bench_html_text(doc);
  std::fprintf(stderr, "sigipc bench: wrote %s/bench.json and %s/bench.html\n", out.c_str(),
               out.c_str());
}

// Judges current against the baseline; prints one line a row that is not a
// pass and the verdict. Returns the exit status.
int report_gate(const bench::GateResult& g, double threshold) {
  for (const auto& r : g.rows)
    if (r.verdict != "pass")
      std::printf("%s: %s %s: baseline %.6g, now %.6g, ratio %.3f (95%% interval %.3f to %.3f)\n",
                  r.verdict.c_str(), bench::row_label(r).c_str(), r.metric.c_str(), r.baseline,
                  r.current, r.ratio, r.lo, r.hi);
  for (const auto& miss : g.missing) std::printf("not compared: %s\n", miss.c_str());
  if (g.verdict == "regression") {
    std::printf("bench gate: regression (beyond %g%% with 95%% confidence)\n", threshold);
    return 1;
  }
  if (g.verdict == "cannot-tell") {
    std::printf(
        "bench gate: cannot tell: the noise is too large to decide on %g%% for the rows above; "
        "no regression shown (exit 0)\n",
        threshold);
    return 0;
  }
  std::printf("bench gate: pass (%zu rows within %g%%)\n", g.rows.size(), threshold);
  return 0;
}

int judge_existing(const BenchArgs& a, const CLI::App& cmd) {
  if (a.baseline.empty()) throw UsageError("--current needs --baseline");
  nlohmann::json base = read_bench_file(a.baseline, "--baseline");
  nlohmann::json cur = read_bench_file(a.current, "--current");
  bench::GateResult g = bench::run_gate(base, cur, a.threshold / 100);
  cur["baseline"] = bench::gate_json(g, a.baseline, a.threshold / 100);
  if (cmd.count("--out")) write_outputs(a.out, cur);
  return report_gate(g, a.threshold);
}

int bench_main(const BenchArgs& a, const CLI::App& cmd) {
  check_filters(a.filters);
  if (!(a.threshold > 0 && a.threshold <= 1000))
    throw UsageError("--threshold must be above 0 and at most 1000 (percent)");
  if (!a.current.empty()) return judge_existing(a, cmd);
  const Plan p = make_plan(a, cmd);
  nlohmann::json base;
  if (!a.baseline.empty()) base = read_bench_file(a.baseline, "--baseline");
  const bench::Pinning pin = bench::choose_pinning(!a.no_pin);
  const nlohmann::json load_before = loadavg();
  Measurement m;
  int status = 0;
  std::optional<bench::GateResult> gate;
  {
    BenchRun run(a, p, pin);
    try {
      run.measure_all(m);
      if (!a.baseline.empty()) {
        const int cap = a.max_repeats ? a.max_repeats : 4 * p.repeats;
        for (int total = p.repeats;; total += p.repeats) {
          gate = bench::run_gate(base, document(a, p, m, {}), a.threshold / 100);
          if (gate->verdict != "cannot-tell" || total + p.repeats > cap) break;
          run.measure_more(m, *gate);
        }
      }
    } catch (const bench::Interrupted& e) {
      m.interrupted = e.what();
    }
  }
  nlohmann::json doc = document(a, p, m, environment_json(pin, load_before, loadavg()));
  if (gate) doc["baseline"] = bench::gate_json(*gate, a.baseline, a.threshold / 100);
  write_outputs(a.out, doc);
  if (!m.interrupted.empty()) {
    std::fprintf(stderr, "sigipc bench: %s; what was measured is written\n", m.interrupted.c_str());
    return 130;
  }
  if (gate) status = report_gate(*gate, a.threshold);
  return status;
}

}  // namespace

CommandAction add_bench_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "bench",
      "Measure round-trip latency and throughput of every signal and IPC mechanism; write "
      "bench.json and bench.html");
  auto a = std::make_shared<BenchArgs>();
  cmd->add_option("--filter", a->filters,
                  "Glob over mechanism names (repeatable): signal-sigwaitinfo, pipe, posix-mq, "
                  "shm, ... (default: all)");
  cmd->add_option("--out", a->out, "Output folder (default: sigipc-bench)");
  cmd->add_option("--baseline", a->baseline,
                  "An earlier bench.json: exit 1 when a row got slower beyond --threshold with "
                  "95% confidence (undecided rows are measured again, up to --max-repeats)");
  cmd->add_option("--current", a->current,
                  "Judge this bench.json against --baseline instead of measuring");
  cmd->add_option("--count", a->count, "Round trips a repeat (default: 5000; --quick: 300)");
  cmd->add_option("--repeats", a->repeats, "Repeats of each row (default: 5; --quick: 3)");
  cmd->add_option("--messages", a->messages,
                  "Messages a throughput repeat (default: 8 MiB worth, 64 to 10000; --quick: 1 "
                  "MiB, at most 2000)");
  cmd->add_option("--max-repeats", a->max_repeats,
                  "With --baseline: repeats of an undecided row at most (default: 4 x --repeats)");
  cmd->add_option("--threshold", a->threshold,
                  "With --baseline: the slowdown in percent that is a regression (default: 20)");
  cmd->add_option("--timeout", a->timeout,
                  "Seconds one row may take before it is given up as unsupported (default: 120)");
  cmd->add_flag("--quick", a->quick,
                "A short run: fewer round trips, repeats and message sizes (smoke tests, "
                "emulators)");
  cmd->add_flag("--no-pin", a->no_pin, "Do not pin the two sides to two CPUs");
  cmd->footer(
      "Exit status: 0 done (with --baseline: no regression shown, also when the noise does not "
      "allow a decision, said on a line), 1 regression, 2 bad usage or input, 130 interrupted "
      "(what was measured is written).");
  return [a, cmd](const CommandLine&) {
    signal(SIGPIPE, SIG_IGN);
    return bench_main(*a, *cmd);
  };
}

}  // namespace sigipc
