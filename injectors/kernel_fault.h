// Kernel-side failure injection (Documentation/fault-injection/
// fault-injection.rst): a kernel built with CONFIG_FAULT_INJECTION,
// CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS fails the Nth fault
// point (slab or page allocation that reaches should_fail()) of a task once N
// is written to its /proc/<pid>/task/<tid>/fail-nth; reading the file back
// gives 0 when that fault fired, else what was left of N. Unlike the seccomp
// injector (syscall_fail.h), the kernel really runs the call and its own
// error path, so "a failed call leaves the object as it was" can fail.
//
// failslab skips every allocation that may sleep (__GFP_DIRECT_RECLAIM,
// nearly all of them) while its ignore-gfp-wait knob is Y, its default:
// FaultKnobs sets it to N (and the same knob of fail_page_alloc), with
// verbose 2 so each forced failure prints its stack to the kernel log
// (/dev/kmsg), where KernelLog finds the allocation site. The knobs are
// global: FaultKnobs takes an exclusive lock for as long as it holds them
// and restores every value it changed.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sigipc::kfault {

constexpr const char* kFailNthPath = "/proc/thread-self/fail-nth";
constexpr const char* kDebugfs = "/sys/kernel/debug";

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Whether fail-nth and the failslab knobs exist; false with a one-line
// reason (for UNSUPPORTED) otherwise.
bool available(std::string* why, const std::string& fail_nth = kFailNthPath,
               const std::string& debugfs = kDebugfs);

// The fail-nth file of the thread that opens it (/proc/thread-self resolves
// at open): open it in the thread, after fork, that makes the call. arm(),
// fired() and disarm() allocate nothing and are async-signal-safe, so a
// forked child can use them between its other calls.
class FailNth {
 public:
  explicit FailNth(const char* path = kFailNthPath) noexcept;
  ~FailNth();
  FailNth(const FailNth&) = delete;
  FailNth& operator=(const FailNth&) = delete;
  bool ok() const noexcept { return fd_ >= 0; }
  int open_errno() const noexcept { return open_errno_; }
  // Writes n: the nth fault point this thread reaches from now on fails.
  bool arm(unsigned n) noexcept;
  // After the call: 1 when the armed fault fired, 0 when the call reached
  // fewer fault points (the rest is disarmed, so no later call of the
  // thread fails instead), -1 when the file cannot be read.
  int fired() noexcept;
  bool disarm() noexcept;

 private:
  long read_value() noexcept;
  int fd_ = -1;
  int open_errno_ = 0;
};

// Knobs under debugfs (failslab/..., fail_page_alloc/...), each saved before
// its first change and written back by restore() or the destructor.
class FaultKnobs {
 public:
  // Locks debugfs/failslab (flock) so two holders never interleave.
  explicit FaultKnobs(std::string debugfs = kDebugfs);
  ~FaultKnobs();
  FaultKnobs(const FaultKnobs&) = delete;
  FaultKnobs& operator=(const FaultKnobs&) = delete;
  // Throws Error naming the file when it cannot be read or written or does
  // not read back as value.
  void set(const std::string& knob, const std::string& value);
  // The setting fail-nth needs: ignore-gfp-wait N for failslab and (when
  // present) fail_page_alloc, verbose as given, no rate limit on the log.
  void configure_for_fail_nth(int verbose = 2);
  void restore() noexcept;
  std::string read(const std::string& knob) const;

 private:
  std::string dir_;
  int lock_fd_ = -1;
  std::vector<std::pair<std::string, std::string>> saved_;  // knob, old value
};

// The allocation site of each forced failure the kernel logged for pid:
// the first stack frames below the allocator ("load_msg<do_msgsnd").
// The pid is the one in the kernel's initial PID namespace; a process in
// another one is found by its name (comm) instead.
std::vector<std::string> fault_sites(const std::string& kmsg_text, pid_t pid);
std::vector<std::string> fault_sites(const std::string& kmsg_text, const std::string& comm);
// One kernel log record's text ("6,123,456,-;text" -> "text"), with \xNN
// escapes decoded.
std::string kmsg_text(const std::string& record);

// /dev/kmsg from now on (records logged after construction).
class KernelLog {
 public:
  explicit KernelLog(const char* path = "/dev/kmsg") noexcept;
  ~KernelLog();
  KernelLog(const KernelLog&) = delete;
  KernelLog& operator=(const KernelLog&) = delete;
  bool ok() const { return fd_ >= 0; }
  int open_errno() const { return open_errno_; }
  // Every record since construction or the last call, one text per line.
  std::string read_new();

 private:
  int fd_ = -1;
  int open_errno_ = 0;
};

}  // namespace sigipc::kfault
