#include "bench/session.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "bench/throughput.h"
#include "fixtures/check.h"
#include "fixtures/errno_name.h"
#include "fixtures/ipc_registry.h"
#include "fixtures/result_channel.h"

namespace sigipc::bench {

namespace {

volatile sig_atomic_t g_interrupt = 0;
void on_interrupt(int sig) { g_interrupt = sig; }

const int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

void write_text(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by ") + signal_name(WTERMSIG(status));
  return "exited with " + std::to_string(WEXITSTATUS(status));
}

nlohmann::json percentiles_json(const Percentiles& p) {
  return {{"p50", p.p50}, {"p99", p.p99}, {"p999", p.p999}, {"max", p.max}, {"mean", p.mean}};
}

}  // namespace

Session::Session(const Pinning& pin, double timeout_s) : pin_(pin), timeout_s_(timeout_s) {
  // $TMPDIR, as the runner's own folders.
  const char* tmp = getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/sigipc-bench-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp(" + tmpl + "): " + ErrnoText(errno));
  dir_ = tmpl;
  std::filesystem::create_directory(dir_ + "/tmp");
  // Measurement processes put their FIFOs in the session's folder (names.h)
  // and record every IPC object they create (ipc_registry.h).
  setenv(kEnvTestTmp, (dir_ + "/tmp").c_str(), 1);
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;  // no SA_RESTART: the wait for a measurement returns
  sigemptyset(&sa.sa_mask);
  for (int sig : kStopSignals) sigaction(sig, &sa, nullptr);
}

Session::~Session() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  unsetenv(kEnvTestTmp);
  unsetenv(kEnvIpcLog);
  for (int sig : kStopSignals) signal(sig, SIG_DFL);
}

std::string Session::in_child(const std::function<std::string()>& body, std::string& refused) {
  if (g_interrupt) throw Interrupted("interrupted by " + std::string(signal_name(g_interrupt)));
  const std::string log = dir_ + "/ipc-" + std::to_string(cells_++);
  setenv(kEnvIpcLog, log.c_str(), 1);
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe: " + ErrnoText(errno));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork: " + ErrnoText(errno));
  if (pid == 0) {
    // Its own process group: a terminal's SIGINT reaches the bench, which
    // ends this group (the measurement and its peer) itself.
    setpgid(0, 0);
    for (int sig : kStopSignals) signal(sig, SIG_DFL);
    close(fds[0]);
    ipc_registry_begin();
    std::string out;
    try {
      out = body();
    } catch (const std::exception& e) {
      out = nlohmann::json{{"unsupported", e.what()}}.dump();
    }
    write_text(fds[1], out);
    _exit(0);
  }
  setpgid(pid, pid);
  close(fds[1]);
  std::string text;
  const std::uint64_t deadline = now_ns() + static_cast<std::uint64_t>(timeout_s_ * 1e9);
  bool timed_out = false;
  for (;;) {
    if (g_interrupt) break;
    const std::uint64_t now = now_ns();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>((deadline - now) / 1000000 + 1));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (g_interrupt || timed_out) kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // The peer process may still be ending; its group goes with it.
  kill(-pid, SIGKILL);
  for (const auto& leak : remove_recorded_ipc(log, ""))
    std::fprintf(stderr, "sigipc bench: removed what a measurement left: %s\n", leak.c_str());
  if (g_interrupt) throw Interrupted("interrupted by " + std::string(signal_name(g_interrupt)));
  if (timed_out)
    refused =
        "no result within the " + std::to_string(static_cast<int>(timeout_s_)) + " s safety limit";
  else if (text.empty())
    refused = "the measurement process " + describe_status(status) + " without a result";
  return text;
}

// What a measurement process printed, parsed; nullopt with the reason in
// unsupported when the process or the mechanism gave no figures.
static std::optional<nlohmann::json> measured(const std::string& text, const std::string& refused,
                                              std::string& unsupported) {
  if (!refused.empty()) {
    unsupported = refused;
    return std::nullopt;
  }
  nlohmann::json j = nlohmann::json::parse(text);
  if (j.contains("unsupported")) {
    unsupported = j["unsupported"].get<std::string>();
    return std::nullopt;
  }
  return j;
}

void Session::measure(const LatencyCase& c, int warmup, int count, int repeats, LatencyRow& row) {
  LatencySpec spec{warmup, count, pin_};
  std::string refused;
  std::string text = in_child(
      [&] {
        nlohmann::json runs = nlohmann::json::array();
        LogHistogram h;
        for (int r = 0; r < repeats; ++r) {
          std::vector<std::uint64_t> samples = c.measure(spec);
          for (auto s : samples) h.add(s);
          runs.push_back(percentiles_json(percentiles(std::move(samples))));
        }
        return nlohmann::json{{"runs", runs}, {"histogram", h.counts()}}.dump();
      },
      refused);
  const std::optional<nlohmann::json> j = measured(text, refused, row.unsupported);
  if (!j) return;
  for (const auto& r : (*j)["runs"])
    row.runs.push_back({r["p50"], r["p99"], r["p999"], r["max"], r["mean"]});
  LogHistogram h;
  h.set_counts((*j)["histogram"].get<std::vector<std::uint64_t>>());
  row.histogram.merge(h);
}

void Session::measure(ThroughputRow& row, std::size_t messages, int repeats) {
  std::string refused;
  std::string text = in_child(
      [&] {
        nlohmann::json runs = nlohmann::json::array();
        for (int r = 0; r < repeats; ++r)
          runs.push_back(measure_throughput(row.mechanism, row.size, messages, pin_));
        return nlohmann::json{{"runs", runs}}.dump();
      },
      refused);
  const std::optional<nlohmann::json> j = measured(text, refused, row.unsupported);
  if (!j) return;
  for (const auto& r : (*j)["runs"]) row.runs.push_back(r.get<double>());
}

}  // namespace sigipc::bench
