// sigipc bench as a command: a quick pipe run writes a sigipc-bench/1
// document and its page; bad input exits 2 with one line; the baseline
// gate's exit statuses on fabricated documents.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/selftest_util.h"

namespace {

using selftest::run_cmd;
using selftest::TempDir;

// Processes whose environment holds needle.
std::set<std::string> pids_with_env(const std::string& needle) {
  std::set<std::string> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(e.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (env.find(needle) != std::string::npos) pids.insert(name);
  }
  return pids;
}

// System V message queues (/proc/sysvipc/msg) created by one of pids.
int queues_created_by(const std::set<std::string>& pids) {
  std::ifstream f("/proc/sysvipc/msg");
  std::string line;
  std::getline(f, line);  // header: key msqid perms cbytes qnum lspid lrpid uid ...
  int n = 0;
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string key, id, perms, cbytes, qnum, lspid, lrpid;
    in >> key >> id >> perms >> cbytes >> qnum >> lspid >> lrpid;
    // The creator's pid is not in this file; lspid/lrpid are the last
    // sender's and receiver's, which the measurement processes are.
    if (pids.count(lspid) || pids.count(lrpid)) ++n;
  }
  return n;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A document as sigipc bench writes it: runs, and their medians in summary.
nlohmann::json pipe_doc(std::vector<double> p50s) {
  nlohmann::json runs = nlohmann::json::array();
  for (double v : p50s)
    runs.push_back({{"p50", v}, {"p99", v * 2}, {"p999", v * 3}, {"max", v * 4}});
  std::sort(p50s.begin(), p50s.end());
  const double m = p50s[p50s.size() / 2];
  const nlohmann::json summary = {{"p50", {{"median", m}}},
                                  {"p99", {{"median", m * 2}}},
                                  {"p999", {{"median", m * 3}}},
                                  {"max", {{"median", m * 4}}}};
  return {{"schema", "sigipc-bench/1"},
          {"latency",
           {{{"mechanism", "pipe"},
             {"topology", "process"},
             {"unit", "ns"},
             {"runs", runs},
             {"summary", summary}}}},
          {"throughput", nlohmann::json::array()}};
}

TEST(BenchCli, QuickPipeRunWritesABenchDocument) {
  TempDir d;
  auto r = run_cmd({SIGIPC_BIN, "bench", "--quick", "--filter", "pipe", "--out", d.path() + "/b"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("latency pipe/process"), std::string::npos) << r.err;
  nlohmann::json doc = selftest::read_json(d.path() + "/b/bench.json");
  EXPECT_EQ(doc["schema"], "sigipc-bench/1");
  for (const char* key : {"kernel_release", "arch", "load_before", "load_after", "pinning",
                          "emulated", "sigipc_version"})
    EXPECT_TRUE(doc["environment"].contains(key)) << key;
  EXPECT_EQ(doc["config"]["repeats"], 3);
  ASSERT_EQ(doc["latency"].size(), 2u);  // process and thread
  for (const auto& row : doc["latency"]) {
    EXPECT_EQ(row["mechanism"], "pipe");
    EXPECT_EQ(row["unit"], "ns");
    ASSERT_EQ(row["runs"].size(), 3u);
    for (const auto& run : row["runs"]) {
      EXPECT_GT(run["p50"].get<double>(), 0);
      EXPECT_LE(run["p50"].get<double>(), run["p99"].get<double>());
      EXPECT_LE(run["p999"].get<double>(), run["max"].get<double>());
    }
    const auto& s = row["summary"]["p50"];
    EXPECT_LE(s["min"].get<double>(), s["median"].get<double>());
    EXPECT_LE(s["median"].get<double>(), s["max"].get<double>());
    EXPECT_EQ(s["ci95"].size(), 2u);
    std::uint64_t total = 0;
    for (const auto& c : row["histogram"]["counts"]) total += c.get<std::uint64_t>();
    EXPECT_EQ(total, 3u * 300u);  // every round trip of every repeat
    EXPECT_EQ(row["histogram"]["edges_ns"].size(), row["histogram"]["counts"].size() + 1);
  }
  ASSERT_EQ(doc["throughput"].size(), 3u);  // 1, PIPE_BUF, 65536 bytes
  for (const auto& row : doc["throughput"]) {
    EXPECT_EQ(row["unit"], "bytes/s");
    EXPECT_EQ(row["runs"].size(), 3u);
  }
  EXPECT_TRUE(doc["observations"].is_array());
  EXPECT_TRUE(doc["unsupported"].is_array());
  std::ifstream html(d.path() + "/b/bench.html");
  EXPECT_TRUE(html.good());
}

TEST(BenchCli, BadInputIsOneLineAndExit2) {
  TempDir d;
  const std::string notjson = d.path() + "/not.json", wrong = d.path() + "/wrong.json";
  write_file(notjson, "{ nope");
  write_file(wrong, R"({"schema": "sigipc-results/1"})");
  const std::string norows = d.path() + "/norows.json";
  write_file(
      norows,
      R"({"schema": "sigipc-bench/1", "latency": [{"mechanism": "pipe", "topology": "process"}]})");
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--filter", "carrier-pigeon"}, "--filter 'carrier-pigeon' matches no mechanism"},
      {{"--baseline", d.path() + "/absent.json"}, "cannot be read"},
      {{"--baseline", notjson}, "not JSON"},
      {{"--baseline", wrong}, "expected \"sigipc-bench/1\""},
      {{"--baseline", norows}, "latency[0]: no \"runs\""},
      {{"--count", "0"}, "--count must be"},
      {{"--count", "many"}, "count"},
      {{"--repeats", "0"}, "--repeats must be"},
      {{"--current", wrong}, "--current needs --baseline"},
      {{"--threshold", "0", "--baseline", wrong, "--current", wrong}, "--threshold must be"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {SIGIPC_BIN, "bench", "--out", d.path() + "/o"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_cmd(argv);
    EXPECT_EQ(r.exit_code, 2) << c.says << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  }
}

// A call the platform lacks on both sides (ENOSYS at once, as gVisor's
// mq_send and mq_receive): each row is unsupported with the call's reason.
// The thread row's peer fails while the measuring side unwinds; it must not
// take the measurement process down ("killed by SIGSEGV").
TEST(BenchCli, RowRefusedOnBothSidesKeepsTheReason) {
  TempDir d;
  for (int i = 0; i < 8; ++i) {
    auto r = run_cmd({SIGIPC_BIN, "bench", "--quick", "--repeats", "1", "--filter", "posix-mq",
                      "--out", d.path() + "/o"},
                     {std::string("LD_PRELOAD=") + SHIM_MQ_ENOSYS, "SIGIPC_RESULT_FD=-1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json doc = selftest::read_json(d.path() + "/o/bench.json");
    ASSERT_TRUE(doc["latency"].empty()) << doc["latency"].dump();
    int refused = 0;
    for (const auto& u : doc["unsupported"])
      if (!u.contains("size") || u["size"] != 65536) {
        EXPECT_EQ(u["reason"].get<std::string>().rfind("mq_", 0), 0u) << u.dump();
        EXPECT_NE(u["reason"].get<std::string>().find("ENOSYS"), std::string::npos) << u.dump();
        ++refused;
      }
    EXPECT_EQ(refused, 4) << doc["unsupported"].dump();  // 2 latency rows, 2 sizes
  }
}

TEST(BenchCli, BaselineGateExitStatus) {
  TempDir d;
  const std::string base = d.path() + "/base.json", slow = d.path() + "/slow.json",
                    noisy = d.path() + "/noisy.json";
  write_file(base, pipe_doc({1000, 1020, 990, 1010, 1000}).dump());
  write_file(slow, pipe_doc({2000, 2040, 1980, 2020, 2000}).dump());
  write_file(noisy, pipe_doc({700, 1800, 1000, 1500, 1300}).dump());
  auto gate = [&](const std::string& cur) {
    return run_cmd({SIGIPC_BIN, "bench", "--baseline", base, "--current", cur});
  };
  auto r = gate(slow);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("regression: latency pipe/process"), std::string::npos) << r.out;
  r = gate(base);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("bench gate: pass"), std::string::npos) << r.out;
  r = gate(noisy);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("bench gate: cannot tell"), std::string::npos) << r.out;
  // With --out the judged document is written with its baseline block.
  r = run_cmd(
      {SIGIPC_BIN, "bench", "--baseline", base, "--current", slow, "--out", d.path() + "/judged"});
  nlohmann::json doc = selftest::read_json(d.path() + "/judged/bench.json");
  EXPECT_EQ(doc["baseline"]["verdict"], "regression");
  EXPECT_EQ(doc["baseline"]["rows"][0]["metric"], "p50");
}

// SIGINT in the middle of a row: the measurement processes are ended, what
// was measured is written with "interrupted", the session's folder is gone,
// exit 130.
TEST(BenchCli, InterruptLeavesNothingBehind) {
  TempDir d;
  const std::string tmp = d.path() + "/tmp", marker = "SIGIPC_BENCH_SELFTEST=" + d.path();
  std::filesystem::create_directory(tmp);
  std::vector<std::string> args = {SIGIPC_BIN, "bench",    "--filter", "sysv-msg",
                                   "--count",  "10000000", "--out",    d.path() + "/o"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {marker, "TMPDIR=" + tmp};
  for (char** e = environ; *e; ++e) env_strings.push_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, SIGIPC_BIN, nullptr, nullptr, argv.data(), envp.data()), 0);
  // The bench, its measurement process and its peer, sending messages on
  // their queue: the row is running. (/proc polled; the bound is a safety
  // net.)
  std::set<std::string> pids;
  for (int i = 0; i < 20000; ++i, usleep(500)) {
    pids = pids_with_env(marker);
    if (pids.size() >= 3 && queues_created_by(pids) > 0) break;
  }
  ASSERT_EQ(queues_created_by(pids), 1) << "the measurement never sent a message";
  kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(selftest::processes_with_env(marker), 0);
  EXPECT_TRUE(std::filesystem::is_empty(tmp)) << "the session's folder is left in " << tmp;
  EXPECT_EQ(queues_created_by(pids), 0) << "a message queue of the measurement is left";
  nlohmann::json doc = selftest::read_json(d.path() + "/o/bench.json");
  EXPECT_EQ(doc["interrupted"], "interrupted by SIGINT");
  EXPECT_TRUE(doc["latency"].empty());
}

}  // namespace
