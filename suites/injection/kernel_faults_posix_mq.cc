// injection.kernel: the POSIX message queue calls with a kernel allocation
// failed (kernel_faults_helpers.h). Allowed errnos, the resource errnos of
// each page's ERRORS: mq_open(3) ENOMEM, ENOSPC, ENFILE, EMFILE;
// mq_notify(3) ENOMEM; mq_send(3) lists none (its EAGAIN is a full queue
// under O_NONBLOCK; the queue here is neither), so any failure of
// mq_timedsend is one its page does not document.
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "suites/injection/kernel_faults_helpers.h"

namespace sigipc {
namespace {

using kernel_faults::Call;

mq_attr small_attr() {
  mq_attr a{};
  a.mq_maxmsg = 4;
  a.mq_msgsize = 64;
  return a;
}

Call mq_open_call(const char* name) {
  Call c{"mq_open", {ENOMEM, ENOSPC, ENFILE, EMFILE}};
  static mq_attr attr;
  static int fd_before;
  c.prepare = [] {
    attr = small_attr();
    fd_before = kernel_faults::lowest_free_fd();
  };
  c.invoke = [name] {
    return static_cast<long>(mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr));
  };
  c.check_child = [](bool failed, long ret, SafeBuf& change) {
    if (failed)
      kernel_faults::check_no_new_fd(fd_before, change);
    else
      mq_close(static_cast<mqd_t>(ret));
  };
  c.check_parent = [name](bool failed) {
    const mqd_t q = mq_open(name, O_RDONLY | O_CLOEXEC);
    std::string change;
    if (failed && q != static_cast<mqd_t>(-1)) change = "a queue with the name exists";
    if (!failed && q == static_cast<mqd_t>(-1)) change = "succeeded, yet no queue has the name";
    if (q != static_cast<mqd_t>(-1)) {
      mq_close(q);
      mq_unlink(name);
    }
    return change;
  };
  return c;
}

SIGIPC_TEST_T(KernelFaults, MqOpenFailureCreatesNoQueue, kernel_faults::kTimeoutS,
              "injection.kernel.mq_open.failure-creates-no-queue",
              "Linux-only, mq_open(3) ERRORS; fault-injection.rst fail-nth",
              "mq_open(O_CREAT|O_EXCL) whose Nth kernel allocation fails returns (mqd_t) -1 with "
              "ENOMEM, ENOSPC, ENFILE or EMFILE, leaves no queue with the name and no new "
              "descriptor") {
  std::string why;
  if (!kfault::available(&why)) SIGIPC_UNSUPPORTED(why);
  MqName name("kfault");
  kernel_faults::ExpectFaultsLeaveNoTrace(mq_open_call(name.c_str()));
}

std::vector<std::string> drain(mqd_t q) {
  std::vector<std::string> got;
  char buf[64];
  for (;;) {
    const ssize_t r = mq_receive(q, buf, sizeof buf, nullptr);
    if (r < 0) {
      if (errno != EAGAIN) setup_error_errno(__FILE__, __LINE__, "mq_receive", errno);
      return got;
    }
    got.emplace_back(buf, static_cast<std::size_t>(r));
  }
}

Call mq_timedsend_call(mqd_t q, mqd_t reader) {
  Call c{"mq_timedsend", {}};
  static timespec until;
  c.prepare = [] {
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
  };
  c.invoke = [q] { return static_cast<long>(mq_timedsend(q, "two", 3, 2, &until)); };
  c.check_parent = [reader](bool failed) {
    mq_attr a{};
    SETUP_OK(mq_getattr(reader, &a));
    const std::vector<std::string> want =
        failed ? std::vector<std::string>{"one"} : std::vector<std::string>{"two", "one"};
    std::string change;
    if (a.mq_curmsgs != static_cast<long>(want.size()))
      change = "mq_curmsgs " + std::to_string(a.mq_curmsgs) + ", expected " +
               std::to_string(want.size());
    const std::vector<std::string> got = drain(reader);
    if (got != want) {
      std::string s;
      for (const auto& g : got) s += (s.empty() ? "" : " ") + g;
      change += (change.empty() ? "" : ", and ") + std::string("queue holds [") + s + "]";
    }
    SETUP_OK(mq_send(reader, "one", 3, 1));
    return change;
  };
  return c;
}

SIGIPC_TEST_T(KernelFaults, MqTimedsendFailureLeavesQueueUnchanged, kernel_faults::kTimeoutS,
              "injection.kernel.mq_timedsend.failure-leaves-queue-unchanged",
              "Linux-only, mq_send(3) ERRORS; fault-injection.rst fail-nth",
              "mq_timedsend() to a queue with room whose Nth kernel allocation fails returns -1 "
              "only with an errno mq_send(3) documents and leaves the queue's messages and "
              "mq_curmsgs as they were") {
  std::string why;
  if (!kfault::available(&why)) SIGIPC_UNSUPPORTED(why);
  MqName name("kfault");
  mq_attr a = small_attr();
  MqHandle q(SETUP_OK(mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &a)));
  MqHandle reader(SETUP_OK(mq_open(name.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC)));
  SETUP_OK(mq_send(q.get(), "one", 3, 1));
  kernel_faults::ExpectFaultsLeaveNoTrace(mq_timedsend_call(q.get(), reader.get()));
}

Call mq_notify_call(mqd_t q) {
  Call c{"mq_notify", {ENOMEM}};
  static sigevent sev;
  c.prepare = [] {
    std::memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
  };
  c.invoke = [q] { return static_cast<long>(mq_notify(q, &sev)); };
  // A registration blocks any other (EBUSY, even for the same process).
  c.check_child = [q](bool failed, long, SafeBuf& change) {
    const int r = mq_notify(q, &sev);
    const int e = errno;
    if (failed && r != 0) change.str("a second mq_notify failed with ").errno_text(e);
    if (!failed && !(r == -1 && e == EBUSY))
      change.str("succeeded, yet a second mq_notify was not refused with EBUSY");
    mq_notify(q, nullptr);
  };
  c.check_parent = [q](bool) {
    sigevent s{};
    s.sigev_notify = SIGEV_NONE;
    if (mq_notify(q, &s) != 0)
      return "after the child's exit a registration is left: mq_notify failed with " +
             std::string(std::strerror(errno));
    mq_notify(q, nullptr);
    return std::string();
  };
  return c;
}

SIGIPC_TEST_T(KernelFaults, MqNotifyFailureRegistersNothing, kernel_faults::kTimeoutS,
              "injection.kernel.mq_notify.failure-registers-nothing",
              "Linux-only, mq_notify(3) ERRORS; fault-injection.rst fail-nth",
              "mq_notify() whose Nth kernel allocation fails returns -1 with ENOMEM and leaves "
              "the queue without a notification registration") {
  std::string why;
  if (!kfault::available(&why)) SIGIPC_UNSUPPORTED(why);
  MqName name("kfault");
  mq_attr a = small_attr();
  MqHandle q(SETUP_OK(mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &a)));
  kernel_faults::ExpectFaultsLeaveNoTrace(mq_notify_call(q.get()));
}

}  // namespace
}  // namespace sigipc
