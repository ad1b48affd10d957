// sigipc inject [--fail RULE]... [--seed N] [--signal SIG]... [--rate HZ]
//               [--via kill|tgkill|sigqueue|pidfd] [--log FILE] [--quiet]
//               -- PROGRAM ARGS...
// Runs PROGRAM in a forked child that holds the failure filter (the CLI
// itself never does: a filter cannot be removed, docs/DESIGN.md section 5), answers
// its notified calls from a supervisor thread, sends it signals with the
// signal injector, and exits with the program's status (128+N when a signal
// N killed it, as a shell does).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "injectors/signal_injector.h"
#include "injectors/supervisor_thread.h"
#include "injectors/syscall_fail.h"
#include "runner/commands.h"
#include "runner/inject_kernel.h"
#include "runner/spawn.h"

namespace sigipc {

namespace {

volatile sig_atomic_t g_target = 0;
volatile sig_atomic_t g_pending = 0;  // arrived before the program's pid was known

// SIGINT, SIGTERM and SIGHUP sent to the CLI are meant for the program.
void forward(int sig) {
  const pid_t t = g_target;
  if (t > 0)
    kill(t, sig);
  else
    g_pending = sig;
}

void install_forwarding() {
  struct sigaction sa {};
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &sa, nullptr);
}

// execvp's lookup, done before forking so a missing program is a usage error.
bool program_exists(const std::string& prog) {
  if (prog.find('/') != std::string::npos) return access(prog.c_str(), X_OK) == 0;
  const char* path = getenv("PATH");
  std::string p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = p.find(':', start);
    std::string dir =
        p.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (dir.empty()) dir = ".";
    std::string full = dir + "/" + prog;
    struct stat st {};
    if (stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(full.c_str(), X_OK) == 0)
      return true;
    if (colon == std::string::npos) return false;
    start = colon + 1;
  }
}

struct Options {
  std::vector<std::string> fail;
  std::string fail_kernel;
  std::uint64_t seed = 0;
  bool seed_set = false;
  std::vector<std::string> signals;
  double rate = 0;
  std::string via;
  std::string log_file;
  bool quiet = false;
  std::vector<std::string> program;
};

std::vector<inject::FailRule> parse_rules(const std::vector<std::string>& texts) {
  std::vector<inject::FailRule> rules;
  for (const auto& r : texts) {
    try {
      rules.push_back(inject::parse_fail_rule(r));
    } catch (const inject::RuleError& e) {
      throw UsageError(std::string("--fail: ") + e.what());
    }
  }
  return rules;
}

// The injector's timer delivery arms POSIX timers of the calling process,
// which cannot signal the program inject starts: only the four ways that
// reach another process are offered.
inject::Via parse_inject_via(const std::string& via) {
  std::string v;
  for (char c : via) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v != "kill" && v != "tgkill" && v != "sigqueue" && v != "pidfd")
    throw inject::PlanError("bad --via '" + via + "': expected kill, tgkill, sigqueue or pidfd" +
                            (v == "timer" ? " (timer signals come from the target's own timers; "
                                            "inject cannot arm them in another process)"
                                          : ""));
  return inject::parse_via(via);
}

// The signal plan of --signal, --rate and --via; null without --signal.
std::unique_ptr<inject::SignalPlan> make_plan(const Options& o, std::uint64_t seed) {
  if (o.signals.empty()) {
    if (o.rate != 0) throw UsageError("--rate needs --signal");
    if (!o.via.empty()) throw UsageError("--via needs --signal");
    return nullptr;
  }
  auto plan = std::make_unique<inject::SignalPlan>();
  try {
    for (const auto& s : o.signals) plan->signals.push_back(inject::parse_signal(s));
    if (o.rate != 0) plan->rate_hz = o.rate;
    if (!o.via.empty()) plan->via = parse_inject_via(o.via);
    plan->seed = seed;
    inject::validate(*plan);
  } catch (const inject::PlanError& e) {
    throw UsageError(e.what());
  }
  return plan;
}

struct CloseFile {
  void operator()(FILE* f) const { std::fclose(f); }
};
using LogFile = std::unique_ptr<FILE, CloseFile>;

LogFile open_log(const std::string& path) {
  if (path.empty()) return nullptr;
  LogFile log(std::fopen(path.c_str(), "we"));
  if (!log) throw UsageError("cannot write --log " + path + ": " + std::strerror(errno));
  return log;
}

std::unique_ptr<inject::FailureInjector> make_injector(std::vector<inject::FailRule> rules,
                                                       std::uint64_t seed) {
  if (rules.empty()) return nullptr;
  try {
    return std::make_unique<inject::FailureInjector>(std::move(rules), seed,
                                                     /*supervise_all=*/true);
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--fail: ") + e.what());
  }
}

// The program in a forked child (holding the filter, with an injector);
// its exec closes *execd, or reports its errno there.
pid_t fork_program(const std::vector<std::string>& program, inject::FailureInjector* inj,
                   int* notify_fd, UniqueFd* execd) {
  install_forwarding();

  std::vector<char*> argv = exec_array(program);
  // Closed by a successful exec: signals go to the program, never to the
  // forked copy of the CLI that precedes it.
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  execd->reset(p[0]);
  UniqueFd wr(p[1]);
  auto exec_program = [&argv, w = p[1]] {
    execvp(argv[0], argv.data());
    int e = errno;
    SafeBuf b;
    b.str("sigipc inject: cannot run ").str(argv[0]).str(": ").errno_text(e).str("\n");
    (void)!write(STDERR_FILENO, b.c_str(), b.size());
    (void)!write(w, &e, sizeof e);
    child_exit(127);
  };
  *notify_fd = -1;
  if (inj) return inj->spawn(exec_program, notify_fd);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) exec_program();
  return pid;
}

// 0 once the program was exec'd, else the exec's errno.
int wait_for_exec(UniqueFd& execd) {
  int exec_errno = 0;
  while (read(execd.get(), &exec_errno, sizeof exec_errno) < 0 && errno == EINTR) {
  }
  execd.reset();
  return exec_errno;
}

// Waits for the program to end; stops the sender while the pid still names
// our zombie child, never a recycled process. Returns its wait status.
int wait_program(pid_t pid, inject::SignalInjector* sender, inject::SignalCounts* counts) {
  siginfo_t si{};
  while (waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  if (sender) *counts = sender->stop();
  g_target = 0;
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return st;
}

std::string summary(const inject::FailureInjector* inj, std::uint64_t seed,
                    const inject::SignalInjector* sender, const inject::SignalCounts& counts) {
  std::string s = "sigipc inject: ";
  std::size_t total = inj ? inj->log().size() : 0;
  s += std::to_string(total) + (total == 1 ? " failure" : " failures") + " injected";
  if (inj) {
    auto per = inj->failures_per_rule();
    s += " (";
    for (std::size_t i = 0; i < per.size(); ++i)
      s += (i ? ", " : "") + inj->rules()[i].text + ": " + std::to_string(per[i]);
    s += ")";
  }
  s += ", seed " + std::to_string(seed);
  if (inj && inj->interrupted_answers() > 0)
    s += ", " + std::to_string(inj->interrupted_answers()) +
         " interrupted calls answered again on restart";
  if (sender) s += "; " + inject::describe(counts);
  return s + "\n";
}

// One line per injected failure (to the --log file, else stderr), then the
// summary.
void report(const Options& o, FILE* log, const inject::FailureInjector* inj,
            const std::string& summary_line) {
  if (inj) {
    for (const auto& f : inj->log()) {
      const std::string line = inject::describe(f) + "\n";
      if (log)
        std::fputs(line.c_str(), log);
      else if (!o.quiet)
        std::fputs(line.c_str(), stderr);
    }
  }
  if (log) std::fputs(summary_line.c_str(), log);
  if (!o.quiet) std::fputs(summary_line.c_str(), stderr);
}

// --fail-kernel runs the program under its own tracer, alone.
int run_fail_kernel(const Options& o, FILE* log) {
  install_forwarding();
  return run_kernel_fault(o.fail_kernel, o.program, o.quiet, log, [](pid_t pid) {
    g_target = pid;
    if (const int sig = g_pending) kill(pid, sig);
  });
}

int run(const Options& o) {
  if (!o.fail_kernel.empty()) {
    if (!o.fail.empty() || !o.signals.empty())
      throw UsageError("--fail-kernel cannot be combined with --fail or --signal");
    check_kernel_fault_spec(o.fail_kernel);
  }
  auto rules = parse_rules(o.fail);
  const std::uint64_t seed = o.seed_set ? o.seed : std::random_device{}() % 1000000000ULL;
  auto plan = make_plan(o, seed);
  if (o.program.empty())
    throw UsageError("no program: sigipc inject [OPTIONS] -- PROGRAM [ARGS...]");
  if (!program_exists(o.program[0]))
    throw UsageError("program '" + o.program[0] + "' not found or not executable");
  LogFile log = open_log(o.log_file);
  if (!o.fail_kernel.empty()) return run_fail_kernel(o, log.get());
  auto inj = make_injector(std::move(rules), seed);

  int nfd = -1;
  UniqueFd execd;
  const pid_t pid = fork_program(o.program, inj.get(), &nfd, &execd);
  std::optional<inject::SupervisorThread> sup;
  if (inj)
    sup.emplace(*inj, nfd, [](const std::string& why) {
      std::fprintf(stderr, "sigipc inject: error: supervisor: %s\n", why.c_str());
    });
  // After the supervisor starts: the child's calls before exec may be notified.
  const int exec_errno = wait_for_exec(execd);
  // Forwarded from now on: before the exec the child still ran the CLI's
  // handlers, and a signal caught there would be lost at the exec.
  g_target = pid;
  if (const int sig = g_pending) kill(pid, sig);
  std::unique_ptr<inject::SignalInjector> sender;
  if (plan && exec_errno == 0) {
    sender = std::make_unique<inject::SignalInjector>(*plan);
    sender->start(pid);
  }
  inject::SignalCounts counts;
  const int st = wait_program(pid, sender.get(), &counts);
  if (sup) sup->stop();
  report(o, log.get(), inj.get(), summary(inj.get(), seed, sender.get(), counts));
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 1;
}

}  // namespace

CommandAction add_inject_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("inject", "Run PROGRAM with injected syscall failures and signals");
  cmd->footer(
      "RULE: NAME[(aI OP V,...)]=ERRNO[@N|@N+|@*N|%P]  e.g. openat=ENOENT, mq_send=EAGAIN@3,\n"
      "      read(a0==0)=EINTR@*10, getppid=EPERM%0.25 (see injectors/syscall_fail.h)\n"
      "Usage: sigipc inject [OPTIONS] -- PROGRAM [ARGS...]");
  auto o = std::make_shared<Options>();
  cmd->add_option("--fail", o->fail, "Failure rule (repeatable)");
  cmd->add_option("--fail-kernel", o->fail_kernel,
                  "Fail kernel fault point N of the program's first NAME call: NAME@N or "
                  "NAME@all (needs a fail-nth kernel; exit 77 without)");
  auto* seed = cmd->add_option(
      "--seed", o->seed, "Seed for %P rules and the signal schedule (default: random, printed)");
  cmd->add_option("--signal", o->signals,
                  "Signal to send to the program (repeatable): USR1, SIGRTMIN+3, 10");
  cmd->add_option("--rate", o->rate, "Mean signals per second (needs --signal)");
  cmd->add_option("--via", o->via,
                  "How signals are sent: kill, tgkill, sigqueue or pidfd (default: kill)");
  cmd->add_option("--log", o->log_file,
                  "Write one line per injected failure and the summary to FILE");
  cmd->add_flag("--quiet", o->quiet, "Print nothing on stderr (the --log file is still written)");
  return [o, seed](const CommandLine& cl) {
    if (!cl.dashdash)
      throw UsageError("no '--' before the program: sigipc inject [OPTIONS] -- PROGRAM [ARGS...]");
    o->seed_set = seed->count() > 0;
    o->program = cl.program;
    return run(*o);
  };
}

}  // namespace sigipc
