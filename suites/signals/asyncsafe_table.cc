// The engine of the async-signal-safety table (asyncsafe_table.h): the
// per-side scratch objects, the two phases of a row and the ending rows.
#include "suites/signals/asyncsafe_table.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/io.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"
#include "injectors/signal_injector.h"
#include "suites/signals/wait_helpers.h"

namespace sigipc {
namespace asyncsafe_table {

Scratch g_scratch[kSides];
volatile sig_atomic_t g_deliveries = 0;

namespace {

// A phase ends once kWantInside handlers landed inside a call, or after
// kPhaseNs with at least one, or after kPhaseMaxNs: enough evidence while the
// ~190 rows stay within the suite's time budget. On a loaded machine the
// target waits for a CPU while sends pile up, and a pending standard signal
// is delivered once (the sends coalesce), hence the longer bound.
constexpr int kWantInside = 4;
constexpr long long kPhaseNs = 15000000LL;
constexpr long long kPhaseMaxNs = 250000000LL;
int g_want_inside = kWantInside;
long long g_phase_max_ns = kPhaseMaxNs;
// Far below the livelock rate (docs/DESIGN.md section 5) and fast enough
// that a 15 ms phase sees hundreds of signals.
constexpr double kRateHz = 20000;

std::uint64_t row_seed(const char* function) {
  const char* s = getenv(kEnvSeed);
  std::uint64_t seed = s && *s ? std::strtoull(s, nullptr, 10) : 20261207;
  for (const char* p = function; *p; ++p) seed = seed * 131 + static_cast<unsigned char>(*p);
  return seed;
}

struct Tally {
  volatile sig_atomic_t inside;       // the main flow is inside a call
  volatile sig_atomic_t runs;         // handler runs
  volatile sig_atomic_t landed;       // ... of which interrupted a call
  volatile sig_atomic_t failures;     // ... of which the op went wrong
  volatile sig_atomic_t first_errno;  // errno the first failing op left (0: none)
};
Tally g_tally[2];  // per phase
volatile sig_atomic_t g_phase = 0;
// Set before the injector is stopped: a handler that starts then skips the
// op, since an op that waits for the next signal would wait for ever.
volatile sig_atomic_t g_stopping = 0;
Op g_op = nullptr;

void on_row_signal(int) {
  const int saved = errno;
  g_deliveries = g_deliveries + 1;
  if (g_stopping) return;
  Tally& t = g_tally[g_phase];
  t.runs = t.runs + 1;
  if (t.inside) t.landed = t.landed + 1;
  errno = 0;
  if (!g_op(kHandler)) {
    if (t.failures == 0) t.first_errno = errno;
    t.failures = t.failures + 1;
  }
  errno = saved;
}

// SIGUSR2 only wakes ops that wait for a signal (pause(), sigsuspend(), ...).
void on_wake_signal(int) { g_deliveries = g_deliveries + 1; }

void make_scratch() {
  const std::string base = TestTempDir();
  for (int side = 0; side < kSides; ++side) {
    Scratch& s = g_scratch[side];
    const std::string dir = base + "/side" + std::to_string(side);
    if (dir.size() + sizeof "/name2" > sizeof s.dir)
      setup_error(__FILE__, __LINE__, "temporary folder path too long: " + dir);
    for (auto [to, leaf] : {std::pair<char*, const char*>{s.dir, ""},
                            {s.file, "/file"},
                            {s.name, "/name"},
                            {s.name2, "/name2"}})
      memcpy(stpcpy(to, dir.c_str()), leaf, strlen(leaf) + 1);
    SETUP_OK(mkdir(s.dir, 0700));
    s.file_fd = SETUP_OK(open(s.file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!write_all(s.file_fd, kFileText, sizeof kFileText - 1))
      setup_error_errno(__FILE__, __LINE__, "write(file)", errno);
    s.dir_fd = SETUP_OK(open(s.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    SETUP_OK(pipe2(s.pipe_fd, O_CLOEXEC | O_NONBLOCK));
    SETUP_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, s.sock));
  }
}

// Also removes whatever a row left in the side folders (ops create and
// remove names; an op that went wrong may leave one).
void drop_scratch() {
  for (Scratch& s : g_scratch) {
    for (int fd : {s.file_fd, s.dir_fd, s.pipe_fd[0], s.pipe_fd[1], s.sock[0], s.sock[1]})
      if (fd >= 0) close(fd);
    for (const char* path : {s.file, s.name, s.name2})
      if (unlink(path) != 0 && errno == EISDIR) rmdir(path);
    rmdir(s.name);
    rmdir(s.name2);
    rmdir(s.dir);
  }
}

// One round of the busy main flow of phase (b): true when every result is
// the specified one.
bool busy_round(FILE* sink, int round) {
  const size_t n = 64 + static_cast<size_t>(round % 512);
  unsigned char* p = static_cast<unsigned char*>(malloc(n));
  if (!p) return false;
  memset(p, round & 0xff, n);
  char text[64];
  const int len = snprintf(text, sizeof text, "%d:%.2f", round, 1.25);
  bool ok = len > 0 && fputs(text, sink) >= 0;
  char* end = nullptr;
  ok = ok && strtod("2.5e1", &end) == 25.0 && *end == '\0';
  ok = ok && toupper('q') == 'Q' && isdigit('7');
  for (size_t i = 0; i < n; ++i) ok = ok && p[i] == static_cast<unsigned char>(round & 0xff);
  free(p);
  // "<round>:1.25" rebuilt without stdio, to check snprintf()'s text.
  char digits[16], want[32];
  int k = 0, i = 0;
  for (int v = round; k == 0 || v > 0; v /= 10) digits[k++] = static_cast<char>('0' + v % 10);
  while (k > 0) want[i++] = digits[--k];
  memcpy(want + i, ":1.25", 6);
  return ok && strcmp(text, want) == 0;
}

bool phase_goes_on(const Tally& t, long long start_ns) {
  if (t.landed >= g_want_inside) return false;
  const long long spent = signals::monotonic_ns() - start_ns;
  return spent < (t.landed > 0 && g_want_inside == kWantInside ? kPhaseNs : g_phase_max_ns);
}

struct PhaseFigures {
  long long calls = 0;
  long long main_failures = 0;
};

PhaseFigures run_same_function(Op op) {
  PhaseFigures f;
  Tally& t = g_tally[0];
  g_phase = 0;
  const long long start = signals::monotonic_ns();
  // The clock is read between batches of calls, outside the "inside"
  // brackets (where a clock_gettime() that is a system call would take the
  // pending signals): batches grow while calls are fast and shrink to one
  // call for ops that wait for a signal.
  long long last = start;
  int batch = 1;
  while (phase_goes_on(t, start)) {
    for (int i = 0; i < batch; ++i) {
      t.inside = 1;
      const bool ok = op(kMain);
      t.inside = 0;
      ++f.calls;
      if (!ok) ++f.main_failures;
    }
    const long long now = signals::monotonic_ns();
    batch = now - last < 100000 ? (batch < 256 ? batch * 2 : batch) : 1;
    last = now;
  }
  return f;
}

PhaseFigures run_busy_flow(FILE* sink) {
  PhaseFigures f;
  Tally& t = g_tally[1];
  g_phase = 1;
  const long long start = signals::monotonic_ns();
  while (phase_goes_on(t, start)) {
    t.inside = 1;
    const bool ok = busy_round(sink, static_cast<int>(f.calls));
    t.inside = 0;
    ++f.calls;
    if (!ok) ++f.main_failures;
  }
  return f;
}

inject::SignalPlan row_plan(const char* function, std::vector<int> signals) {
  inject::SignalPlan plan;
  plan.signals = std::move(signals);
  plan.rate_hz = kRateHz;
  plan.seed = row_seed(function);
  plan.via = inject::Via::kKill;
  return plan;
}

}  // namespace

namespace {

// What the phases of a row found; plain data, so a forked child can send it.
struct RowFigures {
  Tally tally[2];
  PhaseFigures same, busy;
  char sent[200];     // inject::describe() of the sends
  char problem[200];  // row.verify()'s complaint, or empty
};

void copy_text(char* to, size_t size, const std::string& text) {
  const size_t n = text.size() < size - 1 ? text.size() : size - 1;
  memcpy(to, text.data(), n);
  to[n] = 0;
}

// Both phases with the row's op in the handler; no gtest (it may run in a
// forked child). With ready_fd >= 0 the signals come from an injector the
// caller starts once a byte arrives on ready_fd (the handlers are then in
// place); else from one of its own.
RowFigures run_phases(const Row& row, FILE* sink, int ready_fd = -1) {
  RowFigures f{};
  for (Tally& t : g_tally) t = Tally{};
  if (row.want_inside > 0) g_want_inside = row.want_inside;
  g_op = row.op;
  g_stopping = 0;
  inject::SignalCounts sent;
  {
    // No SA_RESTART: an op that waits for a signal gets its EINTR.
    // SA_NODEFER for SIGUSR2: a SIGUSR1 handler that interrupted the SIGUSR2
    // handler must still be woken by the next SIGUSR2 (in pause(), wait()).
    SignalAction usr1(SIGUSR1, on_row_signal);
    SignalAction usr2(SIGUSR2, on_wake_signal, SA_NODEFER);
    std::optional<inject::SignalInjector> injector;
    if (ready_fd < 0) {
      injector.emplace(row_plan(row.function, {SIGUSR1, SIGUSR2}));
      injector->start(getpid());
    } else if (!write_all(ready_fd, "r", 1)) {
      _exit(1);
    }
    f.same = run_same_function(row.op);
    f.busy = run_busy_flow(sink);
    g_stopping = 1;
    if (injector) {
      sent = injector->stop();
    } else {
      // The caller's injector still sends: keep its signals from meeting
      // the default actions the SignalActions restore.
      const sigset_t both = make_sigset({SIGUSR1, SIGUSR2});
      sigprocmask(SIG_BLOCK, &both, nullptr);
    }
  }
  f.tally[0] = g_tally[0];
  f.tally[1] = g_tally[1];
  copy_text(f.sent, sizeof f.sent, inject::describe(sent));
  if (row.verify)
    if (const char* problem = row.verify()) copy_text(f.problem, sizeof f.problem, problem);
  return f;
}

// A row whose op may deadlock in the handler (a lock the interrupted call
// holds) runs its phases in a forked child, longer (kIsolatedWant handlers
// inside, at most kIsolatedMaxNs a phase), so a deadlock is a FAIL rather
// than the test's TIMEOUT. The bound on the child scales with
// SIGIPC_TIMEOUT_MUL: an emulator starts the child and its phases slower.
// A lock such a call holds covers only part of it (aio_suspend() waits
// without it), so many handlers must land inside before a pass means much.
constexpr int kIsolatedWant = 400;
constexpr long long kIsolatedMaxNs = 400000000LL;
constexpr int kIsolatedBoundMs = 1500;

std::optional<RowFigures> run_phases_isolated(const Row& row, FILE* sink, std::string* why) {
  int pipefd[2];
  SETUP_OK(pipe2(pipefd, O_CLOEXEC));
  fflush(nullptr);
  const pid_t pid = SETUP_OK(fork());
  if (pid == 0) {
    close(pipefd[0]);
    g_want_inside = kIsolatedWant;
    g_phase_max_ns = kIsolatedMaxNs;
    const RowFigures f = run_phases(row, sink, pipefd[1]);
    _exit(write_all(pipefd[1], &f, sizeof f) ? 0 : 1);
  }
  close(pipefd[1]);
  // The injector belongs to this process, so its sender never outlives the
  // test even when the child has to be killed.
  inject::SignalInjector injector(row_plan(row.function, {SIGUSR1, SIGUSR2}));
  char ready = 0;
  if (read_all(pipefd[0], &ready, 1) == 1) injector.start(pid);
  pollfd p{pipefd[0], POLLIN, 0};
  const int bound_ms = static_cast<int>(kIsolatedBoundMs * timeout_mul());
  int polled;
  while ((polled = poll(&p, 1, bound_ms)) < 0 && errno == EINTR) {
  }
  RowFigures f{};
  const bool got = polled == 1 && read_all(pipefd[0], &f, sizeof f) == sizeof f;
  if (!got) kill(pid, SIGKILL);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  const inject::SignalCounts sent = injector.stop();
  copy_text(f.sent, sizeof f.sent, inject::describe(sent));
  close(pipefd[0]);
  if (got) return f;
  *why = polled == 0 ? "never returned within " + std::to_string(bound_ms) +
                           " ms (a deadlock): the child running the row was killed"
                     : "ended the child running the row: " + WaitStatus(st).describe();
  return std::nullopt;
}

std::string first_errno_text(int err) { return err ? ErrnoText(err) : "none set"; }

}  // namespace

void run_row(const Row& row) {
  if (row.probe)
    if (const char* why = row.probe()) SIGIPC_UNSUPPORTED(why);
  make_scratch();
  if (row.prepare) row.prepare();
  FILE* sink = fopen("/dev/null", "we");
  ASSERT_NE(sink, nullptr) << "fopen(/dev/null): " << ErrnoText(errno);
  std::string why;
  std::optional<RowFigures> found =
      row.isolate ? run_phases_isolated(row, sink, &why) : run_phases(row, sink);
  fclose(sink);
  if (row.cleanup) row.cleanup();
  drop_scratch();
  ASSERT_TRUE(found) << row.function << "() in a handler that interrupted " << row.function << "() "
                     << why;
  const RowFigures& f = *found;
  const Tally& a = f.tally[0];
  const Tally& b = f.tally[1];
  EXPECT_EQ(a.failures + b.failures, 0)
      << row.function << "() in the handler went wrong: " << a.failures << " of " << a.runs
      << " runs interrupting " << row.function << "(), " << b.failures << " of " << b.runs
      << " interrupting malloc/stdio/locale calls (errno after the first failing run: "
      << first_errno_text(a.failures ? a.first_errno : b.first_errno) << ")";
  EXPECT_EQ(f.same.main_failures, 0) << "of " << f.same.calls << " main-flow " << row.function
                                     << "() calls (" << a.landed << " interrupted by the handler)";
  EXPECT_EQ(f.busy.main_failures, 0) << "of " << f.busy.calls << " malloc/stdio/locale rounds ("
                                     << b.landed << " interrupted by the handler)";
  EXPECT_STREQ(f.problem, "");
  // The figures, for the test's log.
  printf("%s(): %d of %d handler runs inside %lld calls, %d of %d inside %lld busy rounds; %s\n",
         row.function, a.landed, a.runs, f.same.calls, b.landed, b.runs, f.busy.calls, f.sent);
  if (!::testing::Test::HasFailure() && (a.landed == 0 || b.landed == 0))
    SIGIPC_UNSUPPORTED("no evidence the handler interrupted a call: " + std::to_string(a.landed) +
                       " of " + std::to_string(a.runs) + " handler runs inside " + row.function +
                       "() (" + std::to_string(f.same.calls) + " calls), " +
                       std::to_string(b.landed) + " of " + std::to_string(b.runs) +
                       " inside malloc/stdio/locale rounds; " + f.sent);
}

namespace {

// Ending rows: the child's handler reports whether it landed inside a busy
// round (one byte, '1' or '0') and then calls the op, which must end the
// child.
int g_report_fd = -1;

void on_ending_signal(int) {
  const char c = g_tally[1].inside ? '1' : '0';
  if (write(g_report_fd, &c, 1) != 1) _exit(98);
  g_op(kHandler);
  _exit(97);  // the op returned
}

[[noreturn]] void ending_child(int ready_fd, long long wait_ns) {
  FILE* sink = fopen("/dev/null", "we");
  if (!sink) _exit(96);
  SignalAction usr1(SIGUSR1, on_ending_signal);
  const char c = 'r';
  if (write(ready_fd, &c, 1) != 1) _exit(96);
  close(ready_fd);
  const long long deadline = signals::monotonic_ns() + wait_ns;
  for (int round = 0; signals::monotonic_ns() < deadline; ++round) {
    g_tally[1].inside = 1;
    const bool ok = busy_round(sink, round);
    g_tally[1].inside = 0;
    if (!ok) _exit(95);
  }
  _exit(94);  // no signal within the wait
}

struct Attempt {
  char landed = 0;  // '1' inside a busy round, '0' between rounds, 0: no report
  WaitStatus status;
};

Attempt run_ending_attempt(const Row& row) {
  int report[2], ready[2];
  SETUP_OK(pipe2(report, O_CLOEXEC));
  SETUP_OK(pipe2(ready, O_CLOEXEC));
  g_op = row.op;
  g_tally[1] = Tally{};
  // Two seconds for the injector's first signal, scaled like every limit
  // (SIGIPC_TIMEOUT_MUL): a sandbox or emulator starts the sender slower.
  const long long wait_ns = static_cast<long long>(2e9 * timeout_mul());
  const pid_t pid = SETUP_OK(fork());
  if (pid == 0) {
    close(report[0]);
    close(ready[0]);
    g_report_fd = report[1];
    ending_child(ready[1], wait_ns);
  }
  close(report[1]);
  close(ready[1]);
  Attempt at;
  char c = 0;
  if (read_all(ready[0], &c, 1) == 1) {
    inject::SignalInjector injector(row_plan(row.function, {SIGUSR1}));
    injector.start(pid);
    read_all(report[0], &at.landed, 1);  // 0 bytes: the child ended first
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    at.status = WaitStatus{st};
    injector.stop();
  } else {
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    at.status = WaitStatus{st};
  }
  close(report[0]);
  close(ready[0]);
  return at;
}

}  // namespace

void run_ending_row(const Row& row, Ending ending) {
  if (row.probe)
    if (const char* why = row.probe()) SIGIPC_UNSUPPORTED(why);
  make_scratch();
  if (row.prepare) row.prepare();
  int inside = 0, attempts = 0;
  for (; attempts < 12 && inside == 0; ++attempts) {
    const Attempt at = run_ending_attempt(row);
    ASSERT_NE(at.landed, 0) << "the child's handler never reported; it ended with "
                            << at.status.describe();
    if (at.landed == '1') ++inside;
    if (ending.signal > 0)
      ASSERT_TRUE(at.status.signaled() && at.status.term_sig() == ending.signal)
          << row.function << "() in a handler: the child ended with " << at.status.describe()
          << ", not by signal " << ending.signal;
    else
      ASSERT_TRUE(at.status.exited() && at.status.exit_code() == ending.exit_status)
          << row.function << "() in a handler: the child ended with " << at.status.describe()
          << ", not with exit status " << ending.exit_status;
  }
  if (row.cleanup) row.cleanup();
  drop_scratch();
  if (inside == 0)
    SIGIPC_UNSUPPORTED("no handler landed inside a malloc/stdio/locale round in " +
                       std::to_string(attempts) + " children (each ended as specified)");
}

}  // namespace asyncsafe_table
}  // namespace sigipc
