// Pipe capacity (Linux-only): F_GETPIPE_SZ and F_SETPIPE_SZ, fcntl(2), and the
// default capacity and /proc/sys/fs/pipe-max-size, pipe(7).
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <string>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

using pipes::DrainMatches;
using pipes::FillUntilEagain;

// fcntl(2): EINVAL when "the value specified in cmd is not recognized by this
// kernel" (before 2.6.35, or an emulator without it).
#define SIGIPC_REQUIRE_PIPE_SZ(fd)                                                           \
  do {                                                                                       \
    errno = 0;                                                                               \
    if (fcntl(fd, F_GETPIPE_SZ) == -1) {                                                     \
      if (errno == EINVAL) SIGIPC_UNSUPPORTED("fcntl(F_GETPIPE_SZ) is not recognized here"); \
      FAIL() << "fcntl(F_GETPIPE_SZ) on a pipe failed with " << ErrnoText(errno);            \
    }                                                                                        \
  } while (0)

// "the next higher power-of-two page-size multiple of the requested size",
// never below one page.
long rounded_capacity(long request, long page) {
  long pages = (request + page - 1) / page;
  long p2 = 1;
  while (p2 < pages) p2 <<= 1;
  return p2 * page;
}

SIGIPC_TEST(PipeCapacity, NewPipeHoldsSixteenPagesUnlessLimited, "pipe.capacity.default",
            "Linux-only, pipe(7)",
            "A new pipe's capacity (F_GETPIPE_SZ) is 16 pages; only an unprivileged user's limits "
            "(pipe-max-size, pipe-user-pages-soft) may lower it, never below one page") {
  Pipe p;
  SIGIPC_REQUIRE_PIPE_SZ(p.wr());
  const long page = static_cast<long>(page_size());
  const int cap = fcntl(p.wr(), F_GETPIPE_SZ);
  EXPECT_EQ(fcntl(p.rd(), F_GETPIPE_SZ), cap) << "both ends see one pipe";
  EXPECT_GE(cap, page);
  EXPECT_EQ(cap % page, 0) << "capacity " << cap << " is not a whole number of pages";
  // pipe-user-pages-soft binds only a user "with neither CAP_SYS_RESOURCE nor
  // CAP_SYS_ADMIN"; pipe-max-size is a ceiling only when below 16 pages.
  // Outside both, nothing may lower the default.
  const bool exempt = has_effective_cap(kCapSysResource) || has_effective_cap(kCapSysAdmin);
  const long max = probe_limits().pipe_max_size.value_or(0);
  if (exempt && max >= 16 * page) {
    EXPECT_EQ(cap, 16 * page) << "no per-user limit applies to this process";
  }
}

SIGIPC_TEST(PipeCapacity, SetPipeSizeRoundsUpToPowerOfTwoPages, "pipe.capacity.set-rounds-up",
            "Linux-only, fcntl(2)",
            "F_SETPIPE_SZ sets a capacity of at least arg (at least one page), returns it, and "
            "F_GETPIPE_SZ then reports it; Linux rounds to a power-of-two number of pages") {
  Pipe p;
  SIGIPC_REQUIRE_PIPE_SZ(p.wr());
  const long page = static_cast<long>(page_size());
  const long max = probe_limits().pipe_max_size.value_or(16 * page);
  for (long req : {1L, page - 1, page, page + 1, 3 * page, 5 * page + 1, 16 * page + 1, 1L}) {
    if (req > max) continue;  // EPERM territory for an unprivileged caller
    errno = 0;
    int got = fcntl(p.wr(), F_SETPIPE_SZ, static_cast<int>(req));
    ASSERT_NE(got, -1) << "F_SETPIPE_SZ " << req << " failed with " << ErrnoText(errno);
    EXPECT_GE(got, req) << "capacity must be at least the request";
    EXPECT_EQ(got, rounded_capacity(req, page)) << "request " << req << " (page " << page << ")";
    EXPECT_EQ(fcntl(p.rd(), F_GETPIPE_SZ), got) << "after F_SETPIPE_SZ " << req;
  }
}

SIGIPC_TEST(PipeCapacity, SetPipeSizeBelowQueuedDataFailsWithEbusy,
            "pipe.capacity.shrink-below-data-ebusy", "Linux-only, fcntl(2)",
            "F_SETPIPE_SZ to a capacity smaller than the data in the pipe fails with EBUSY and "
            "leaves capacity and data unchanged") {
  Pipe p;
  SIGIPC_REQUIRE_PIPE_SZ(p.wr());
  const long page = static_cast<long>(page_size());
  const int cap = fcntl(p.wr(), F_SETPIPE_SZ, static_cast<int>(4 * page));
  ASSERT_GE(cap, 4 * page) << "F_SETPIPE_SZ to four pages: " << ErrnoText(errno);
  PatternStream s;
  ASSERT_EQ(s.write_next(p.wr(), static_cast<std::size_t>(3 * page)), 3 * page);
  EXPECT_FAILS_WITH(fcntl(p.wr(), F_SETPIPE_SZ, static_cast<int>(page)), EBUSY);
  EXPECT_FAILS_WITH(fcntl(p.rd(), F_SETPIPE_SZ, static_cast<int>(2 * page)), EBUSY);
  EXPECT_EQ(fcntl(p.wr(), F_GETPIPE_SZ), cap);
  set_nonblocking(p.rd(), true);
  EXPECT_TRUE(DrainMatches(s, p.rd()));
}

SIGIPC_TEST(PipeCapacity, UnprivilegedSetAbovePipeMaxSizeFailsWithEperm,
            "pipe.capacity.above-max-eperm", "Linux-only, fcntl(2)",
            "F_SETPIPE_SZ above /proc/sys/fs/pipe-max-size by a process without CAP_SYS_RESOURCE "
            "fails with EPERM and leaves the capacity unchanged") {
  SIGIPC_REQUIRE_USER_SWITCH();
  Pipe p;
  SIGIPC_REQUIRE_PIPE_SZ(p.wr());
  auto max = probe_limits().pipe_max_size;
  if (!max) SIGIPC_UNSUPPORTED("/proc/sys/fs/pipe-max-size is absent");
  if (*max > INT_MAX / 4) SIGIPC_UNSUPPORTED("pipe-max-size is too large to exceed with an int");
  const int before = fcntl(p.wr(), F_GETPIPE_SZ);
  const int request = static_cast<int>(*max * 2);
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    CHILD_CHECK_ERRNO(fcntl(p.wr(), F_SETPIPE_SZ, request), EPERM);
    CHILD_CHECK_EQ(fcntl(p.wr(), F_GETPIPE_SZ), before);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PipeCapacity, PrivilegedSetMayExceedPipeMaxSize, "pipe.capacity.privileged-above-max",
            "Linux-only, fcntl(2)",
            "A process with CAP_SYS_RESOURCE may set a capacity above /proc/sys/fs/pipe-max-size") {
  if (!has_effective_cap(kCapSysResource))
    SIGIPC_UNSUPPORTED("the test process lacks CAP_SYS_RESOURCE");
  Pipe p;
  SIGIPC_REQUIRE_PIPE_SZ(p.wr());
  auto max = probe_limits().pipe_max_size;
  if (!max) SIGIPC_UNSUPPORTED("/proc/sys/fs/pipe-max-size is absent");
  if (*max > INT_MAX / 4) SIGIPC_UNSUPPORTED("pipe-max-size is too large to exceed with an int");
  const int request = static_cast<int>(*max * 2);
  errno = 0;
  int got = fcntl(p.wr(), F_SETPIPE_SZ, request);
  ASSERT_NE(got, -1) << "F_SETPIPE_SZ " << request << " failed with " << ErrnoText(errno);
  EXPECT_GE(got, request);
  EXPECT_EQ(fcntl(p.rd(), F_GETPIPE_SZ), got);
}

// A fresh pipe (empty) with capacity cap: one oversized non-blocking write and
// whole-page writes each fill exactly cap bytes before EAGAIN.
void expect_fills_exactly(int cap, long page) {
  SCOPED_TRACE("capacity " + std::to_string(cap));
  {
    Pipe p;
    if (cap != fcntl(p.wr(), F_GETPIPE_SZ)) {
      ASSERT_EQ(fcntl(p.wr(), F_SETPIPE_SZ, cap), cap);
    }
    set_nonblocking(p.wr(), true);
    set_nonblocking(p.rd(), true);
    PatternStream s;
    EXPECT_EQ(s.write_next(p.wr(), static_cast<std::size_t>(2 * cap + 1)), cap)
        << "one write of twice the capacity into an empty pipe";
    EXPECT_FAILS_WITH(s.write_next(p.wr(), 1), EAGAIN) << "the pipe holds its capacity";
    EXPECT_TRUE(DrainMatches(s, p.rd()));
  }
  {
    Pipe p;
    if (cap != fcntl(p.wr(), F_GETPIPE_SZ)) {
      ASSERT_EQ(fcntl(p.wr(), F_SETPIPE_SZ, cap), cap);
    }
    set_nonblocking(p.wr(), true);
    set_nonblocking(p.rd(), true);
    PatternStream s;
    std::size_t filled = 0;
    ASSERT_TRUE(FillUntilEagain(s, p.wr(), static_cast<std::size_t>(page), &filled, false));
    EXPECT_EQ(filled, static_cast<std::size_t>(cap)) << "page-sized writes until EAGAIN";
    EXPECT_TRUE(DrainMatches(s, p.rd()));
  }
}

SIGIPC_TEST(PipeCapacity, NonblockingWritesFillExactlyTheCapacity, "pipe.capacity.fill-exactly",
            "Linux-only, fcntl(2)",
            "Page-aligned non-blocking writes into an empty pipe are accepted up to exactly the "
            "F_GETPIPE_SZ capacity, then fail with EAGAIN") {
  Pipe probe;
  SIGIPC_REQUIRE_PIPE_SZ(probe.wr());
  const long page = static_cast<long>(page_size());
  expect_fills_exactly(fcntl(probe.wr(), F_GETPIPE_SZ), page);
  expect_fills_exactly(static_cast<int>(4 * page), page);
}

}  // namespace
}  // namespace sigipc
