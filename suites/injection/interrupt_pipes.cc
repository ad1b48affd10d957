// Pipes: readv()/writev() follow read()/write() (signal(7): "read(2),
// readv(2), write(2), writev(2) ... on slow devices" restart under SA_RESTART,
// else EINTR; XSH readv()/writev() take read()/write()'s [EINTR]). Plain
// read() and write() on a pipe, one byte, with and without SA_RESTART, are in
// suites/signals/flags_restart.cc and not repeated here.
//
// A write interrupted after it moved data returns the count moved, with or
// without SA_RESTART (XSH write(): "If write() is interrupted by a signal after
// it successfully writes some data, it shall return the number of bytes
// written"). The matching read case does not arise on a pipe: read() returns
// as soon as any data is available and blocks only while none has arrived,
// so an interrupted pipe read has always moved nothing.
#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <memory>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/io.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/injection/interrupt_helpers.h"

namespace sigipc {
namespace {

// Pattern streams (fixtures/io.h), disjoint byte values: the bytes that fill
// a pipe before a blocked write, and the bytes of the write under test.
constexpr unsigned kFill = 0;
constexpr unsigned kTag = 1;

// readv() of two one-byte buffers: the first gets the byte that is released.
ssize_t readv_two(int fd, char* a, char* b) {
  iovec v[2] = {{a, 1}, {b, 1}};
  return readv(fd, v, 2);
}

// writev() of two bytes (below PIPE_BUF: written whole or not at all, so an
// interrupted call has no partial count to return).
ssize_t writev_two(int fd) {
  static unsigned char a = pattern_byte(kTag, 0), b = pattern_byte(kTag, 1);
  iovec v[2] = {{&a, 1}, {&b, 1}};
  return writev(fd, v, 2);
}

// One page out of a full pipe: room for the two-byte writev().
void read_one_page(int rd) {
  static char buf[4096];
  ssize_t n;
  do {
    n = read(rd, buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) setup_error_errno(__FILE__, __LINE__, "read() from the full pipe", errno);
}

SIGIPC_TEST(Interruption, PipeReadvRestartedUnderSaRestart,
            "injection.interrupt.pipe-readv.restart", "XSH sigaction() SA_RESTART; signal(7)",
            "A readv() blocked on an empty pipe and interrupted by a handler installed with "
            "SA_RESTART is restarted and returns the byte written afterwards") {
  Pipe data;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      SA_RESTART,
      [&] {
        char a = 0, b = 0;
        ssize_t n = -2;
        CHILD_CHECK_OK(n = readv_two(data.rd(), &a, &b));
        CHILD_CHECK_EQ(n, 1);
        CHILD_CHECK_EQ(a, 'x');
      },
      [&] { injection::put_byte(data.wr(), 'x'); }, "readv() on an empty pipe"));
}

SIGIPC_TEST(Interruption, PipeReadvFailsWithEintrWithoutSaRestart,
            "injection.interrupt.pipe-readv.eintr", "XSH readv(); XSH read() [EINTR]",
            "A readv() blocked on an empty pipe and interrupted by a handler installed without "
            "SA_RESTART fails with EINTR and consumes nothing") {
  Pipe data;
  EXPECT_INTERRUPT_OK(InterruptOnce(
      0,
      [&] {
        char a = 0, b = 0;
        CHILD_CHECK_ERRNO(readv_two(data.rd(), &a, &b), EINTR);
      },
      [&] { injection::put_byte(data.wr(), 'x'); }, "readv() on an empty pipe"));
  char c = 0;
  ASSERT_SUCCEEDS(fcntl(data.rd(), F_SETFL, O_NONBLOCK));
  EXPECT_EQ(read(data.rd(), &c, 1), 1) << "the byte released after the EINTR was consumed";
  EXPECT_EQ(c, 'x');
}

SIGIPC_TEST(Interruption, PipeWritevRestartedUnderSaRestart,
            "injection.interrupt.pipe-writev.restart", "XSH sigaction() SA_RESTART; signal(7)",
            "A writev() blocked on a full pipe and interrupted by a handler installed with "
            "SA_RESTART is restarted and writes its bytes once there is room") {
  Pipe data;
  const long long filled = fill_pipe(data.wr(), kFill);
  EXPECT_INTERRUPT_OK(InterruptOnce(
      SA_RESTART,
      [&] {
        ssize_t n = -2;
        CHILD_CHECK_OK(n = writev_two(data.wr()));
        CHILD_CHECK_EQ(n, 2);
      },
      [&] { read_one_page(data.rd()); }, "writev() to a full pipe"));
  // What is left: the fill after its first page, then the two bytes.
  std::unique_ptr<char[]> rest(new char[filled]);
  const long long left = filled - 4096;
  ASSERT_EQ(read_all(data.rd(), rest.get(), static_cast<std::size_t>(left + 2)),
            static_cast<std::size_t>(left + 2));
  EXPECT_EQ(static_cast<unsigned char>(rest[left]), pattern_byte(kTag, 0));
  EXPECT_EQ(static_cast<unsigned char>(rest[left + 1]), pattern_byte(kTag, 1));
}

SIGIPC_TEST(Interruption, PipeWritevFailsWithEintrWithoutSaRestart,
            "injection.interrupt.pipe-writev.eintr", "XSH writev(); XSH write() [EINTR]",
            "A writev() blocked on a full pipe and interrupted, before moving data, by a handler "
            "installed without SA_RESTART fails with EINTR and writes nothing") {
  Pipe data;
  const long long filled = fill_pipe(data.wr(), kFill);
  EXPECT_INTERRUPT_OK(InterruptOnce(
      0, [&] { CHILD_CHECK_ERRNO(writev_two(data.wr()), EINTR); },
      [&] { read_one_page(data.rd()); }, "writev() to a full pipe"));
  // Only the rest of the fill may be there.
  const long long left = filled - 4096;
  std::unique_ptr<char[]> rest(new char[filled]);
  ASSERT_EQ(read_all(data.rd(), rest.get(), static_cast<std::size_t>(left)),
            static_cast<std::size_t>(left));
  ASSERT_SUCCEEDS(fcntl(data.rd(), F_SETFL, O_NONBLOCK));
  char extra;
  EXPECT_FAILS_WITH(read(data.rd(), &extra, 1), EAGAIN)
      << "bytes of the interrupted writev() reached the pipe";
}

// The writer moves a pipe's capacity and blocks for the rest; the signal then
// ends the call with the count moved, SA_RESTART or not. A platform that
// restarted it would block again (a failure after the safety net); one that
// returned -1 would lose the bytes already in the pipe.
void ExpectPartialWriteCount(int sa_flags) {
  Pipe data;
  Pipe report;
  const long cap = SETUP_OK(fcntl(data.wr(), F_GETPIPE_SZ));
  const long long len = cap + 3 * 4096;
  std::unique_ptr<char[]> buf(new char[len]);
  fill_pattern(buf.get(), static_cast<std::size_t>(len), kTag);
  EXPECT_INTERRUPT_OK(InterruptOnce(
      sa_flags,
      [&] {
        report.close_rd();
        ssize_t n = write(data.wr(), buf.get(), static_cast<size_t>(len));
        CHILD_CHECK(n > 0);
        CHILD_CHECK(n < len);
        injection::send_count(report.wr(), n);
      },
      injection::release_nothing, "write() larger than the pipe"));
  report.close_wr();
  long long returned = -1;
  ASSERT_TRUE(injection::recv_count(report.rd(), &returned)) << "the child reported no count";
  const long long in_pipe = drain_pattern(data.rd(), kTag);
  ASSERT_GE(in_pipe, 0) << "byte " << (-1 - in_pipe) << " in the pipe is not the one written";
  EXPECT_EQ(in_pipe, returned) << "write() returned " << returned << " but " << in_pipe
                               << " bytes reached the pipe";
}

SIGIPC_TEST(Interruption, PipeWriteInterruptedAfterDataReturnsCount,
            "injection.interrupt.pipe-write.partial-count", "XSH write()",
            "A blocking write() larger than the pipe, interrupted by a handler (no SA_RESTART) "
            "after moving data, returns the number of bytes written, all of which reach the "
            "reader") {
  ExpectPartialWriteCount(0);
}

SIGIPC_TEST(Interruption, PipeWriteInterruptedAfterDataReturnsCountUnderSaRestart,
            "injection.interrupt.pipe-write.partial-count-restart",
            "XSH write(); XSH sigaction() SA_RESTART; signal(7)",
            "A blocking write() larger than the pipe, interrupted after moving data by a handler "
            "installed with SA_RESTART, returns the number of bytes written rather than "
            "restarting") {
  ExpectPartialWriteCount(SA_RESTART);
}

}  // namespace
}  // namespace sigipc
