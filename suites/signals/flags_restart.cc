// SA_RESTART: an interruptible call interrupted by a caught signal restarts
// with the flag and fails with EINTR without it. XSH sigaction() (SA_RESTART),
// XSH read(), write(), wait() ([EINTR]); signal(7) for the calls Linux never
// restarts.
//
// Each call blocks in a child; the test process signals it only once it
// sleeps, so the signal interrupts the call itself, and releases the call
// (data, room, a child's exit) only after the handler has run. A restarted
// call then completes; one that failed has already returned.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/flags_helpers.h"

namespace sigipc {
namespace {

using signals::InterruptOnce;

void put_byte(int fd) {
  char c = 'x';
  ASSERT_EQ(write(fd, &c, 1), 1) << "setup: write to the pipe";
}

// In a child: fills the pipe so that a blocking 1-byte write waits for room.
// Full 4096-byte writes first, so freeing one page-sized chunk makes room.
void child_fill_pipe(int wr) noexcept {
  int fl = fcntl(wr, F_GETFL);
  CHILD_CHECK_OK(fl);
  CHILD_CHECK_OK(fcntl(wr, F_SETFL, fl | O_NONBLOCK));
  static char chunk[4096];
  while (write(wr, chunk, sizeof chunk) > 0) {
  }
  while (write(wr, chunk, 1) > 0) {
  }
  CHILD_CHECK_EQ(errno, EAGAIN);
  CHILD_CHECK_OK(fcntl(wr, F_SETFL, fl));
}

void drain_one_chunk(int rd) {
  static char buf[4096];
  ASSERT_GT(read(rd, buf, sizeof buf), 0) << "setup: read from the full pipe";
}

// In a child: a grandchild that exits once `go` opens; returns its pid.
pid_t child_spawn_waiting_grandchild(Gate& go) noexcept {
  pid_t gc = fork();
  if (gc == 0) {
    go.wait();
    child_exit(0);
  }
  CHILD_CHECK_OK(gc);
  return gc;
}

struct WaitCall {
  const char* name;
  pid_t (*call)(pid_t pid, int* status);
};
const WaitCall kWaitCalls[] = {
    {"waitpid()", [](pid_t pid, int* st) { return waitpid(pid, st, 0); }},
    {"wait()", [](pid_t, int* st) { return wait(st); }},
};

SIGIPC_TEST(SignalFlagsRestart, SaRestartResumesInterruptedPipeRead, "signal.flags.restart-read",
            "XSH sigaction(); XSH read()",
            "A read() on an empty pipe interrupted by a handler installed with SA_RESTART is "
            "restarted and returns the data written afterwards") {
  Pipe data;
  const ::testing::AssertionResult outcome = InterruptOnce(
      SA_RESTART,
      [&] {
        char c = 0;
        ssize_t n = -1;
        CHILD_CHECK_OK(n = read(data.rd(), &c, 1));
        CHILD_CHECK_EQ(n, 1);
        CHILD_CHECK_EQ(c, 'x');
      },
      [&] { put_byte(data.wr()); }, "read() on an empty pipe");
  EXPECT_TRUE(outcome);
}

SIGIPC_TEST(SignalFlagsRestart, PipeReadFailsWithEintrWithoutSaRestart,
            "signal.flags.no-restart-read-eintr", "XSH sigaction(); XSH read()",
            "A read() on an empty pipe interrupted by a handler installed without SA_RESTART "
            "fails with EINTR") {
  Pipe data;
  const ::testing::AssertionResult outcome = InterruptOnce(
      0,
      [&] {
        char c = 0;
        CHILD_CHECK_ERRNO(read(data.rd(), &c, 1), EINTR);
      },
      [&] { put_byte(data.wr()); }, "read() on an empty pipe");
  EXPECT_TRUE(outcome);
}

SIGIPC_TEST(SignalFlagsRestart, SaRestartResumesInterruptedPipeWrite, "signal.flags.restart-write",
            "XSH sigaction(); XSH write()",
            "A write() to a full pipe interrupted by a handler installed with SA_RESTART is "
            "restarted and completes once there is room") {
  Pipe data;
  const ::testing::AssertionResult outcome = InterruptOnce(
      SA_RESTART,
      [&] {
        child_fill_pipe(data.wr());
        char c = 'y';
        ssize_t n = -1;
        CHILD_CHECK_OK(n = write(data.wr(), &c, 1));
        CHILD_CHECK_EQ(n, 1);
      },
      [&] { drain_one_chunk(data.rd()); }, "write() to a full pipe");
  EXPECT_TRUE(outcome);
}

SIGIPC_TEST(SignalFlagsRestart, PipeWriteFailsWithEintrWithoutSaRestart,
            "signal.flags.no-restart-write-eintr", "XSH sigaction(); XSH write()",
            "A write() to a full pipe interrupted, before moving any data, by a handler installed "
            "without SA_RESTART fails with EINTR") {
  Pipe data;
  const ::testing::AssertionResult outcome = InterruptOnce(
      0,
      [&] {
        child_fill_pipe(data.wr());
        char c = 'y';
        // One byte is below PIPE_BUF: written whole or not at all, so the
        // interrupted call has no partial count to return instead.
        CHILD_CHECK_ERRNO(write(data.wr(), &c, 1), EINTR);
      },
      [&] { drain_one_chunk(data.rd()); }, "write() to a full pipe");
  EXPECT_TRUE(outcome);
}

SIGIPC_TEST(SignalFlagsRestart, SaRestartResumesInterruptedWait, "signal.flags.restart-wait",
            "XSH sigaction(); XSH wait()",
            "wait() and waitpid() interrupted by a handler installed with SA_RESTART are restarted "
            "and report the child that ends afterwards") {
  for (const WaitCall& w : kWaitCalls) {
    Gate go;
    const ::testing::AssertionResult outcome = InterruptOnce(
        SA_RESTART,
        [&] {
          pid_t gc = child_spawn_waiting_grandchild(go);
          int st = 0;
          pid_t r = -1;
          CHILD_CHECK_OK(r = w.call(gc, &st));
          CHILD_CHECK_EQ(r, gc);
          CHILD_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        },
        [&] { go.open(); }, w.name);
    EXPECT_TRUE(outcome);
  }
}

SIGIPC_TEST(SignalFlagsRestart, WaitFailsWithEintrWithoutSaRestart,
            "signal.flags.no-restart-wait-eintr", "XSH sigaction(); XSH wait()",
            "wait() and waitpid() interrupted by a handler installed without SA_RESTART fail with "
            "EINTR") {
  for (const WaitCall& w : kWaitCalls) {
    Gate go;
    const ::testing::AssertionResult outcome = InterruptOnce(
        0,
        [&] {
          pid_t gc = child_spawn_waiting_grandchild(go);
          int st = 0;
          CHILD_CHECK_ERRNO(w.call(gc, &st), EINTR);
          // Reaped here, once released, so it does not outlive the test.
          while (waitpid(gc, &st, 0) < 0 && errno == EINTR) {
          }
        },
        [&] { go.open(); }, w.name);
    EXPECT_TRUE(outcome);
  }
}

struct PollCall {
  const char* name;
  int (*call)(int fd);
};
const PollCall kPollCalls[] = {
    {"poll()",
     [](int fd) {
       pollfd p{fd, POLLIN, 0};
       return poll(&p, 1, -1);
     }},
    {"select()",
     [](int fd) {
       fd_set r;
       FD_ZERO(&r);
       FD_SET(fd, &r);
       return select(fd + 1, &r, nullptr, nullptr, nullptr);
     }},
};

SIGIPC_TEST(SignalFlagsRestart, PollAndSelectFailWithEintrDespiteSaRestart,
            "signal.flags.restart-never-poll-select", "Linux-only, signal(7)",
            "poll() and select() interrupted by a handler fail with EINTR even when it was "
            "installed with SA_RESTART (POSIX leaves select() implementation-defined)") {
  for (const PollCall& p : kPollCalls) {
    Pipe data;
    const ::testing::AssertionResult outcome = InterruptOnce(
        SA_RESTART, [&] { CHILD_CHECK_ERRNO(p.call(data.rd()), EINTR); },
        // A restarted call sees this byte and returns 1: a failure, not a hang.
        [&] { put_byte(data.wr()); }, p.name);
    EXPECT_TRUE(outcome);
  }
}

}  // namespace
}  // namespace sigipc
