// FailureInjector: the filter (built in the calling process, loaded in the
// target), the handoff of the notification fd, the supervisor loop, and the
// probes. Decisions live in notify_decider.cc.
#include "injectors/syscall_fail.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <map>
#include <new>
#include <thread>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "injectors/notify_decider.h"
#include "injectors/supervisor_thread.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace sigipc::inject {

struct FailureInjector::Impl {
  std::vector<FailRule> rules;
  std::uint64_t seed = 0;
  bool notify = false;
  std::vector<sock_filter> bpf;
  std::map<int, std::string> names;
  std::vector<InjectedFailure> log;
  std::vector<std::uint64_t> per_rule;
  std::uint64_t interrupted = 0;
};

namespace {

std::string err_text(int e) { return ErrnoText(e); }

std::vector<scmp_arg_cmp> conditions(const FailRule& r) {
  std::vector<scmp_arg_cmp> out;
  for (const auto& f : r.args) {
    scmp_arg_cmp c{};
    c.arg = f.index;
    c.datum_a = f.value;
    switch (f.op) {
      case ArgFilter::Op::kEq:
        c.op = SCMP_CMP_EQ;
        break;
      case ArgFilter::Op::kNe:
        c.op = SCMP_CMP_NE;
        break;
      case ArgFilter::Op::kLt:
        c.op = SCMP_CMP_LT;
        break;
      case ArgFilter::Op::kLe:
        c.op = SCMP_CMP_LE;
        break;
      case ArgFilter::Op::kGt:
        c.op = SCMP_CMP_GT;
        break;
      case ArgFilter::Op::kGe:
        c.op = SCMP_CMP_GE;
        break;
      case ArgFilter::Op::kMaskedEq:
        c.op = SCMP_CMP_MASKED_EQ;
        c.datum_a = f.mask;
        c.datum_b = f.value;
        break;
    }
    out.push_back(c);
  }
  return out;
}

struct CtxGuard {
  scmp_filter_ctx ctx;
  ~CtxGuard() { seccomp_release(ctx); }
};

void add_rule(scmp_filter_ctx ctx, std::uint32_t action, int nr, const FailRule& r) {
  auto cmps = conditions(r);
  int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(cmps.size()),
                                  cmps.empty() ? nullptr : cmps.data());
  if (rc < 0)
    throw std::runtime_error("rule '" + r.text + "': libseccomp refused it: " + err_text(-rc));
}

// The BPF program libseccomp generates, read back through a memfd, so the
// target loads it with one seccomp() call and nothing else.
std::vector<sock_filter> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd mem(static_cast<int>(syscall(SYS_memfd_create, "sigipc-bpf", MFD_CLOEXEC)));
  if (!mem) throw std::runtime_error("memfd_create failed: " + err_text(errno));
  int rc = seccomp_export_bpf(ctx, mem.get());
  if (rc < 0) throw std::runtime_error("seccomp_export_bpf failed: " + err_text(-rc));
  struct stat st {};
  if (fstat(mem.get(), &st) != 0) throw std::runtime_error("fstat of the BPF memfd failed");
  std::vector<sock_filter> prog(static_cast<std::size_t>(st.st_size) / sizeof(sock_filter));
  std::size_t want = prog.size() * sizeof(sock_filter), got = 0;
  while (got < want) {
    ssize_t n = pread(mem.get(), reinterpret_cast<char*>(prog.data()) + got, want - got,
                      static_cast<off_t>(got));
    if (n <= 0) throw std::runtime_error("reading the BPF program back failed");
    got += static_cast<std::size_t>(n);
  }
  return prog;
}

// What the target writes to the page it shares with spawn()'s caller: the
// listener fd, kNoListener, or kFailedBase - errno.
constexpr int kPending = INT_MIN;
constexpr int kNoListener = -1;
constexpr int kFailedBase = -100;
struct Handoff {
  std::atomic<int> result{kPending};
  std::atomic<int> taken{0};  // 1: the caller holds the fd; 2: the handoff failed
};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

FailureInjector::FailureInjector(std::vector<FailRule> rules, std::uint64_t seed,
                                 bool supervise_all)
    : impl_(std::make_unique<Impl>()) {
  impl_->rules = std::move(rules);
  impl_->seed = seed;
  impl_->per_rule.assign(impl_->rules.size(), 0);

  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) throw std::runtime_error("seccomp_init failed");
  CtxGuard guard{ctx};
  // Calls through another ABI (int 0x80 on x86_64) pass untouched instead of
  // killing the target.
  seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);

  std::map<int, std::vector<std::size_t>> by_nr;
  for (std::size_t i = 0; i < impl_->rules.size(); ++i)
    for (int nr : impl_->rules[i].syscalls) {
      auto& v = by_nr[nr];
      if (v.empty() || v.back() != i) v.push_back(i);
    }
  for (const auto& [nr, idx] : by_nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    impl_->names[nr] = name ? name : std::to_string(nr);
    free(name);
    // A lone "every call" rule is answered by the kernel. Anything counted,
    // or several rules on one syscall, goes to the supervisor, which applies
    // the rules in the order given (the kernel's choice between overlapping
    // rules would not follow that order).
    if (!supervise_all && idx.size() == 1 && impl_->rules[idx[0]].when == When::kAlways) {
      const FailRule& r = impl_->rules[idx[0]];
      add_rule(ctx, SCMP_ACT_ERRNO(static_cast<std::uint32_t>(r.error)), nr, r);
      continue;
    }
    impl_->notify = true;
    bool unconditional = false;
    for (std::size_t i : idx) unconditional = unconditional || impl_->rules[i].args.empty();
    if (unconditional) {
      int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
      if (rc < 0)
        throw std::runtime_error("libseccomp refused a notify rule on " + impl_->names[nr] + ": " +
                                 err_text(-rc));
    } else {
      for (std::size_t i : idx) add_rule(ctx, SCMP_ACT_NOTIFY, nr, impl_->rules[i]);
    }
  }
  impl_->bpf = export_bpf(ctx);
}

FailureInjector::~FailureInjector() = default;

bool FailureInjector::needs_supervisor() const { return impl_->notify; }

const std::vector<InjectedFailure>& FailureInjector::log() const { return impl_->log; }
std::vector<std::uint64_t> FailureInjector::failures_per_rule() const { return impl_->per_rule; }
const std::vector<FailRule>& FailureInjector::rules() const { return impl_->rules; }
std::uint64_t FailureInjector::interrupted_answers() const { return impl_->interrupted; }

int FailureInjector::install() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    throw std::runtime_error("prctl(PR_SET_NO_NEW_PRIVS) failed: " + err_text(errno));
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(impl_->bpf.size());
  prog.filter = impl_->bpf.data();
  unsigned flags = impl_->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  // Once the supervisor has read a notification, the target waits for the
  // answer killably, not interruptibly (Linux 5.19+). Without the flag a
  // signal can wake the target between our answer and its delivery: the
  // answer is dropped although respond() succeeded, the call restarts and
  // is notified again, and it is counted twice (seen here: 4 of 200000
  // getppid calls under a 50 kHz SIGUSR1 storm). Older kernels reject the
  // flag with EINVAL; there only the ENOENT rule (notify_decider.h) applies.
  if (impl_->notify) flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  // From the moment this returns, every call of the target is filtered.
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
    flags &= ~static_cast<unsigned>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  }
  if (rc < 0) {
    const int e = errno;
    std::runtime_error err("loading the seccomp filter failed: " + err_text(e));
    errno = e;
    throw err;
  }
  return impl_->notify ? static_cast<int>(rc) : -1;
}

pid_t FailureInjector::spawn(const std::function<void()>& in_child, int* notify_fd) {
  *notify_fd = -1;
  void* mem =
      mmap(nullptr, sizeof(Handoff), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    throw std::runtime_error("mmap of the handoff page failed: " + err_text(errno));
  Handoff* h = new (mem) Handoff;
  struct Unmap {
    void* p;
    ~Unmap() { munmap(p, sizeof(Handoff)); }
  } unmap{mem};

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + err_text(errno));
  if (pid == 0) {
    // A target whose supervisor is gone would wait forever in a notified call.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) child_exit(kChildSetupErrorExit);
    int lfd;
    try {
      lfd = install();
    } catch (const std::exception& e) {
      int saved = errno;
      // The caller learns of the failure through the handoff page and
      // decides (a probe turns it into UNSUPPORTED): no error record here.
      (void)e;
      h->result.store(kFailedBase - (saved ? saved : EINVAL), std::memory_order_release);
      child_exit(kChildSetupErrorExit);
    }
    h->result.store(lfd, std::memory_order_release);
    if (lfd >= 0) {
      // No syscall until the caller holds the listener: a notified call here
      // would be counted against the rules, or wait for a supervisor that
      // cannot exist yet.
      int t;
      while ((t = h->taken.load(std::memory_order_acquire)) == 0) cpu_relax();
      if (t != 1) child_exit(kChildSetupErrorExit);
    }
    run_body_and_exit(in_child);
  }

  auto fail = [&](const std::string& what) -> pid_t {
    h->taken.store(2, std::memory_order_release);
    kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    throw std::runtime_error(what);
  };
  const auto start = std::chrono::steady_clock::now();
  int r;
  unsigned spins = 0;
  while ((r = h->result.load(std::memory_order_acquire)) == kPending) {
    if (++spins % 64 == 0) {
      char st = process_state(pid);
      if (st == 0 || st == 'Z' || st == 'X') break;
      // A safety net: loading a filter takes microseconds.
      if (std::chrono::steady_clock::now() - start > std::chrono::seconds(30))
        return fail("the target did not load its seccomp filter within 30 s");
    }
    sched_yield();
  }
  r = h->result.load(std::memory_order_acquire);
  if (r == kPending) return fail("the target died before loading its seccomp filter");
  if (r <= kFailedBase)
    return fail("loading the seccomp filter failed: " + err_text(kFailedBase - r));
  if (r == kNoListener) return pid;

  // __NR_ names: glibc 2.31's SYS_ list predates pidfd_getfd (the kernel's
  // <asm/unistd.h> has it).
  int pidfd = static_cast<int>(syscall(__NR_pidfd_open, pid, 0));
  if (pidfd < 0) return fail("pidfd_open failed: " + err_text(errno));
  int fd = static_cast<int>(syscall(__NR_pidfd_getfd, pidfd, r, 0));
  int saved = errno;
  close(pidfd);
  if (fd < 0) return fail("pidfd_getfd of the notification fd failed: " + err_text(saved));
  h->taken.store(1, std::memory_order_release);
  *notify_fd = fd;
  return pid;
}

void FailureInjector::supervise(int fd, int stop_fd) {
  UniqueFd owned(fd);
  seccomp_notif_sizes sizes{};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
    throw std::runtime_error("SECCOMP_GET_NOTIF_SIZES failed: " + err_text(errno));
  seccomp_notif* req = nullptr;
  seccomp_notif_resp* resp = nullptr;
  if (seccomp_notify_alloc(&req, &resp) != 0)
    throw std::runtime_error("seccomp_notify_alloc failed");
  struct Free {
    seccomp_notif* q;
    seccomp_notif_resp* s;
    ~Free() { seccomp_notify_free(q, s); }
  } free_guard{req, resp};

  detail::NotifyDecider decider(impl_->rules, impl_->seed);
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int n = poll(p, stop_fd >= 0 ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (stop_fd >= 0 && p[1].revents) break;
    if (!(p[0].revents & POLLIN)) {
      // POLLHUP: no process uses the filter any more.
      if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) break;
      continue;
    }
    std::memset(req, 0, sizes.seccomp_notif);
    if (seccomp_notify_receive(fd, req) != 0) {
      // ENOENT: the caller was interrupted or died before we read it.
      if (errno == ENOENT || errno == EINTR) continue;
      break;
    }
    detail::Call c;
    c.tid = static_cast<pid_t>(req->pid);
    c.nr = req->data.nr;
    for (int i = 0; i < 6; ++i) c.args[i] = req->data.args[i];
    const detail::Decision d = decider.decide(c);

    std::memset(resp, 0, sizes.seccomp_notif_resp);
    resp->id = req->id;
    if (d.rule >= 0) {
      resp->error = -d.error;
    } else {
      // The notification may have been cancelled since it was read.
      if (seccomp_notify_id_valid(fd, req->id) != 0) {
        decider.cancelled(c, d);
        ++impl_->interrupted;
        continue;
      }
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    }
    if (seccomp_notify_respond(fd, resp) != 0) {
      // ENOENT: interrupted by a signal; under SA_RESTART it comes again.
      if (errno == ENOENT) {
        decider.cancelled(c, d);
        ++impl_->interrupted;
      }
      continue;
    }
    if (d.rule >= 0) {
      InjectedFailure f;
      f.rule = impl_->rules[static_cast<std::size_t>(d.rule)].text;
      auto it = impl_->names.find(c.nr);
      f.syscall = it != impl_->names.end() ? it->second : std::to_string(c.nr);
      f.call = d.call;
      f.tid = c.tid;
      f.error = d.error;
      impl_->log.push_back(f);
      ++impl_->per_rule[static_cast<std::size_t>(d.rule)];
    }
  }
}

InjectionRun run_with_failures(const std::vector<std::string>& rules, std::uint64_t seed,
                               const std::function<void()>& body) {
  std::vector<FailRule> parsed;
  for (const auto& r : rules) parsed.push_back(parse_fail_rule(r));
  FailureInjector inj(std::move(parsed), seed);
  int nfd = -1;
  const pid_t pid = inj.spawn(body, &nfd);
  std::unique_ptr<SupervisorThread> sup;
  try {
    sup = std::make_unique<SupervisorThread>(inj, nfd, [](const std::string& why) {
      emit("error", ("syscall-failure supervisor: " + why).c_str());
    });
  } catch (...) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    throw;
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  sup->stop();
  return InjectionRun{st, inj.log()};
}

namespace {

bool probe(const char* rule, std::string* why) {
  try {
    auto run = run_with_failures({rule}, 0, [] {
      errno = 0;
      // glibc's getppid() returns the raw value: only syscall() sets errno.
      long r = syscall(SYS_getppid);
      _exit(r == -1 && errno == EPERM ? 0 : 1);
    });
    if (WIFEXITED(run.wait_status) && WEXITSTATUS(run.wait_status) == 0) return true;
    if (why)
      *why = std::string("a filter with '") + rule + "' did not make getppid() fail with EPERM";
    return false;
  } catch (const std::exception& e) {
    if (why) *why = e.what();
    return false;
  }
}

}  // namespace

bool filters_available(std::string* why) { return probe("getppid=EPERM", why); }
bool notify_available(std::string* why) { return probe("getppid=EPERM@1", why); }

}  // namespace sigipc::inject
