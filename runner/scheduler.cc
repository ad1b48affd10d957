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
#include "runner/fork_server.h"
#include "runner/verdict.h"

extern char** environ;

namespace sigipc {

namespace {

using Clock = std::chrono::steady_clock;

struct Running {
  const TestMeta* meta;
  std::string token;
  int iteration;
  Spawned sp;
  bool via_server = false;  // sp.pid is the fork server's child, not ours
  std::string dir;
  std::string buf;
  Outcome out;
  Clock::time_point start, deadline;
  bool exited = false;
  bool eof = false;
  Clock::time_point exit_time;
};

// A process that outlived its test but holds the result pipe open gets this
// long after the test process ended before the runner stops waiting for EOF.
constexpr auto kEofGrace = std::chrono::seconds(2);

std::string read_tail(const std::string& path, std::size_t max) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > max) s = "..." + s.substr(s.size() - max);
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

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
int sweep_orphans(const std::string& token, const std::map<pid_t, struct Running>& running) {
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
  void started(const std::map<pid_t, Running>& running) {
    if (tty_ && !quiet_) draw(running);
  }
  void finished(const Running& r, const Verdict& verdict, const std::map<pid_t, Running>& running) {
    ++done_;
    if (quiet_) return;
    Result v;
    v.id = r.meta->id();
    v.requirement = r.meta->requirement;
    v.status = verdict.status;
    v.message = verdict.message;
    if (relabel_) relabel_(v);
    if (is_bad(v.status)) ++bad_;
    if (tty_) {
      if (v.status != Status::kPass && v.status != Status::kUnsupported) {
        std::fprintf(stderr, "\r\033[K%-8s %s: %s\n", status_name(v.status), r.meta->id().c_str(),
                     v.message.substr(0, 300).c_str());
      }
      draw(running);
    } else {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - r.start).count();
      std::fprintf(stderr, "[%*zu/%zu] %-11s %s (%.0f ms)%s%s\n", width(), done_, total_,
                   status_name(v.status), r.meta->id().c_str(), ms, v.message.empty() ? "" : ": ",
                   v.message.substr(0, 300).c_str());
    }
  }
  void clear() {
    if (tty_ && !quiet_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  int width() const { return static_cast<int>(std::to_string(total_).size()); }
  void draw(const std::map<pid_t, Running>& running) {
    std::string cur = running.empty() ? "" : running.begin()->second.meta->id();
    std::fprintf(stderr, "\r\033[K[%zu/%zu] %zu not passing | running: %s", done_, total_, bad_,
                 cur.substr(0, 60).c_str());
    std::fflush(stderr);
  }
  bool tty_, quiet_;
  std::size_t total_, done_ = 0, bad_ = 0;
  std::function<void(Result&)> relabel_;
};

using Runs = std::vector<std::pair<Verdict, double>>;

// One result from every run of a test: the worst outcome, with the count of
// each status when they differ.
Result aggregate(const TestMeta& t, const Runs& runs) {
  Result r = result_for(t);
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

}  // namespace

SchedulerResult run_tests(const std::vector<const TestMeta*>& tests, const SchedulerOptions& o) {
  SchedulerResult res;
  // Orphans of a test (in process-group isolation) are re-parented to the
  // runner rather than init, so they can be reaped and never linger.
  prctl(PR_SET_CHILD_SUBREAPER, 1);

  sigset_t sigs;
  sigemptyset(&sigs);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&sigs, s);
  sigset_t old_mask;
  sigprocmask(SIG_BLOCK, &sigs, &old_mask);
  int sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));

  // The runs of one test are queued together, so its result is final (and
  // streamed) as soon as its last run ends; --repeat until-fail queues the
  // next run only once the previous one was green.
  struct Item {
    const TestMeta* meta;
    int iteration;
  };
  std::deque<Item> queue;
  for (const auto* t : tests)
    for (int it = 0; it < (o.until_fail ? 1 : o.repeat); ++it) queue.push_back({t, it});

  std::vector<std::string> env = base_env(o);
  std::map<pid_t, Running> running;
  std::map<std::string, Runs> per_test;
  std::map<std::string, Result> final_results;
  Progress progress(o.tty, o.quiet, tests.size() * o.repeat, o.relabel);
  std::size_t seq = 0;
  bool interrupted = false, stop = false;
  auto may_start = [&] { return !interrupted && !stop && !queue.empty(); };
  auto complete = [&](const TestMeta& t) {
    Result r = aggregate(t, per_test[t.id()]);
    if (o.on_result) o.on_result(r);
    Result shown = r;
    if (o.relabel) o.relabel(shown);
    if (o.fail_fast && is_bad(shown.status)) stop = res.stopped_early = true;
    final_results.emplace(t.id(), std::move(r));
  };

  std::unique_ptr<ForkServer> server;
  auto server_gone = [&] {
    if (res.fork_server_failure.empty()) res.fork_server_failure = server->failure();
  };
  if (o.fork_server) {
    std::vector<std::string> argv = o.wrapper;
    argv.push_back(o.self_exe);
    argv.push_back("__fork-server");
    server = std::make_unique<ForkServer>(argv, env, o.work_dir + "/fork-server.log");
  }

  auto finish = [&](Running& r) {
    r.out.records = parse_records(r.buf += "\n");
    // In namespace isolation the reaper reports the test's own wait status.
    if (o.isolation == Isolation::kNamespaces)
      for (const auto& rec : r.out.records)
        if (rec.kind == "wait") r.out.wait_status = std::stoi(rec.text);
    r.out.output_tail = read_tail(r.dir + "/output.log", 400);
    // What a crashed or killed test created and could not remove itself.
    if (o.isolation == Isolation::kProcessGroup)
      for (auto& l : remove_recorded_ipc(r.dir + "/ipc-created", ""))
        r.out.runner_leaks.push_back(l);
    Verdict v = decide(r.out);
    if (!r.out.timed_out && !r.exited) v = {Status::kError, "lost track of the test process"};
    double ms = std::chrono::duration<double, std::milli>(r.exit_time - r.start).count();
    if (v.status != Status::kPass && !o.log_dir.empty()) {
      mkdir(o.log_dir.c_str(), 0755);
      std::ifstream src(r.dir + "/output.log", std::ios::binary);
      std::ofstream dst(o.log_dir + "/" + r.meta->id() +
                            (o.repeat > 1 ? "." + std::to_string(r.iteration) : "") + ".log",
                        std::ios::binary | std::ios::trunc);
      dst << src.rdbuf();
    }
    remove_tree(r.dir);
    close(r.sp.result_fd);
    Runs& runs = per_test[r.meta->id()];
    runs.push_back({v, ms});
    bool more = static_cast<int>(runs.size()) < o.repeat;
    if (more && o.until_fail) {
      Result one = aggregate(*r.meta, {{v, ms}});
      if (o.relabel) o.relabel(one);
      more = !is_bad(one.status);
      if (more) queue.push_front({r.meta, r.iteration + 1});
    }
    // The result is in the stream before the progress line says it ended.
    if (!more) complete(*r.meta);
    progress.finished(r, v, running);
  };

  while (!interrupted && (may_start() || !running.empty())) {
    while (may_start() && static_cast<int>(running.size()) < o.jobs) {
      const Item item = queue.front();
      queue.pop_front();
      if (item.iteration == 0 && o.on_start) o.on_start(*item.meta);
      std::string token = std::to_string(getpid()) + "-" + std::to_string(seq);
      std::string dir = o.work_dir + "/t" + std::to_string(seq++);
      SpawnSpec spec = make_spec(o, env, dir, token, {"__run-test", item.meta->id()});
      Running r;
      r.meta = item.meta;
      r.token = token;
      r.iteration = item.iteration;
      r.dir = dir;
      r.out.timeout_s = item.meta->timeout_s * o.timeout_mul;
      r.start = Clock::now();
      r.deadline =
          r.start + std::chrono::milliseconds(static_cast<long long>(r.out.timeout_s * 1000));
      if (server && server->alive()) {
        try {
          r.sp = server->spawn(spec);
          r.via_server = true;
        } catch (const std::runtime_error&) {
          if (server->alive()) throw;
          server_gone();
        }
      }
      if (!r.via_server) r.sp = spawn_test(spec);
      running.emplace(r.sp.pid, std::move(r));
      progress.started(running);
    }

    std::vector<pollfd> pfds;
    pfds.push_back({sfd, POLLIN, 0});
    pfds.push_back({server && server->alive() ? server->fd() : -1, POLLIN, 0});
    std::vector<pid_t> order;
    auto now = Clock::now();
    auto wake = now + std::chrono::seconds(60);
    for (auto& [pid, r] : running) {
      if (!r.eof) {
        pfds.push_back({r.sp.result_fd, POLLIN, 0});
        order.push_back(pid);
      }
      if (!r.exited)
        wake = std::min(wake, r.deadline);
      else
        wake = std::min(wake, r.exit_time + kEofGrace);
    }
    int ms = static_cast<int>(std::max<long long>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
    int n = poll(pfds.data(), pfds.size(), ms);
    if (n < 0 && errno != EINTR)
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));

    for (std::size_t i = 2; n > 0 && i < pfds.size(); ++i) {
      if (!pfds[i].revents) continue;
      Running& r = running.at(order[i - 2]);
      char buf[8192];
      for (;;) {
        ssize_t got = read(r.sp.result_fd, buf, sizeof buf);
        if (got > 0) {
          r.buf.append(buf, static_cast<std::size_t>(got));
          continue;
        }
        if (got == 0) r.eof = true;
        break;
      }
    }

    signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) == sizeof si) {
      if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP)
        interrupted = true;
    }
    int st;
    pid_t p;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
      auto it = running.find(p);
      if (it == running.end()) continue;  // an orphan re-parented to us: reaped
      Running& r = it->second;
      r.exited = true;
      r.exit_time = Clock::now();
      if (o.isolation == Isolation::kProcessGroup) {
        r.out.wait_status = st;
        // Whatever is left of the test must die now, or it would hold the
        // result channel open and outlive the test.
        if (kill(-r.sp.pid, 0) == 0) {
          r.out.runner_leaks.push_back("processes left in the test's process group; killed");
          kill(-r.sp.pid, SIGKILL);
        }
        if (int n = sweep_orphans(r.token, running))
          r.out.runner_leaks.push_back(std::to_string(n) +
                                       " process(es) that left the test's process group; killed");
      }
    }

    if (server) {
      std::vector<std::pair<pid_t, int>> ended;
      bool was_alive = server->alive();
      server->collect(&ended);
      for (const auto& [pid, st] : ended) {
        auto it = running.find(pid);
        if (it == running.end() || !it->second.via_server) continue;
        it->second.exited = true;
        it->second.exit_time = Clock::now();
      }
      if (was_alive && !server->alive()) server_gone();
      if (!server->alive()) {
        // Its children were re-parented to the runner (a subreaper) and are
        // reaped above; the reaper's closing of the result channel says a
        // test has ended even when the notice never came.
        for (auto& [pid, r] : running)
          if (r.via_server && r.eof && !r.exited) {
            r.exited = true;
            r.exit_time = Clock::now();
          }
      }
    }

    now = Clock::now();
    for (auto it = running.begin(); it != running.end();) {
      Running& r = it->second;
      if (!r.exited && !r.out.timed_out && now >= r.deadline) {
        r.out.timed_out = true;
        kill(-r.sp.pid, SIGKILL);
      }
      bool done = r.exited && (r.eof || now >= r.exit_time + kEofGrace);
      if (!done) {
        ++it;
        continue;
      }
      if (!r.eof) {
        r.out.runner_leaks.push_back(
            "a process outside the test's group kept its result channel open");
      }
      Running done_r = std::move(r);
      it = running.erase(it);
      finish(done_r);
    }
  }

  if (interrupted) {
    for (auto& [pid, r] : running) kill(-pid, SIGKILL);
    for (auto& [pid, r] : running) {
      int st;
      while (!r.via_server && waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      close(r.sp.result_fd);
      if (o.isolation == Isolation::kProcessGroup) remove_recorded_ipc(r.dir + "/ipc-created", "");
      remove_tree(r.dir);
    }
    running.clear();
    server.reset();  // it kills and reaps what it started, then exits
    // Nothing of the run may outlive the runner. The killed tests' reapers
    // and anything that left its process group were re-parented to us (the
    // subreaper): kill and reap until no child is left. A namespace's init
    // exits only after every process in it, so this also waits for those.
    for (;;) {
      for (pid_t p : own_children()) kill(p, SIGKILL);
      pid_t w = waitpid(-1, nullptr, 0);
      if (w < 0 && errno != EINTR) break;
    }
  }
  server.reset();
  // Reap anything still re-parented to us.
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  progress.clear();
  close(sfd);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  res.interrupted = interrupted;

  for (const auto* t : tests) {
    auto done = final_results.find(t->id());
    if (done == final_results.end() && per_test.count(t->id())) {
      complete(*t);  // interrupted between its runs: what did run
      done = final_results.find(t->id());
    }
    if (done == final_results.end())
      res.not_run.push_back(t->id());
    else
      res.results.push_back(std::move(done->second));
  }

  return res;
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
