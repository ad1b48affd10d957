// Linux-only views of a message queue (mq_overview(7)): a queue descriptor is
// a file descriptor that poll(2) reports ready for reading while a message is
// queued and for writing while there is room; the queue's file in a mounted
// mqueue file system reads as a status line (QSIZE, NOTIFY, SIGNO,
// NOTIFY_PID).
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace {

constexpr long kMqueueMagic = 0x19800202;  // statfs(2) f_type of an mqueue mount

short ready(mqd_t q) {
  struct pollfd p {
    static_cast<int>(q), POLLIN | POLLOUT, 0
  };
  SETUP_OK(poll(&p, 1, 0));
  return p.revents;
}

SIGIPC_TEST(PosixMqLinux, PollReportsMessagesAndRoom, "posix_mq.linux.poll-readiness",
            "Linux-only, mq_overview(7) Polling message queue descriptors",
            "poll() on a queue descriptor reports POLLOUT and no POLLIN while empty, both with a "
            "message and room left, and POLLIN without POLLOUT when full") {
  posix_mq::Queue q(2, 16);
  short r = ready(q.get());
  EXPECT_FALSE(r & POLLIN) << "empty queue polls readable";
  EXPECT_TRUE(r & POLLOUT) << "empty queue does not poll writable";
  ASSERT_SUCCEEDS(mq_send(q.get(), "a", 1, 0));
  r = ready(q.get());
  EXPECT_TRUE(r & POLLIN) << "a queued message does not poll readable";
  EXPECT_TRUE(r & POLLOUT) << "a queue with room does not poll writable";
  ASSERT_SUCCEEDS(mq_send(q.get(), "b", 1, 0));
  r = ready(q.get());
  EXPECT_TRUE(r & POLLIN) << "full queue does not poll readable";
  EXPECT_FALSE(r & POLLOUT) << "full queue polls writable";
}

// Where an mqueue file system of this IPC namespace is mounted, or "".
std::string mqueue_mount() {
  const char* env = std::getenv(kEnvMqDir);
  for (std::string d : {std::string(env && *env ? env : ""), std::string("/dev/mqueue")}) {
    struct statfs s {};
    if (!d.empty() && statfs(d.c_str(), &s) == 0 && s.f_type == kMqueueMagic) return d;
  }
  return "";
}

struct Status {
  unsigned long qsize = 0;
  int notify = -1, signo = -1, pid = -1;
};

Status read_status(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  SETUP_OK(fd.get());
  char buf[256] = {};
  SETUP_OK(read(fd.get(), buf, sizeof buf - 1));
  Status s;
  if (std::sscanf(buf, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &s.qsize, &s.notify, &s.signo,
                  &s.pid) != 4)
    ADD_FAILURE() << "unexpected status line: " << buf;
  return s;
}

SIGIPC_TEST(PosixMqLinux, QueueFileReadsQsizeAndNotification, "posix_mq.linux.mqueue-fs-status",
            "Linux-only, mq_overview(7) Obtaining information about a message queue",
            "Reading a queue's file in the mqueue file system gives QSIZE, the bytes of all "
            "queued messages, and NOTIFY_PID 0 until a process registers with mq_notify(), then "
            "its pid with NOTIFY 0 (SIGEV_SIGNAL) and SIGNO the signal") {
  std::string dir = mqueue_mount();
  if (dir.empty()) SIGIPC_UNSUPPORTED("no mqueue file system of this IPC namespace is mounted");
  SignalMask mask;
  mask.block(SIGUSR1);
  posix_mq::Queue q(4, 32);
  std::string path = dir + q.name();
  ASSERT_SUCCEEDS(mq_send(q.get(), "hello", 5, 0));
  ASSERT_SUCCEEDS(mq_send(q.get(), "abc", 3, 1));
  Status before = read_status(path);
  EXPECT_EQ(before.qsize, 8u);
  EXPECT_EQ(before.pid, 0);
  struct sigevent ev {};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  ASSERT_SUCCEEDS(mq_notify(q.get(), &ev));
  Status after = read_status(path);
  EXPECT_EQ(after.qsize, 8u);
  EXPECT_EQ(after.pid, getpid());
  EXPECT_EQ(after.notify, SIGEV_SIGNAL);
  EXPECT_EQ(after.signo, SIGUSR1);
}

}  // namespace
}  // namespace sigipc
