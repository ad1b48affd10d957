// The --fail-kernel spec and the ptrace loop of kernel_fault_trace.h.
#include "injectors/kernel_fault_trace.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "fixtures/errno_name.h"
#include "injectors/syscall_fail.h"

namespace sigipc::kfault {

namespace {

// PTRACE_GET_SYSCALL_INFO (Linux 5.3) and its struct, spelled out here: the
// kernel ABI is fixed, and not every libc's <sys/ptrace.h> names them.
constexpr int kGetSyscallInfo = 0x420e;
constexpr std::uint8_t kOpEntry = 1;
constexpr std::uint8_t kOpExit = 2;
struct SyscallInfo {
  std::uint8_t op;
  std::uint8_t pad[3];
  std::uint32_t arch;
  std::uint64_t instruction_pointer;
  std::uint64_t stack_pointer;
  union {
    struct {
      std::uint64_t nr;
      std::uint64_t args[6];
    } entry;
    struct {
      std::int64_t rval;
      std::uint8_t is_error;
    } exit;
    std::uint64_t seccomp[8];
  };
};

[[noreturn]] void bad(const std::string& text, const std::string& what) {
  std::string msg = "bad kernel fault '" + text + "': " + what;
  for (char& c : msg)
    if (c == '\n' || c == '\r') c = ' ';
  throw Error(msg);
}

// The child side: stop for the tracer, then become the program.
[[noreturn]] void exec_traced(char* const* argv) {
  if (ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) _exit(126);
  raise(SIGSTOP);
  execvp(argv[0], argv);
  const char* msg = "sigipc inject: cannot run the program\n";
  (void)!write(STDERR_FILENO, msg, std::strlen(msg));
  _exit(127);
}

class Tracer {
 public:
  Tracer(const Spec& spec, unsigned n, pid_t child, std::string proc)
      : spec_(spec), n_(n), child_(child), proc_(std::move(proc)) {
    known_.insert(child);
    first_stop_seen_.insert(child);  // its SIGSTOP was its own raise()
  }

  // Ends every tracee (all are descendants of the caller) and reaps them.
  void kill_all() {
    for (pid_t p : known_) kill(p, SIGKILL);
    for (pid_t p : known_)
      while (waitpid(p, nullptr, __WALL) < 0 && errno == EINTR) {
      }
  }

  void run(TracedRun& r) {
    int st = 0;
    if (waitpid(child_, &st, __WALL) != child_ || !WIFSTOPPED(st))
      throw Error("the program did not stop for the tracer");
    const long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                      PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SETOPTIONS, child_, nullptr, reinterpret_cast<void*>(opts)) != 0)
      throw Error(std::string("cannot trace the program: ") + std::strerror(errno));
    resume(child_, 0);
    for (;;) {
      const pid_t p = waitpid(-1, &st, __WALL);
      if (p < 0) {
        if (errno == EINTR) continue;
        break;  // ECHILD: the whole tree has ended
      }
      step(p, st, r);
    }
  }

 private:
  void resume(pid_t p, int sig) {
    ptrace(done_ ? PTRACE_CONT : PTRACE_SYSCALL, p, nullptr, reinterpret_cast<void*>(sig));
  }

  void step(pid_t p, int st, TracedRun& r) {
    if (WIFEXITED(st) || WIFSIGNALED(st)) {
      if (p == child_) r.wait_status = st;
      if (p == armed_) done_ = true;  // died inside the call
      return;
    }
    if (!WIFSTOPPED(st)) return;
    const int sig = WSTOPSIG(st);
    if (sig == (SIGTRAP | 0x80)) {
      syscall_stop(p, r);
      resume(p, 0);
    } else if ((st >> 16) != 0) {
      const int event = st >> 16;
      unsigned long msg = 0;
      if ((event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
           event == PTRACE_EVENT_CLONE) &&
          ptrace(PTRACE_GETEVENTMSG, p, nullptr, &msg) == 0)
        known_.insert(static_cast<pid_t>(msg));
      resume(p, 0);
    } else if (first_stop_seen_.insert(p).second && sig == SIGSTOP) {
      known_.insert(p);
      resume(p, 0);  // a new tracee's first stop
    } else {
      resume(p, sig);  // a signal for the program: deliver it
    }
  }

  void syscall_stop(pid_t p, TracedRun& r) {
    if (done_) return;
    SyscallInfo info{};
    // glibc types the request as enum __ptrace_request, musl as int.
    if (ptrace(static_cast<decltype(PTRACE_CONT)>(kGetSyscallInfo), p,
               reinterpret_cast<void*>(sizeof info), &info) <= 0)
      return;
    if (info.op == kOpEntry && armed_ == 0) {
      const auto& s = spec_.syscalls;
      if (std::find(s.begin(), s.end(), static_cast<int>(info.entry.nr)) == s.end()) return;
      const std::string path =
          proc_ + "/" + std::to_string(p) + "/task/" + std::to_string(p) + "/fail-nth";
      nth_ = std::make_unique<FailNth>(path.c_str());
      if (!nth_->ok() || !nth_->arm(n_))
        throw Error("cannot arm " + path + ": " + std::strerror(nth_->open_errno()));
      armed_ = p;
      r.reached = true;
      r.tid = p;
    } else if (info.op == kOpExit && p == armed_) {
      r.fired = nth_->fired();
      r.ret = static_cast<long>(info.exit.rval);
      done_ = true;
    }
  }

  const Spec& spec_;
  const unsigned n_;
  const pid_t child_;
  const std::string proc_;
  std::set<pid_t> known_;            // every tracee
  std::set<pid_t> first_stop_seen_;  // tracees past their attach stop
  pid_t armed_ = 0;
  bool done_ = false;
  std::unique_ptr<FailNth> nth_;
};

}  // namespace

Spec parse_spec(const std::string& text) {
  Spec s;
  s.text = text;
  const std::size_t at = text.find('@');
  if (at == std::string::npos) bad(text, "expected NAME@N or NAME@all");
  s.name = text.substr(0, at);
  const std::string when = text.substr(at + 1);
  if (s.name.empty()) bad(text, "no call name before '@'");
  if (when == "all") {
    s.all = true;
  } else {
    if (when.empty() || when.size() > 9 || !std::all_of(when.begin(), when.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        }))
      bad(text, "'" + when + "' must be a fault point number from 1 or 'all'");
    s.n = static_cast<unsigned>(std::stoul(when));
    if (s.n == 0) bad(text, "fault points are counted from 1");
  }
  try {
    s.syscalls = inject::resolve_name(s.name);
  } catch (const inject::RuleError& e) {
    bad(text, e.what());
  }
  return s;
}

TracedRun run_traced(const Spec& spec, unsigned n, const std::vector<std::string>& program,
                     const std::function<void(pid_t)>& started, const std::string& proc) {
  std::vector<char*> argv;
  for (const auto& a : program) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  KernelLog log;
  const pid_t child = fork();
  if (child < 0) throw Error(std::string("fork failed: ") + std::strerror(errno));
  if (child == 0) exec_traced(argv.data());
  started(child);
  TracedRun r;
  Tracer t(spec, n, child, proc);
  try {
    t.run(r);
  } catch (...) {
    t.kill_all();
    throw;
  }
  if (r.reached) r.sites = fault_sites(log.read_new(), r.tid);
  return r;
}

std::string describe(const Spec& spec, unsigned n, const TracedRun& r) {
  std::string s = spec.name + "@" + std::to_string(n) + ": ";
  if (!r.reached) return s + "the program never called " + spec.name;
  if (r.fired < 0)
    s += "fail-nth unreadable";
  else if (r.fired)
    s += "fault fired";
  else
    s += "no fault (the call reached fewer fault points)";
  s += ", " + spec.name + " returned ";
  if (r.ret < 0 && r.ret >= -4095) {
    const char* en = errno_name(static_cast<int>(-r.ret));
    s += "-1 " + (en ? std::string(en) : std::to_string(-r.ret));
  } else {
    s += std::to_string(r.ret);
  }
  if (!r.sites.empty()) {
    s += " (site";
    for (const auto& x : r.sites) s += " " + x;
    s += ")";
  }
  return s;
}

}  // namespace sigipc::kfault
