// eventfd(2): blocking, readiness (poll/select), descriptor flags and
// sharing across fork.
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <unistd.h>

#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

using linux::nothing_to_read;
using linux::poll_now;
using linux::read_u64;
using linux::wait_until_sleeping;
using linux::write_u64;

constexpr std::uint64_t kMaxCounter = linux::kEventfdMax;

SIGIPC_TEST(LinuxEventfdWait, ReadOfZeroCounterBlocksUntilWrite, "linux.eventfd.read-zero-blocks",
            "Linux-only, eventfd(2)",
            "without EFD_NONBLOCK a read() of a zero counter blocks until the counter becomes "
            "nonzero, then returns the value") {
  UniqueFd fd(SETUP_OK(eventfd(0, 0)));
  Gate started;
  Pipe done;
  Child child([&] {
    started.open();
    std::uint64_t v = 0;
    CHILD_CHECK_EQ(read_u64(fd.get(), &v), 8);
    CHILD_CHECK_EQ(v, 77);
    CHILD_CHECK_EQ(write(done.wr(), "x", 1), 1);
  });
  done.close_wr();
  started.wait();
  ASSERT_TRUE(wait_until_sleeping(child.pid())) << "the reader never blocked";
  EXPECT_TRUE(nothing_to_read(done.rd())) << "read() of a zero counter returned without a write";
  ASSERT_EQ(write_u64(fd.get(), 77), 8);
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(LinuxEventfdWait, WriteBeyondMaximumBlocksUntilRead,
            "linux.eventfd.overflow-write-blocks", "Linux-only, eventfd(2)",
            "without EFD_NONBLOCK a write() that would take the counter past "
            "0xfffffffffffffffe blocks until a read() makes room, then adds its value") {
  UniqueFd fd(SETUP_OK(eventfd(0, 0)));
  ASSERT_EQ(write_u64(fd.get(), kMaxCounter), 8);
  Gate started;
  Pipe done;
  Child child([&] {
    started.open();
    CHILD_CHECK_EQ(write_u64(fd.get(), 5), 8);
    CHILD_CHECK_EQ(write(done.wr(), "x", 1), 1);
  });
  done.close_wr();
  started.wait();
  ASSERT_TRUE(wait_until_sleeping(child.pid())) << "the writer never blocked";
  EXPECT_TRUE(nothing_to_read(done.rd())) << "the overflowing write() did not block";
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(v, kMaxCounter);
  EXPECT_CHILD_OK(child.wait());
  ASSERT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(v, 5u) << "the released write() must add its value to the emptied counter";
}

SIGIPC_TEST(LinuxEventfdWait, PollInSetExactlyWhenCounterPositive,
            "linux.eventfd.poll-readable-when-positive", "Linux-only, eventfd(2)",
            "poll() reports POLLIN on an eventfd exactly when the counter is greater than 0") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  EXPECT_EQ(poll_now(fd.get(), POLLIN) & POLLIN, 0) << "counter 0";
  ASSERT_EQ(write_u64(fd.get(), 1), 8);
  EXPECT_NE(poll_now(fd.get(), POLLIN) & POLLIN, 0) << "counter 1";
  std::uint64_t v;
  ASSERT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(poll_now(fd.get(), POLLIN) & POLLIN, 0) << "counter read back to 0";
}

SIGIPC_TEST(LinuxEventfdWait, PollOutSetExactlyWhenWriteOfOneWouldNotBlock,
            "linux.eventfd.poll-writable-when-room", "Linux-only, eventfd(2)",
            "poll() reports POLLOUT on an eventfd exactly when a write() of 1 would not block") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  EXPECT_NE(poll_now(fd.get(), POLLOUT) & POLLOUT, 0) << "counter 0";
  ASSERT_EQ(write_u64(fd.get(), kMaxCounter - 1), 8);
  EXPECT_NE(poll_now(fd.get(), POLLOUT) & POLLOUT, 0) << "counter max-1: a 1 still fits";
  ASSERT_EQ(write_u64(fd.get(), 1), 8);
  EXPECT_EQ(poll_now(fd.get(), POLLOUT) & POLLOUT, 0) << "counter at 0xfffffffffffffffe";
}

SIGIPC_TEST(LinuxEventfdWait, SelectReportsReadableAndWritable, "linux.eventfd.select-readiness",
            "Linux-only, eventfd(2)",
            "select() marks an eventfd readable when the counter is > 0 and writable when a "
            "write of 1 would not block") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  auto ready = [&](bool* r, bool* w) {
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(fd.get(), &rs);
    FD_SET(fd.get(), &ws);
    timeval tv{0, 0};
    SETUP_OK(select(fd.get() + 1, &rs, &ws, nullptr, &tv));
    *r = FD_ISSET(fd.get(), &rs);
    *w = FD_ISSET(fd.get(), &ws);
  };
  bool r, w;
  ready(&r, &w);
  EXPECT_FALSE(r) << "counter 0";
  EXPECT_TRUE(w) << "counter 0";
  ASSERT_EQ(write_u64(fd.get(), kMaxCounter), 8);
  ready(&r, &w);
  EXPECT_TRUE(r) << "counter at max";
  EXPECT_FALSE(w) << "counter at max";
}

SIGIPC_TEST(LinuxEventfdWait, EfdCloexecSetsCloseOnExec, "linux.eventfd.efd-cloexec",
            "Linux-only, eventfd(2)",
            "EFD_CLOEXEC sets FD_CLOEXEC on the new descriptor; without it FD_CLOEXEC is clear") {
  UniqueFd with(SETUP_OK(eventfd(0, EFD_CLOEXEC)));
  UniqueFd without(SETUP_OK(eventfd(0, 0)));
  EXPECT_NE(linux::fd_flags(with.get()) & FD_CLOEXEC, 0);
  EXPECT_EQ(linux::fd_flags(without.get()) & FD_CLOEXEC, 0);
}

SIGIPC_TEST(LinuxEventfdWait, EfdNonblockSetsONonblock, "linux.eventfd.efd-nonblock",
            "Linux-only, eventfd(2)",
            "EFD_NONBLOCK sets O_NONBLOCK on the open file description; without it O_NONBLOCK "
            "is clear") {
  UniqueFd with(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  UniqueFd without(SETUP_OK(eventfd(0, 0)));
  EXPECT_NE(linux::status_flags(with.get()) & O_NONBLOCK, 0);
  EXPECT_EQ(linux::status_flags(without.get()) & O_NONBLOCK, 0);
}

SIGIPC_TEST(LinuxEventfdWait, CounterIsSharedAcrossFork, "linux.eventfd.shared-across-fork",
            "Linux-only, eventfd(2)",
            "a child created by fork() inherits the eventfd and its writes reach the same "
            "counter the parent reads") {
  UniqueFd fd(SETUP_OK(eventfd(0, 0)));
  WaitStatus st = RunInChild([&] { CHILD_CHECK_EQ(write_u64(fd.get(), 12), 8); });
  ASSERT_CHILD_OK(st);
  std::uint64_t v = 0;
  SETUP_OK(fcntl(fd.get(), F_SETFL, O_NONBLOCK));  // a missing value must not hang
  ASSERT_EQ(read_u64(fd.get(), &v), 8) << ErrnoText(errno);
  EXPECT_EQ(v, 12u);
}

SIGIPC_TEST(LinuxEventfdWait, EpollReportsReadableWhenCounterPositive,
            "linux.eventfd.epoll-readable", "Linux-only, eventfd(2)",
            "epoll reports EPOLLIN for an eventfd once its counter is greater than 0, and not "
            "before") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  UniqueFd ep(SETUP_OK(epoll_create1(EPOLL_CLOEXEC)));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd.get();
  SETUP_OK(epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd.get(), &ev));
  epoll_event out{};
  EXPECT_EQ(epoll_wait(ep.get(), &out, 1, 0), 0) << "counter 0";
  ASSERT_EQ(write_u64(fd.get(), 3), 8);
  ASSERT_EQ(epoll_wait(ep.get(), &out, 1, 0), 1) << "counter 3";
  EXPECT_EQ(out.data.fd, fd.get());
  EXPECT_NE(out.events & EPOLLIN, 0u);
}

}  // namespace
}  // namespace sigipc
