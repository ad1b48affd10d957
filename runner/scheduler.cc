#include "runner/scheduler.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "fixtures/ipc_registry.h"
#include "fixtures/proc_util.h"
#include "fixtures/result_channel.h"
#include "runner/launcher.h"
#include "runner/running_test.h"
#include "runner/verdict.h"

extern char** environ;

namespace sigipc {

namespace {

using Clock = std::chrono::steady_clock;

std::string token_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string var;
  const std::string key = std::string(kEnvToken) + "=";
  while (std::getline(f, var, '\0'))
    if (var.rfind(key, 0) == 0) return var.substr(key.size());
  return "";
}

// Process-group isolation only: a test's processes that left its process
// group (setpgid, setsid) are re-parented to the runner (a subreaper) when
// their parents die. They carry the test's token in their environment; kill
// and reap them, repeating as their own children are re-parented in turn.
int sweep_orphans(const std::string& token, const std::map<pid_t, RunningTest>& running) {
  int killed = 0;
  for (int round = 0; round < 64; ++round) {
    std::vector<pid_t> found;
    for (pid_t p : own_children())
      if (!running.count(p) && token_of(p) == token) found.push_back(p);
    if (found.empty()) break;
    for (pid_t p : found) {
      kill(p, SIGKILL);
      while (waitpid(p, nullptr, 0) < 0 && errno == EINTR) {
      }
      ++killed;
    }
  }
  return killed;
}

std::vector<std::string> base_env(const SchedulerOptions& o) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    // The runner's own variables are set per test below.
    if (kv.rfind("SIGIPC_RESULT_FD=", 0) == 0 || kv.rfind("SIGIPC_TEST_TMP=", 0) == 0 ||
        kv.rfind("SIGIPC_MQ_DIR=", 0) == 0 || kv.rfind("SIGIPC_TOKEN=", 0) == 0 ||
        kv.rfind("SIGIPC_SEED=", 0) == 0 || kv.rfind("SIGIPC_TIMEOUT_MUL=", 0) == 0 ||
        kv.rfind("SIGIPC_ISOLATION=", 0) == 0 || kv.rfind("SIGIPC_IPC_LOG=", 0) == 0 ||
        kv.rfind("TMPDIR=", 0) == 0)
      continue;
    // GoogleTest reads GTEST_* settings from the environment: a CI job's
    // GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX would make each test process run
    // its one test only in one shard (no result: ERROR), GTEST_FILTER or
    // GTEST_REPEAT would override the runner's own choice of test.
    if (kv.rfind("GTEST_", 0) == 0) continue;
    env.push_back(kv);
  }
  env.push_back(std::string(kEnvSeed) + "=" + std::to_string(o.seed));
  std::ostringstream mul;
  mul << o.timeout_mul;
  env.push_back(std::string(kEnvTimeoutMul) + "=" + mul.str());
  env.push_back(std::string(kEnvIsolation) + "=" + isolation_name(o.isolation));
  return env;
}

SpawnSpec make_spec(const SchedulerOptions& o, const std::vector<std::string>& env,
                    const std::string& dir, const std::string& token,
                    const std::vector<std::string>& args) {
  // 0711 and 1777 (like /tmp): tests that drop to an unprivileged uid must
  // reach and write their temporary folder too.
  if (mkdir(dir.c_str(), 0711) != 0 || mkdir((dir + "/tmp").c_str(), 0777) != 0 ||
      mkdir((dir + "/mq").c_str(), 0700) != 0)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
  chmod(dir.c_str(), 0711);
  chmod((dir + "/tmp").c_str(), 01777);
  SpawnSpec spec;
  spec.argv = o.wrapper;
  spec.wrapper_words = o.wrapper.size();
  spec.argv.push_back(o.self_exe);
  for (const auto& a : args) spec.argv.push_back(a);
  spec.env = env;
  spec.env.push_back(std::string(kEnvTestTmp) + "=" + dir + "/tmp");
  spec.env.push_back("TMPDIR=" + dir + "/tmp");
  spec.env.push_back(std::string(kEnvMqDir) + "=" + dir + "/mq");
  spec.env.push_back(std::string(kEnvToken) + "=" + token);
  // Without a private IPC namespace the test records the objects it creates.
  if (o.isolation == Isolation::kProcessGroup)
    spec.env.push_back(std::string(kEnvIpcLog) + "=" + dir + "/ipc-created");
  spec.output_path = dir + "/output.log";
  spec.mq_dir = dir + "/mq";
  spec.isolation = o.isolation;
  return spec;
}

class Progress {
 public:
  Progress(bool tty, bool quiet, std::size_t total, std::function<void(Result&)> relabel)
      : tty_(tty), quiet_(quiet), total_(total), relabel_(std::move(relabel)) {}
  void started(const std::map<pid_t, RunningTest>& running) {
    if (tty_ && !quiet_) draw(running);
  }
  void finished(const RunningTest& r, const Verdict& verdict,
                const std::map<pid_t, RunningTest>& running) {
    ++done_;
    if (quiet_) return;
    Result v;
    v.id = r.meta().id();
    v.requirement = r.meta().requirement;
    v.status = verdict.status;
    v.message = verdict.message;
    if (relabel_) relabel_(v);
    if (is_bad(v.status)) ++bad_;
    if (tty_) {
      if (v.status != Status::kPass && v.status != Status::kUnsupported) {
        std::fprintf(stderr, "\r\033[K%-8s %s: %s\n", status_name(v.status), v.id.c_str(),
                     v.message.substr(0, 300).c_str());
      }
      draw(running);
    } else {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - r.start_time()).count();
      std::fprintf(stderr, "[%*zu/%zu] %-11s %s (%.0f ms)%s%s\n", width(), done_, total_,
                   status_name(v.status), v.id.c_str(), ms, v.message.empty() ? "" : ": ",
                   v.message.substr(0, 300).c_str());
    }
  }
  void clear() {
    if (tty_ && !quiet_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  int width() const { return static_cast<int>(std::to_string(total_).size()); }
  void draw(const std::map<pid_t, RunningTest>& running) {
    std::string cur = running.empty() ? "" : running.begin()->second.meta().id();
    std::fprintf(stderr, "\r\033[K[%zu/%zu] %zu not passing | running: %s", done_, total_, bad_,
                 cur.substr(0, 60).c_str());
    std::fflush(stderr);
  }
  bool tty_, quiet_;
  std::size_t total_, done_ = 0, bad_ = 0;
  std::function<void(Result&)> relabel_;
};

// SIGCHLD and the stop signals (SIGINT, SIGTERM, SIGHUP) as a readable
// descriptor for the run's lifetime; the mask is restored afterwards.
class RunSignals {
 public:
  RunSignals() {
    sigset_t sigs;
    sigemptyset(&sigs);
    for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&sigs, s);
    sigprocmask(SIG_BLOCK, &sigs, &old_mask_);
    fd_ = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) {
      int e = errno;
      sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
      throw std::runtime_error(std::string("signalfd: ") + std::strerror(e));
    }
  }
  ~RunSignals() {
    close(fd_);
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  RunSignals(const RunSignals&) = delete;
  RunSignals& operator=(const RunSignals&) = delete;
  int fd() const { return fd_; }
  // Drains the descriptor; true when a stop signal came.
  bool stop_requested() {
    bool stop = false;
    signalfd_siginfo si;
    while (read(fd_, &si, sizeof si) == sizeof si)
      stop = stop || si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP;
    return stop;
  }

 private:
  int fd_ = -1;
  sigset_t old_mask_;
};

// One run_tests() call: a queue of test runs, the running tests (by the pid
// the runner knows them by), and each test's finished runs.
class Scheduler {
 public:
  Scheduler(const std::vector<const TestMeta*>& tests, const SchedulerOptions& o);
  SchedulerResult run();

 private:
  // The runs of one test are queued together, so its result is final (and
  // streamed) as soon as its last run ends; --repeat until-fail queues the
  // next run only once the previous one was green.
  struct Item {
    const TestMeta* meta;
    int iteration;
  };

  bool may_start() const { return !interrupted_ && !stop_ && !queue_.empty(); }
  void start_tests();
  void start(const Item& item);
  void wait_for_events();
  void reap();
  void reaped_own(RunningTest& r, int status);
  void collect_launcher();
  void retire_finished();
  void finish(RunningTest& r);
  void keep_log(const RunningTest& r, const Verdict& v);
  bool wants_another_run(const RunningTest& r, const RunVerdict& run);
  void complete(const TestMeta& t);
  void kill_everything();
  void stop_launcher();
  void append_shared_log(const RunningTest& r, std::ofstream& dst) const;
  SchedulerResult results();

  const std::vector<const TestMeta*>& tests_;
  const SchedulerOptions& o_;
  const std::vector<std::string> env_;
  RunSignals signals_;
  std::unique_ptr<Launcher> launcher_;
  std::deque<Item> queue_;
  std::map<pid_t, RunningTest> running_;
  std::map<std::string, std::vector<RunVerdict>> runs_;  // test id -> its finished runs
  std::map<std::string, Result> final_;                  // test id -> its result
  Progress progress_;
  std::size_t seq_ = 0;
  bool interrupted_ = false, stop_ = false, stopped_early_ = false;
  std::string launcher_failure_;
};

Scheduler::Scheduler(const std::vector<const TestMeta*>& tests, const SchedulerOptions& o)
    : tests_(tests),
      o_(o),
      env_(base_env(o)),
      progress_(o.tty, o.quiet, tests.size() * o.repeat, o.relabel) {
  for (const auto* t : tests)
    for (int it = 0; it < (o.until_fail ? 1 : o.repeat); ++it) queue_.push_back({t, it});
  if (o.fork_server) {
    std::vector<std::string> argv = o.wrapper;
    argv.push_back(o.self_exe);
    argv.push_back("__fork-server");
    launcher_ = fork_server_launcher(argv, env_, o.work_dir + "/fork-server.log");
  } else {
    launcher_ = exec_launcher();
  }
}

SchedulerResult Scheduler::run() {
  while (!interrupted_ && (may_start() || !running_.empty())) {
    start_tests();
    wait_for_events();
    if (signals_.stop_requested()) interrupted_ = true;
    reap();
    collect_launcher();
    retire_finished();
  }
  if (interrupted_) kill_everything();
  stop_launcher();
  // Reap anything still re-parented to us.
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  progress_.clear();
  return results();
}

void Scheduler::start_tests() {
  while (may_start() && static_cast<int>(running_.size()) < o_.jobs) {
    const Item item = queue_.front();
    queue_.pop_front();
    start(item);
  }
}

void Scheduler::start(const Item& item) {
  if (item.iteration == 0 && o_.on_start) o_.on_start(*item.meta);
  std::string token = std::to_string(getpid()) + "-" + std::to_string(seq_);
  std::string dir = o_.work_dir + "/t" + std::to_string(seq_++);
  SpawnSpec spec = make_spec(o_, env_, dir, token, {"__run-test", item.meta->id()});
  const double timeout_s = item.meta->timeout_s * o_.timeout_mul;
  RunningTest r(*item.meta, item.iteration, token, dir, timeout_s, launcher_->start(spec));
  const pid_t pid = r.pid();
  running_.emplace(pid, std::move(r));
  progress_.started(running_);
}

// Polls the signals, the launcher and every open result channel until one
// is readable or the nearest deadline; reads the result channels.
void Scheduler::wait_for_events() {
  std::vector<pollfd> pfds;
  pfds.push_back({signals_.fd(), POLLIN, 0});
  pfds.push_back({launcher_->fd(), POLLIN, 0});
  std::vector<RunningTest*> order;
  auto now = Clock::now();
  auto wake = now + std::chrono::seconds(60);
  for (auto& [pid, r] : running_) {
    if (r.reading()) {
      pfds.push_back({r.result_fd(), POLLIN, 0});
      order.push_back(&r);
    }
    wake = std::min(wake, r.next_wake());
  }
  int ms = static_cast<int>(std::max<long long>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
  int n = poll(pfds.data(), pfds.size(), ms);
  if (n < 0 && errno != EINTR)
    throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  for (std::size_t i = 2; n > 0 && i < pfds.size(); ++i)
    if (pfds[i].revents) order[i - 2]->read_results();
}

void Scheduler::reap() {
  int st;
  pid_t p;
  while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
    auto it = running_.find(p);
    if (it == running_.end()) continue;  // an orphan re-parented to us: reaped
    if (o_.isolation == Isolation::kProcessGroup)
      reaped_own(it->second, st);
    else
      it->second.ended();
  }
}

// Process-group isolation: the runner's wait status is the test's own, and
// whatever is left of the test must die now, or it would hold the result
// channel open and outlive the test.
void Scheduler::reaped_own(RunningTest& r, int status) {
  r.ended(status);
  if (kill(-r.pid(), 0) == 0) {
    r.leaked("processes left in the test's process group; killed");
    kill(-r.pid(), SIGKILL);
  }
  if (int n = sweep_orphans(r.token(), running_))
    r.leaked(std::to_string(n) + " process(es) that left the test's process group; killed");
}

void Scheduler::collect_launcher() {
  std::vector<pid_t> ended;
  launcher_->collect(&ended);
  for (pid_t pid : ended) {
    auto it = running_.find(pid);
    if (it != running_.end() && it->second.via_server()) it->second.ended();
  }
  if (!launcher_->notices_lost()) return;
  for (auto& [pid, r] : running_)
    if (r.via_server() && !r.reading() && !r.exited()) r.ended();
}

void Scheduler::retire_finished() {
  const auto now = Clock::now();
  for (auto it = running_.begin(); it != running_.end();) {
    it->second.enforce_deadline(now);
    if (!it->second.done(now)) {
      ++it;
      continue;
    }
    RunningTest r = std::move(it->second);
    it = running_.erase(it);
    finish(r);
  }
}

void Scheduler::finish(RunningTest& r) {
  const RunVerdict run = r.finish(o_.isolation);
  keep_log(r, run.verdict);
  remove_tree(r.dir());
  runs_[r.meta().id()].push_back(run);
  // The result is in the stream before the progress line says it ended.
  if (!wants_another_run(r, run)) complete(r.meta());
  progress_.finished(r, run.verdict, running_);
}

// The output of a run that did not pass goes to the report folder's logs/.
void Scheduler::keep_log(const RunningTest& r, const Verdict& v) {
  if (v.status == Status::kPass || o_.log_dir.empty()) return;
  mkdir(o_.log_dir.c_str(), 0755);
  std::ifstream src(r.dir() + "/output.log", std::ios::binary);
  std::ofstream dst(o_.log_dir + "/" + r.meta().id() +
                        (o_.repeat > 1 ? "." + std::to_string(r.iteration()) : "") + ".log",
                    std::ios::binary | std::ios::trunc);
  dst << src.rdbuf();
  append_shared_log(r, dst);
}

// What the fork server's stderr gained while the test ran: a wrapper's own
// report of why the test process died (valgrind's "the 'impossible'
// happened") lands there, not in the test's log. Tests running beside this
// one may have written there too, so the part is labelled as shared.
void Scheduler::append_shared_log(const RunningTest& r, std::ofstream& dst) const {
  const std::string path = launcher_->shared_log();
  if (!r.via_server() || r.shared_log_from() < 0 || path.empty()) return;
  std::ifstream log(path, std::ios::binary);
  log.seekg(0, std::ios::end);
  const long long end = log.tellg();
  if (!log || end <= r.shared_log_from()) return;
  constexpr long long kMax = 64 * 1024;
  const long long from = std::max(r.shared_log_from(), end - kMax);
  std::string part(static_cast<std::size_t>(end - from), '\0');
  log.seekg(from);
  log.read(&part[0], static_cast<std::streamsize>(part.size()));
  dst << "\n--- the fork server's stderr while this test ran (shared with any test running "
         "beside it"
      << (from > r.shared_log_from() ? ", last 64 KiB" : "") << ") ---\n"
      << part;
}

// Whether the test has runs to come; with until-fail, queues the next one
// once this one was green (as the run's expectations label it).
bool Scheduler::wants_another_run(const RunningTest& r, const RunVerdict& run) {
  if (static_cast<int>(runs_[r.meta().id()].size()) >= o_.repeat) return false;
  if (!o_.until_fail) return true;
  Result one = aggregate_runs(result_for(r.meta()), {run});
  if (o_.relabel) o_.relabel(one);
  if (is_bad(one.status)) return false;
  queue_.push_front({&r.meta(), r.iteration() + 1});
  return true;
}

void Scheduler::complete(const TestMeta& t) {
  Result r = aggregate_runs(result_for(t), runs_[t.id()]);
  if (o_.on_result) o_.on_result(r);
  Result shown = r;
  if (o_.relabel) o_.relabel(shown);
  if (o_.fail_fast && is_bad(shown.status)) stop_ = stopped_early_ = true;
  final_.emplace(t.id(), std::move(r));
}

// Interrupted: nothing of the run may outlive the runner.
void Scheduler::kill_everything() {
  for (auto& [pid, r] : running_) kill(-pid, SIGKILL);
  for (auto& [pid, r] : running_) {
    int st;
    while (!r.via_server() && waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    close(r.result_fd());
    if (o_.isolation == Isolation::kProcessGroup) remove_recorded_ipc(r.dir() + "/ipc-created", "");
    remove_tree(r.dir());
  }
  running_.clear();
  stop_launcher();
  // The killed tests' reapers and anything that left its process group were
  // re-parented to us (the subreaper): kill and reap until no child is left.
  // A namespace's init exits only after every process in it, so this also
  // waits for those.
  for (;;) {
    for (pid_t p : own_children()) kill(p, SIGKILL);
    pid_t w = waitpid(-1, nullptr, 0);
    if (w < 0 && errno != EINTR) break;
  }
}

// The fork server kills and reaps what it started, then exits.
void Scheduler::stop_launcher() {
  if (!launcher_) return;
  launcher_failure_ = launcher_->failure();
  launcher_.reset();
}

SchedulerResult Scheduler::results() {
  SchedulerResult res;
  res.interrupted = interrupted_;
  res.stopped_early = stopped_early_;
  res.fork_server_failure = launcher_failure_;
  for (const auto* t : tests_) {
    auto done = final_.find(t->id());
    if (done == final_.end() && runs_.count(t->id())) {
      complete(*t);  // interrupted between its runs: what did run
      done = final_.find(t->id());
    }
    if (done == final_.end())
      res.not_run.push_back(t->id());
    else
      res.results.push_back(std::move(done->second));
  }
  return res;
}

}  // namespace

SchedulerResult run_tests(const std::vector<const TestMeta*>& tests, const SchedulerOptions& o) {
  // Orphans of a test (in process-group isolation) are re-parented to the
  // runner rather than init, so they can be reaped and never linger.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  Scheduler s(tests, o);
  return s.run();
}

std::string probe_environment(const SchedulerOptions& o) {
  std::string dir = o.work_dir + "/probe";
  SpawnSpec spec = make_spec(o, base_env(o), dir, std::to_string(getpid()) + "-probe", {"__probe"});
  Spawned sp = spawn_test(spec);
  int st;
  while (waitpid(sp.pid, &st, 0) < 0 && errno == EINTR) {
  }
  close(sp.result_fd);
  std::ifstream f(spec.output_path);
  std::stringstream ss;
  ss << f.rdbuf();
  remove_tree(dir);
  return ss.str();
}

Result result_for(const TestMeta& t) {
  Result r;
  r.id = t.id();
  r.family = t.family();
  r.requirement = t.requirement;
  r.clause = t.clause;
  r.statement = t.statement;
  return r;
}

}  // namespace sigipc
