// injection.kernel: the calls that make a descriptor, with a kernel
// allocation failed (kernel_faults_helpers.h). Allowed errnos, the resource
// errnos of each page's ERRORS: pipe(2) EMFILE, ENFILE (the page lists no
// ENOMEM); eventfd(2), signalfd(2), timerfd_create(2) and pidfd_open(2)
// EMFILE, ENFILE, ENODEV, ENOMEM. A failure must leave no new descriptor.
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>

#include "fixtures/linux_calls.h"
#include "suites/injection/kernel_faults_helpers.h"

namespace sigipc {
namespace {

using kernel_faults::Call;

int g_fd_before;

void snapshot_fds() { g_fd_before = kernel_faults::lowest_free_fd(); }

// A failure left no descriptor; a success's descriptor is closed.
void no_new_fd(bool failed, long ret, SafeBuf& change) {
  if (failed)
    kernel_faults::check_no_new_fd(g_fd_before, change);
  else
    close(static_cast<int>(ret));
}

int g_pipe[2];

Call pipe2_call() {
  Call c{"pipe2", {EMFILE, ENFILE}};
  c.prepare = [] {
    g_pipe[0] = g_pipe[1] = -1;
    snapshot_fds();
  };
  c.invoke = [] { return static_cast<long>(pipe2(g_pipe, O_CLOEXEC)); };
  c.check_child = [](bool failed, long, SafeBuf& change) {
    if (failed) {
      kernel_faults::check_no_new_fd(g_fd_before, change);
      return;
    }
    close(g_pipe[0]);
    close(g_pipe[1]);
  };
  return c;
}

KERNEL_FAULT_TEST(Pipe2FailureLeavesNoDescriptor, "injection.kernel.pipe2.failure-leaves-no-fd",
                  "Linux-only, pipe(2) ERRORS; fault-injection.rst fail-nth",
                  "pipe2() whose Nth kernel allocation fails returns -1 with EMFILE or ENFILE and "
                  "leaves no new descriptor",
                  pipe2_call)

Call eventfd_call() {
  Call c{"eventfd", {EMFILE, ENFILE, ENODEV, ENOMEM}};
  c.prepare = snapshot_fds;
  c.invoke = [] { return static_cast<long>(eventfd(0, EFD_CLOEXEC)); };
  c.check_child = no_new_fd;
  return c;
}

KERNEL_FAULT_TEST(EventfdFailureLeavesNoDescriptor, "injection.kernel.eventfd.failure-leaves-no-fd",
                  "Linux-only, eventfd(2) ERRORS; fault-injection.rst fail-nth",
                  "eventfd() whose Nth kernel allocation fails returns -1 with EMFILE, ENFILE, "
                  "ENODEV or ENOMEM and leaves no new descriptor",
                  eventfd_call)

sigset_t g_mask;

Call signalfd_call() {
  Call c{"signalfd", {EMFILE, ENFILE, ENODEV, ENOMEM}};
  c.prepare = [] {
    sigemptyset(&g_mask);
    sigaddset(&g_mask, SIGUSR1);
    snapshot_fds();
  };
  c.invoke = [] { return static_cast<long>(signalfd(-1, &g_mask, SFD_CLOEXEC)); };
  c.check_child = no_new_fd;
  return c;
}

KERNEL_FAULT_TEST(SignalfdFailureLeavesNoDescriptor,
                  "injection.kernel.signalfd.failure-leaves-no-fd",
                  "Linux-only, signalfd(2) ERRORS; fault-injection.rst fail-nth",
                  "signalfd(-1, ...) whose Nth kernel allocation fails returns -1 with EMFILE, "
                  "ENFILE, ENODEV or ENOMEM and leaves no new descriptor",
                  signalfd_call)

Call timerfd_create_call() {
  Call c{"timerfd_create", {EMFILE, ENFILE, ENODEV, ENOMEM}};
  c.tag = "timerfd";
  c.prepare = snapshot_fds;
  c.invoke = [] { return static_cast<long>(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)); };
  c.check_child = no_new_fd;
  return c;
}

KERNEL_FAULT_TEST(TimerfdCreateFailureLeavesNoDescriptor,
                  "injection.kernel.timerfd_create.failure-leaves-no-fd",
                  "Linux-only, timerfd_create(2) ERRORS; fault-injection.rst fail-nth",
                  "timerfd_create() whose Nth kernel allocation fails returns -1 with EMFILE, "
                  "ENFILE, ENODEV or ENOMEM and leaves no new descriptor",
                  timerfd_create_call)

pid_t g_self;

Call pidfd_open_call() {
  Call c{"pidfd_open", {EMFILE, ENFILE, ENODEV, ENOMEM}};
  c.prepare = [] {
    g_self = getpid();
    snapshot_fds();
  };
  c.invoke = [] { return static_cast<long>(pidfd_open(g_self, 0)); };
  c.check_child = no_new_fd;
  return c;
}

KERNEL_FAULT_TEST(PidfdOpenFailureLeavesNoDescriptor,
                  "injection.kernel.pidfd_open.failure-leaves-no-fd",
                  "Linux-only, pidfd_open(2) ERRORS; fault-injection.rst fail-nth",
                  "pidfd_open() whose Nth kernel allocation fails returns -1 with EMFILE, ENFILE, "
                  "ENODEV or ENOMEM and leaves no new descriptor",
                  pidfd_open_call)

}  // namespace
}  // namespace sigipc
