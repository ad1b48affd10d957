// Helpers shared by the FIFO tests: a umask guard, a temporary folder guard,
// non-blocking probes of a status pipe (so a test can show that a blocked
// opener cannot have returned yet), and waiting for a child to sleep in a
// blocking call.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace fifos {

// Sets the process umask; restores the previous one on destruction. The mode
// rules of mkfifo() depend on it, so each test sets it explicitly.
class UmaskGuard {
 public:
  explicit UmaskGuard(mode_t m) : saved_(umask(m)) {}
  ~UmaskGuard() { umask(saved_); }
  UmaskGuard(const UmaskGuard&) = delete;
  UmaskGuard& operator=(const UmaskGuard&) = delete;

 private:
  mode_t saved_;
};

// A folder in the test's temporary folder, removed (rmdir) on destruction;
// the test removes what it put inside first (TempPath/TempFifo do).
class TempDir {
 public:
  explicit TempDir(mode_t mode, const std::string& what = "dir") : path_(UniqueTempPath(what)) {
    SETUP_OK(mkdir(path_.c_str(), 0700));
    SETUP_OK(chmod(path_.c_str(), mode));  // chmod: not reduced by the umask
  }
  ~TempDir() { rmdir(path_.c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const char* c_str() const { return path_.c_str(); }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A path whose name is unlinked (file, FIFO or symlink) on destruction;
// for entries created inside a TempDir.
class OwnedPath {
 public:
  explicit OwnedPath(std::string p) : path_(std::move(p)) {}
  ~OwnedPath() { unlink(path_.c_str()); }
  OwnedPath(const OwnedPath&) = delete;
  OwnedPath& operator=(const OwnedPath&) = delete;
  const char* c_str() const { return path_.c_str(); }

 private:
  std::string path_;
};

// True when nothing can be read from fd right now (the peer has not written
// its marker). Does not block. Async-signal-safe.
inline bool nothing_to_read(int fd) noexcept {
  struct pollfd p = {fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  return r == 0;
}

// Reads one marker byte (blocking; a dead writer gives EOF). Returns the byte
// or -1. Async-signal-safe.
inline int read_marker(int fd) noexcept {
  char c;
  ssize_t r;
  do r = read(fd, &c, 1);
  while (r < 0 && errno == EINTR);
  return r == 1 ? static_cast<unsigned char>(c) : -1;
}

inline void write_marker(int fd, char c) noexcept {
  ssize_t r;
  do r = write(fd, &c, 1);
  while (r < 0 && errno == EINTR);
}

using ::sigipc::wait_until_sleeping;

inline struct stat stat_of(const char* path) {
  struct stat st {};
  SETUP_OK(stat(path, &st));
  return st;
}

inline struct stat fstat_of(int fd) {
  struct stat st {};
  SETUP_OK(fstat(fd, &st));
  return st;
}

inline void ignore_alarm(int) {}

// A safety net, not synchronisation: while it lives, a call that hangs past
// `seconds` is interrupted by SIGALRM (handler without SA_RESTART) and fails
// with EINTR, so a broken platform gives FAIL instead of TIMEOUT. `seconds`
// is meant at native speed and scaled by timeout_mul() like the test's own
// limit, or under a slow emulator the guard would cut short a call that is
// only slow.
class HangGuard {
 public:
  explicit HangGuard(int seconds) : act_(SIGALRM, ignore_alarm, 0), timer_(ITIMER_REAL) {
    const double s = seconds * timeout_mul();
    itimerval v{};
    v.it_value.tv_sec = static_cast<time_t>(s);
    v.it_value.tv_usec =
        static_cast<suseconds_t>((s - static_cast<double>(v.it_value.tv_sec)) * 1e6);
    timer_.arm(v);
  }

 private:
  SignalAction act_;
  IntervalTimer timer_;
};

// Opens both ends of a FIFO without blocking: reader first (O_NONBLOCK opens
// at once), then the writer (a reader exists). The read end stays
// non-blocking unless told otherwise.
struct FifoEnds {
  UniqueFd rd, wr;
};
inline FifoEnds open_both(const char* path, bool reader_nonblock = true) {
  FifoEnds e;
  e.rd.reset(SETUP_OK(open(path, O_RDONLY | O_NONBLOCK)));
  e.wr.reset(SETUP_OK(open(path, O_WRONLY | O_NONBLOCK)));
  if (!reader_nonblock) SETUP_OK(fcntl(e.rd.get(), F_SETFL, O_RDONLY));
  SETUP_OK(fcntl(e.wr.get(), F_SETFL, O_WRONLY));  // blocking writes by default
  return e;
}

// Counts what a non-blocking read end gives until it would block or ends.
inline long drain_count(int rd) {
  char buf[4096];
  long total = 0;
  ssize_t r;
  while ((r = read(rd, buf, sizeof buf)) > 0) total += r;
  return total;
}

// Fills a FIFO through a non-blocking write end, `chunk` bytes per write,
// until EAGAIN; returns the bytes it took. Another error is a setup error.
inline long fill_until_eagain(int wr, size_t chunk) {
  char buf[4096] = {};
  if (chunk > sizeof buf) chunk = sizeof buf;
  long total = 0;
  ssize_t w;
  while ((w = write(wr, buf, chunk)) > 0) total += w;
  if (errno != EAGAIN) setup_error_errno(__FILE__, __LINE__, "filling the FIFO", errno);
  return total;
}

// For interruption tests: a child installs mark_handler_ran for SIGUSR1
// (g_handler_status_fd set to its status pipe), then blocks in the call under
// test and writes 'd' once the call returns.
inline int g_handler_status_fd = -1;
inline void mark_handler_ran(int) { write_marker(g_handler_status_fd, 'h'); }

inline void child_catch_sigusr1(int status_wr, int flags) noexcept {
  g_handler_status_fd = status_wr;
  struct sigaction sa {};
  sa.sa_handler = mark_handler_ran;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  CHILD_CHECK_OK(sigaction(SIGUSR1, &sa, nullptr));
}

// Parent side: once the child sleeps in the call (the only blocking call it
// makes), sends SIGUSR1 and waits for the handler's mark.
inline ::testing::AssertionResult interrupt_when_blocked(pid_t child, int status_rd) {
  if (!wait_until_sleeping(child))
    return ::testing::AssertionFailure() << "the child never blocked";
  if (kill(child, SIGUSR1) != 0)
    return ::testing::AssertionFailure() << "kill: " << ErrnoText(errno);
  if (read_marker(status_rd) != 'h')
    return ::testing::AssertionFailure() << "the child's handler did not run";
  return ::testing::AssertionSuccess();
}

// Parent side: the interrupted call must return ('d' marker) instead of
// resuming its wait. 5 s (scaled by timeout_mul()) is a safety net only.
inline ::testing::AssertionResult call_returned_after_handler(int status_rd) {
  struct pollfd p = {status_rd, POLLIN, 0};
  int r;
  const int safety_ms = static_cast<int>(5000 * timeout_mul());
  do r = poll(&p, 1, safety_ms);
  while (r < 0 && errno == EINTR);
  if (r != 1 || read_marker(status_rd) != 'd')
    return ::testing::AssertionFailure() << "the call still blocked after the handler returned";
  return ::testing::AssertionSuccess();
}

}  // namespace fifos
}  // namespace sigipc
