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
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "fixtures/result_channel.h"
#include "injectors/signal_injector.h"
#include "injectors/syscall_fail.h"
#include "runner/commands.h"
#include "runner/spawn.h"

namespace sigipc {

namespace {

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

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
  std::uint64_t seed = 0;
  bool seed_set = false;
  std::vector<std::string> signals;
  double rate = 0;
  std::string via;
  std::string log_file;
  bool quiet = false;
  std::vector<std::string> program;
};

int run(const Options& o) {
  std::vector<inject::FailRule> rules;
  for (const auto& r : o.fail) {
    try {
      rules.push_back(inject::parse_fail_rule(r));
    } catch (const inject::RuleError& e) {
      throw Usage(std::string("--fail: ") + e.what());
    }
  }
  const std::uint64_t seed = o.seed_set ? o.seed : std::random_device{}() % 1000000000ULL;

  std::unique_ptr<inject::SignalPlan> plan;
  if (!o.signals.empty()) {
    plan = std::make_unique<inject::SignalPlan>();
    try {
      for (const auto& s : o.signals) plan->signals.push_back(inject::parse_signal(s));
      if (o.rate != 0) plan->rate_hz = o.rate;
      // The injector's timer delivery arms POSIX timers of the calling
      // process, which cannot signal the program inject starts: only the
      // four ways that reach another process are offered.
      if (!o.via.empty()) {
        std::string v;
        for (char c : o.via) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (v != "kill" && v != "tgkill" && v != "sigqueue" && v != "pidfd")
          throw inject::PlanError(
              "bad --via '" + o.via + "': expected kill, tgkill, sigqueue or pidfd" +
              (v == "timer" ? " (timer signals come from the target's own timers; "
                              "inject cannot arm them in another process)"
                            : ""));
        plan->via = inject::parse_via(o.via);
      }
      plan->seed = seed;
      inject::validate(*plan);
    } catch (const inject::PlanError& e) {
      throw Usage(e.what());
    }
  } else if (o.rate != 0) {
    throw Usage("--rate needs --signal");
  } else if (!o.via.empty()) {
    throw Usage("--via needs --signal");
  }
  if (o.program.empty()) throw Usage("no program: sigipc inject [OPTIONS] -- PROGRAM [ARGS...]");
  if (!program_exists(o.program[0]))
    throw Usage("program '" + o.program[0] + "' not found or not executable");

  FILE* log = nullptr;
  if (!o.log_file.empty()) {
    log = std::fopen(o.log_file.c_str(), "we");
    if (!log) throw Usage("cannot write --log " + o.log_file + ": " + std::strerror(errno));
  }
  struct CloseLog {
    FILE* f;
    ~CloseLog() {
      if (f) std::fclose(f);
    }
  } close_log{log};

  std::unique_ptr<inject::FailureInjector> inj;
  if (!rules.empty()) {
    try {
      inj = std::make_unique<inject::FailureInjector>(rules, seed, /*supervise_all=*/true);
    } catch (const std::runtime_error& e) {
      throw Usage(std::string("--fail: ") + e.what());
    }
  }

  struct sigaction sa {};
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &sa, nullptr);

  std::vector<char*> argv = exec_array(o.program);
  // Closed by a successful exec: signals go to the program, never to the
  // forked copy of the CLI that precedes it.
  int execd[2];
  if (pipe2(execd, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  auto exec_program = [&argv, &execd] {
    execvp(argv[0], argv.data());
    int e = errno;
    SafeBuf b;
    b.str("sigipc inject: cannot run ").str(argv[0]).str(": ").errno_text(e).str("\n");
    (void)!write(STDERR_FILENO, b.c_str(), b.size());
    (void)!write(execd[1], &e, sizeof e);
    child_exit(127);
  };

  pid_t pid;
  int nfd = -1;
  if (inj) {
    pid = inj->spawn(exec_program, &nfd);
  } else {
    pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) exec_program();
  }

  std::thread sup;
  int stop[2] = {-1, -1};
  if (nfd >= 0) {
    if (pipe2(stop, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    sup = std::thread([&inj, nfd, &stop] {
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_BLOCK, &all, nullptr);
      try {
        inj->supervise(nfd, stop[0]);
      } catch (const std::exception& e) {
        // The fd is closed: the program's notified calls now fail with ENOSYS.
        std::fprintf(stderr, "sigipc inject: error: supervisor: %s\n", e.what());
      }
    });
  }
  // After the supervisor starts: the child's calls before exec may be notified.
  close(execd[1]);
  int exec_errno = 0;
  while (read(execd[0], &exec_errno, sizeof exec_errno) < 0 && errno == EINTR) {
  }
  close(execd[0]);
  // Forwarded from now on: before the exec the child still ran the CLI's
  // handlers, and a signal caught there would be lost at the exec.
  g_target = pid;
  if (const int sig = g_pending) kill(pid, sig);
  std::unique_ptr<inject::SignalInjector> sender;
  if (plan && exec_errno == 0) {
    sender = std::make_unique<inject::SignalInjector>(*plan);
    sender->start(pid);
  }

  // Wait without reaping: the sender must stop while the pid still names
  // our zombie child, never a recycled process.
  siginfo_t si{};
  while (waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  inject::SignalCounts counts;
  if (sender) counts = sender->stop();
  g_target = 0;
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (sup.joinable()) {
    char c = 1;
    while (write(stop[1], &c, 1) < 0 && errno == EINTR) {
    }
    sup.join();
    close(stop[0]);
    close(stop[1]);
  }

  std::string summary = "sigipc inject: ";
  std::size_t total = inj ? inj->log().size() : 0;
  summary += std::to_string(total) + (total == 1 ? " failure" : " failures") + " injected";
  if (inj) {
    auto per = inj->failures_per_rule();
    summary += " (";
    for (std::size_t i = 0; i < per.size(); ++i)
      summary += (i ? ", " : "") + inj->rules()[i].text + ": " + std::to_string(per[i]);
    summary += ")";
  }
  summary += ", seed " + std::to_string(seed);
  if (inj && inj->interrupted_answers() > 0)
    summary += ", " + std::to_string(inj->interrupted_answers()) +
               " interrupted calls answered again on restart";
  if (sender) summary += "; " + inject::describe(counts);
  summary += "\n";

  if (inj) {
    for (const auto& f : inj->log()) {
      const std::string line = inject::describe(f) + "\n";
      if (log)
        std::fputs(line.c_str(), log);
      else if (!o.quiet)
        std::fputs(line.c_str(), stderr);
    }
  }
  if (log) std::fputs(summary.c_str(), log);
  if (!o.quiet) std::fputs(summary.c_str(), stderr);

  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 1;
}

}  // namespace

int inject_main(int argc, char** argv) {
  Options o;
  int dashdash = argc;
  for (int i = 2; i < argc; ++i)
    if (std::strcmp(argv[i], "--") == 0) {
      dashdash = i;
      break;
    }
  for (int i = dashdash + 1; i < argc; ++i) o.program.push_back(argv[i]);

  CLI::App app{"Run PROGRAM with injected syscall failures and signals"};
  app.name("sigipc inject");
  app.footer(
      "RULE: NAME[(aI OP V,...)]=ERRNO[@N|@N+|@*N|%P]  e.g. openat=ENOENT, mq_send=EAGAIN@3,\n"
      "      read(a0==0)=EINTR@*10, getppid=EPERM%0.25 (see injectors/syscall_fail.h)\n"
      "Usage: sigipc inject [OPTIONS] -- PROGRAM [ARGS...]");
  app.add_option("--fail", o.fail, "Failure rule (repeatable)");
  app.add_option("--seed", o.seed,
                 "Seed for %P rules and the signal schedule (default: random, printed)");
  app.add_option("--signal", o.signals,
                 "Signal to send to the program (repeatable): USR1, SIGRTMIN+3, 10");
  app.add_option("--rate", o.rate, "Mean signals per second (needs --signal)");
  app.add_option("--via", o.via,
                 "How signals are sent: kill, tgkill, sigqueue or pidfd (default: kill)");
  app.add_option("--log", o.log_file,
                 "Write one line per injected failure and the summary to FILE");
  app.add_flag("--quiet", o.quiet, "Print nothing on stderr (the --log file is still written)");
  try {
    // argv[1] ("inject") stands in for the program name.
    app.parse(dashdash - 1, argv + 1);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "sigipc inject: %s (see: sigipc inject --help)\n", e.what());
    return 2;
  }
  o.seed_set = app.count("--seed") > 0;
  if (dashdash == argc) {
    std::fprintf(stderr,
                 "sigipc inject: no '--' before the program: sigipc inject [OPTIONS] -- PROGRAM "
                 "[ARGS...]\n");
    return 2;
  }
  try {
    return run(o);
  } catch (const Usage& e) {
    std::fprintf(stderr, "sigipc inject: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigipc inject: error: %s\n", e.what());
    return 1;
  }
}

}  // namespace sigipc
