// The N = 1, 2, ... loop of the injection.kernel family
// (kernel_faults_helpers.h).
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fixtures/errno_name.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "suites/injection/kernel_faults_helpers.h"

namespace sigipc {
namespace kernel_faults {

namespace {

// What one child saw, in memory shared with the test process.
struct Outcome {
  int done;
  int fired;  // FailNth::fired()
  long ret;
  int err;
  char change[768];
};

// Copies text into the outcome's fixed buffer. Async-signal-safe.
void put_change(Outcome* out, const char* text) {
  const std::size_t n = std::min(std::strlen(text), sizeof out->change - 1);
  std::memcpy(out->change, text, n);
  out->change[n] = '\0';
}

// Faults in the stack the call and the checks will use.
__attribute__((noinline)) void prefault_stack() {
  volatile char area[64 * 1024];
  for (std::size_t i = 0; i < sizeof area; i += 512) area[i] = 0;
}

// The child's name, "kf<tag>@<N>": kmemleak reports name the allocating
// task by comm and by its pid in the initial namespace, which a test in a
// PID namespace cannot see, so the name carries the call and N.
void name_child(const char* tag, unsigned n) {
  SafeBuf b;
  b.str("kf").str(tag).str("@").num(n);
  prctl(PR_SET_NAME, b.c_str(), 0, 0, 0);
}

[[noreturn]] void run_child(const Call& call, const char* tag, unsigned n, Outcome* out) {
  name_child(tag, n);
  kfault::FailNth nth;
  if (!nth.ok()) {
    SafeBuf b;
    b.str("cannot open ").str(kfault::kFailNthPath).str(": ").errno_text(nth.open_errno());
    put_change(out, b.c_str());
    child_exit(kChildSetupErrorExit);
  }
  call.prepare();
  prefault_stack();
  std::memset(out->change, 0, sizeof out->change);
  if (!nth.arm(n)) child_exit(kChildSetupErrorExit);
  errno = 0;
  const long ret = call.invoke();
  const int err = errno;
  const int fired = nth.fired();
  out->ret = ret;
  out->err = err;
  out->fired = fired;
  SafeBuf change;
  call.check_child(ret == -1, ret, change);
  put_change(out, change.c_str());
  out->done = 1;
  child_exit(0);
}

std::string errno_label(int e) {
  const char* n = errno_name(e);
  return n ? n : std::to_string(e);
}

// What the loop saw, for the verdict and the notes.
struct Tally {
  unsigned points = 0;  // fault points the call reached (the last N that fired)
  unsigned failed = 0;
  unsigned absorbed = 0;  // fired, yet the call succeeded
  std::map<std::string, unsigned> errnos;
  std::vector<std::string> sites;
  // What went wrong, each with the Ns it went wrong at.
  std::vector<std::pair<std::string, std::vector<unsigned>>> problems;
  std::string tag;    // of the children's names
  int log_errno = 0;  // why /dev/kmsg could not be read
  bool finished = false;
};

void add_problem(Tally& t, unsigned n, const std::string& what) {
  for (auto& [text, ns] : t.problems) {
    if (text == what) {
      ns.push_back(n);
      return;
    }
  }
  t.problems.push_back({what, {n}});
}

// "pipe2 at N=7,9: failed with ENOMEM, ..."
std::string describe_problem(const Call& call,
                             const std::pair<std::string, std::vector<unsigned>>& p) {
  std::string s = std::string(call.name) + " at N=";
  for (std::size_t i = 0; i < p.second.size(); ++i)
    s += (i ? "," : "") + std::to_string(p.second[i]);
  return s + ": " + p.first;
}

void add_site(Tally& t, const std::string& s) {
  if (std::find(t.sites.begin(), t.sites.end(), s) == t.sites.end()) t.sites.push_back(s);
}

// One N: fork, call under the armed fault, checks. False ends the loop.
bool attempt(const Call& call, unsigned n, Outcome* out, Tally& t) {
  std::memset(out, 0, sizeof *out);
  kfault::KernelLog log;
  if (!log.ok()) t.log_errno = log.open_errno();
  const pid_t pid = xfork();
  if (pid == 0) run_child(call, t.tag.c_str(), n, out);
  const WaitStatus st = xwaitpid(pid);
  if (!st.exited() || st.exit_code() != 0 || !out->done) {
    add_problem(t, n,
                "the child " + st.describe() +
                    (out->change[0] ? std::string(" (") + out->change + ")" : ""));
    return false;
  }
  if (out->fired < 0) {
    add_problem(t, n, "cannot read fail-nth back");
    return false;
  }
  const bool failed = out->ret == -1;
  const std::string comm = "kf" + t.tag + "@" + std::to_string(n);
  for (const auto& s : kfault::fault_sites(log.read_new(), comm)) add_site(t, s);
  std::string change = out->change;
  const std::string parent = call.check_parent(failed);
  if (!parent.empty()) change += (change.empty() ? "" : ", and ") + parent;
  if (out->fired) t.points = n;
  if (failed) {
    ++t.failed;
    ++t.errnos[errno_label(out->err)];
    const auto& ok = call.resource_errnos;
    if (!out->fired)
      add_problem(t, n, "failed with " + errno_label(out->err) + " although no fault fired");
    else if (std::find(ok.begin(), ok.end(), out->err) == ok.end())
      add_problem(t, n,
                  "failed with " + errno_label(out->err) +
                      ", not an errno its man page documents for a resource shortage");
  } else if (out->fired) {
    ++t.absorbed;
  }
  if (!change.empty())
    add_problem(t, n, (failed ? "failed with " + errno_label(out->err) + ", yet " : "") + change);
  if (!out->fired && !failed) t.finished = true;
  return !t.finished;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// The parseable line for the cell (ci/kernel/kmemleak-attribute): the
// call, its children's name tag, the fault points it reached, the errnos
// of its failures, the allocation sites that failed.
std::string summary(const Call& call, const Tally& t) {
  std::string errnos;
  for (const auto& [e, c] : t.errnos)
    errnos += (errnos.empty() ? "" : ",") + e + ":" + std::to_string(c);
  std::string sites = t.sites.empty() ? "-" : joined(t.sites, ",");
  if (t.log_errno != 0) sites = std::string("unreadable:") + errno_label(t.log_errno);
  std::string line = std::string("kernel-fault call=") + call.name + " tag=kf" + t.tag +
                     " points=" + std::to_string(t.points) + " failed=" + std::to_string(t.failed) +
                     " absorbed=" + std::to_string(t.absorbed) +
                     " errnos=" + (errnos.empty() ? "-" : errnos) + " sites=" + sites;
  if (line.size() > 600) line.resize(600);
  return line;
}

// "mq_timedsend" -> "mqtimeds": at most 8 characters, so "kf<tag>@<N>"
// fits a task name (15 characters).
std::string default_tag(const char* name) {
  std::string tag;
  for (const char* c = name; *c && tag.size() < 8; ++c)
    if (*c != '_') tag += *c;
  return tag;
}

}  // namespace

int lowest_free_fd() noexcept {
  const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) close(fd);
  return fd;
}

void check_no_new_fd(int before, SafeBuf& change) noexcept {
  const int now = lowest_free_fd();
  if (now != before)
    change.str("a new descriptor was left (lowest free fd was ")
        .num(before)
        .str(", is ")
        .num(now)
        .str(")");
}

void ExpectFaultsLeaveNoTrace(const Call& call) {
  std::unique_ptr<kfault::FaultKnobs> knobs;
  try {
    knobs = std::make_unique<kfault::FaultKnobs>();
    knobs->configure_for_fail_nth(2);
  } catch (const kfault::Error& e) {
    setup_error(__FILE__, __LINE__, e.what());
  }
  Mapping shared = Mapping::shared_anonymous(sizeof(Outcome));
  Outcome* out = shared.as<Outcome>();
  Tally t;
  t.tag = call.tag ? call.tag : default_tag(call.name);
  unsigned n = 1;
  while (n <= kMaxPoints && attempt(call, n, out, t)) ++n;
  if (!t.finished && t.problems.empty()) add_problem(t, kMaxPoints, "still reached a fault point");
  const std::string line = summary(call, t);
  note(line.c_str());
  // One failure per kind of problem, so an expectation can name each; the
  // first carries the summary line, which a failing test's notes do not
  // reach the report with.
  for (std::size_t i = 0; i < t.problems.size(); ++i)
    ADD_FAILURE() << describe_problem(call, t.problems[i]) << (i == 0 ? " | " + line : "");
}

}  // namespace kernel_faults
}  // namespace sigipc
