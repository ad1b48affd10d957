// eventfd(2): the 8-byte counter itself — initial value, read, write,
// semaphore mode, buffer sizes and the overflow limit.
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/linux/linux_helpers.h"

namespace sigipc {
namespace {

using linux::read_u64;
using linux::write_u64;

constexpr std::uint64_t kMaxCounter = linux::kEventfdMax;

SIGIPC_TEST(LinuxEventfdCounter, ReadReturnsInitialValueAsUint64, "linux.eventfd.initval-read",
            "Linux-only, eventfd(2)",
            "read() of a new eventfd returns the initval given to eventfd() as an 8-byte "
            "integer") {
  UniqueFd fd(SETUP_OK(eventfd(5, 0)));
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8) << ErrnoText(errno);
  EXPECT_EQ(v, 5u);
}

SIGIPC_TEST(LinuxEventfdCounter, ReadResetsCounterToZero, "linux.eventfd.read-resets-zero",
            "Linux-only, eventfd(2)",
            "without EFD_SEMAPHORE a read() returns the counter value and resets the counter to "
            "zero") {
  UniqueFd fd(SETUP_OK(eventfd(9, EFD_NONBLOCK)));
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8) << ErrnoText(errno);
  ASSERT_EQ(v, 9u);
  // A counter of zero is what makes a non-blocking read fail with EAGAIN.
  EXPECT_FAILS_WITH(read_u64(fd.get(), &v), EAGAIN);
}

SIGIPC_TEST(LinuxEventfdCounter, WriteAddsValueToCounter, "linux.eventfd.write-adds",
            "Linux-only, eventfd(2)",
            "write() adds the 8-byte integer in its buffer to the counter and returns 8") {
  UniqueFd fd(SETUP_OK(eventfd(1, 0)));
  EXPECT_EQ(write_u64(fd.get(), 3), 8);
  EXPECT_EQ(write_u64(fd.get(), 40), 8);
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8) << ErrnoText(errno);
  EXPECT_EQ(v, 44u);
}

SIGIPC_TEST(LinuxEventfdCounter, NonblockingReadOfZeroCounterFailsWithEagain,
            "linux.eventfd.nonblock-read-zero-eagain", "Linux-only, eventfd(2)",
            "with EFD_NONBLOCK a read() of a zero counter fails with EAGAIN") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  std::uint64_t v = 0;
  EXPECT_FAILS_WITH(read_u64(fd.get(), &v), EAGAIN);
}

SIGIPC_TEST(LinuxEventfdCounter, SemaphoreModeReadReturnsOneAndDecrementsByOne,
            "linux.eventfd.semaphore-mode-decrements-one", "Linux-only, eventfd(2)",
            "with EFD_SEMAPHORE each read() of a nonzero counter returns 1 and decrements the "
            "counter by 1") {
  UniqueFd fd(SETUP_OK(eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK)));
  for (int i = 0; i < 3; ++i) {
    std::uint64_t v = 0;
    ASSERT_EQ(read_u64(fd.get(), &v), 8) << "read " << i << ": " << ErrnoText(errno);
    EXPECT_EQ(v, 1u) << "read " << i;
  }
  std::uint64_t v = 0;
  EXPECT_FAILS_WITH(read_u64(fd.get(), &v), EAGAIN) << "three reads must have used up 3";
}

SIGIPC_TEST(LinuxEventfdCounter, SemaphoreModeWriteAddsWholeValue,
            "linux.eventfd.semaphore-mode-write-adds", "Linux-only, eventfd(2)",
            "with EFD_SEMAPHORE a write() of n makes n further reads of 1 possible") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK)));
  ASSERT_EQ(write_u64(fd.get(), 2), 8);
  std::uint64_t v = 0;
  EXPECT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_FAILS_WITH(read_u64(fd.get(), &v), EAGAIN);
}

SIGIPC_TEST(LinuxEventfdCounter, ReadBufferShorterThanEightBytesFailsWithEinval,
            "linux.eventfd.read-short-buffer-einval", "Linux-only, eventfd(2)",
            "read() with a buffer of less than 8 bytes fails with EINVAL") {
  UniqueFd fd(SETUP_OK(eventfd(7, EFD_NONBLOCK)));
  char buf[7];
  EXPECT_FAILS_WITH(read(fd.get(), buf, sizeof buf), EINVAL);
  // The failed read consumed nothing.
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(v, 7u);
}

SIGIPC_TEST(LinuxEventfdCounter, ReadWithLargerBufferReturnsEightBytes,
            "linux.eventfd.read-returns-eight-bytes", "Linux-only, eventfd(2)",
            "a successful read() returns an 8-byte integer: 8 even when the buffer is larger") {
  UniqueFd fd(SETUP_OK(eventfd(6, 0)));
  std::uint64_t buf[2] = {0, 0xdeadbeefull};
  EXPECT_EQ(read(fd.get(), buf, sizeof buf), 8);
  EXPECT_EQ(buf[0], 6u);
  EXPECT_EQ(buf[1], 0xdeadbeefull) << "read() wrote past the 8-byte value";
}

SIGIPC_TEST(LinuxEventfdCounter, WriteBufferShorterThanEightBytesFailsWithEinval,
            "linux.eventfd.write-short-buffer-einval", "Linux-only, eventfd(2)",
            "write() with a buffer of less than 8 bytes fails with EINVAL") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  const char buf[4] = {1, 0, 0, 0};
  EXPECT_FAILS_WITH(write(fd.get(), buf, sizeof buf), EINVAL);
  std::uint64_t v = 0;
  EXPECT_FAILS_WITH(read_u64(fd.get(), &v), EAGAIN) << "the failed write changed the counter";
}

SIGIPC_TEST(LinuxEventfdCounter, WriteOfAllOnesFailsWithEinval, "linux.eventfd.write-max-einval",
            "Linux-only, eventfd(2)", "write() of the value 0xffffffffffffffff fails with EINVAL") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  EXPECT_FAILS_WITH(write_u64(fd.get(), ~std::uint64_t{0}), EINVAL);
  std::uint64_t v = 0;
  EXPECT_FAILS_WITH(read_u64(fd.get(), &v), EAGAIN) << "the failed write changed the counter";
}

SIGIPC_TEST(LinuxEventfdCounter, CounterHoldsUpToMaximumValue, "linux.eventfd.max-value",
            "Linux-only, eventfd(2)",
            "the counter can reach the largest value 0xfffffffffffffffe and read() returns it") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  ASSERT_EQ(write_u64(fd.get(), kMaxCounter - 1), 8) << ErrnoText(errno);
  ASSERT_EQ(write_u64(fd.get(), 1), 8) << ErrnoText(errno);
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(v, kMaxCounter);
}

SIGIPC_TEST(LinuxEventfdCounter, NonblockingWriteBeyondMaximumFailsWithEagain,
            "linux.eventfd.nonblock-overflow-eagain", "Linux-only, eventfd(2)",
            "with EFD_NONBLOCK a write() that would take the counter past 0xfffffffffffffffe "
            "fails with EAGAIN and leaves the counter unchanged") {
  UniqueFd fd(SETUP_OK(eventfd(0, EFD_NONBLOCK)));
  ASSERT_EQ(write_u64(fd.get(), kMaxCounter), 8) << ErrnoText(errno);
  EXPECT_FAILS_WITH(write_u64(fd.get(), 1), EAGAIN);
  std::uint64_t v = 0;
  ASSERT_EQ(read_u64(fd.get(), &v), 8);
  EXPECT_EQ(v, kMaxCounter);
}

SIGIPC_TEST(LinuxEventfdCounter, InvalidFlagsFailWithEinval, "linux.eventfd.invalid-flags-einval",
            "Linux-only, eventfd(2)",
            "eventfd() with an unsupported value in flags fails with "
            "EINVAL") {
  // Bit 1 is no EFD_* flag (EFD_SEMAPHORE is bit 0, the others are O_* bits).
  EXPECT_FAILS_WITH(eventfd(0, 2), EINVAL);
}

SIGIPC_TEST(LinuxEventfdCounter, FdinfoShowsCounterValue, "linux.eventfd.fdinfo-count",
            "Linux-only, eventfd(2)",
            "/proc/<pid>/fdinfo/<fd> of an eventfd shows the counter as eventfd-count (hex)") {
  UniqueFd fd(SETUP_OK(eventfd(0x2a, 0)));
  std::string v = linux::fdinfo_field(fd.get(), "eventfd-count");
  ASSERT_FALSE(v.empty()) << "no eventfd-count line in fdinfo";
  EXPECT_EQ(std::stoull(v, nullptr, 16), 0x2au) << v;
}

}  // namespace
}  // namespace sigipc
