// Moving data into and between pipes inside the kernel (Linux-only):
// tee(2) duplicates up to len bytes of one pipe into another without
// consuming them, waiting for data or for room unless nonblocking; splice(2)
// moves up to len bytes from a file into a pipe.
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/io.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"

namespace sigipc {
namespace {

// Up to n bytes that fd holds now, as a string: every byte a test reads was
// put in the pipe before, so a read that would wait ends the string instead
// of hanging.
std::string read_n(int fd, std::size_t n) {
  std::string s;
  char buf[4096];
  while (s.size() < n) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, 0) != 1) break;
    ssize_t r = read(fd, buf, std::min(sizeof buf, n - s.size()));
    if (r <= 0) break;
    s.append(buf, static_cast<std::size_t>(r));
  }
  return s;
}

// tee() is absent under some sandboxes and emulators.
#define SIGIPC_TEE_OR_SKIP(r)                                                             \
  do {                                                                                    \
    if ((r) < 0 && (errno == ENOSYS || errno == EINVAL))                                  \
      SIGIPC_UNSUPPORTED("tee() between two pipes is refused here: " + ErrnoText(errno)); \
  } while (0)

SIGIPC_TEST(PipeTee, TeeDuplicatesWithoutConsuming, "pipe.tee.duplicates-without-consuming",
            "tee(2) (Linux-only)",
            "tee() copies the data of one pipe into another (either way round) and returns the "
            "count; the input pipe still holds the same data") {
  Pipe in, out;
  ASSERT_TRUE(write_all(in.wr(), "duplicate me", 12));
  ssize_t r = tee(in.rd(), out.wr(), 100, 0);
  SIGIPC_TEE_OR_SKIP(r);
  ASSERT_EQ(r, 12) << ErrnoText(errno);
  EXPECT_EQ(read_n(out.rd(), 12), "duplicate me");
  EXPECT_EQ(read_n(in.rd(), 12), "duplicate me") << "tee() must not consume its input";
  // And the other way round, from the former output into the former input.
  ASSERT_TRUE(write_all(out.wr(), "back", 4));
  ASSERT_EQ(tee(out.rd(), in.wr(), 100, 0), 4) << ErrnoText(errno);
  EXPECT_EQ(read_n(in.rd(), 4), "back");
  EXPECT_EQ(read_n(out.rd(), 4), "back") << "tee() must not consume its input";
}

SIGIPC_TEST(PipeTee, NonblockingTeeOnAnEmptyPipeFailsWithEagain, "pipe.tee.nonblock-empty-eagain",
            "tee(2) (Linux-only)",
            "tee() with SPLICE_F_NONBLOCK from an empty pipe that still has a writer fails with "
            "EAGAIN") {
  Pipe in, out;
  ssize_t r = tee(in.rd(), out.wr(), 100, SPLICE_F_NONBLOCK);
  SIGIPC_TEE_OR_SKIP(r);
  EXPECT_EQ(r, -1);
  EXPECT_EQ(errno, EAGAIN) << ErrnoText(errno);
}

SIGIPC_TEST(PipeTee, BlockingTeeWaitsForData, "pipe.tee.waits-for-data", "tee(2) (Linux-only)",
            "A blocking tee() from an empty pipe with a writer waits until data is written, then "
            "duplicates it") {
  Pipe in, out;
  Child c([&] {
    ssize_t r = tee(in.rd(), out.wr(), 100, 0);
    CHILD_CHECK_EQ(r, 5);
  });
  ASSERT_TRUE(wait_until_sleeping(c.pid())) << "the child never blocked in tee()";
  ASSERT_TRUE(write_all(in.wr(), "wakes", 5));
  WaitStatus st = c.wait();
  EXPECT_CHILD_OK(st);
  EXPECT_EQ(read_n(out.rd(), 5), "wakes");
}

SIGIPC_TEST(PipeTee, BlockingTeeWaitsForRoom, "pipe.tee.waits-for-room", "tee(2) (Linux-only)",
            "A blocking tee() into a full pipe waits until a reader makes room, then duplicates "
            "the data") {
  Pipe in, out;
  const long long filled = fill_pipe(out.wr(), 3);
  ASSERT_TRUE(write_all(in.wr(), "late", 4));
  Child c([&] { CHILD_CHECK_EQ(tee(in.rd(), out.wr(), 4, 0), 4); });
  ASSERT_TRUE(wait_until_sleeping(c.pid())) << "the child never blocked in tee()";
  // Reading the filler in order makes room; the duplicate lands after it.
  std::vector<char> buf(static_cast<std::size_t>(filled));
  ASSERT_EQ(read_all(out.rd(), buf.data(), buf.size()), buf.size());
  EXPECT_EQ(pattern_mismatch(buf.data(), buf.size(), 3), -1) << "the filler data, intact";
  EXPECT_CHILD_OK(c.wait());
  EXPECT_EQ(read_n(out.rd(), 4), "late");
}

SIGIPC_TEST(PipeSplice, SpliceMovesFileDataIntoAPipe, "pipe.splice.file-into-pipe",
            "splice(2) (Linux-only)",
            "splice() from a regular file into a pipe transfers up to len bytes from the file "
            "offset, returns their count and advances the offset; the pipe then gives those "
            "bytes") {
  const std::string path = UniqueTempPath("splice.src");
  UniqueFd file(SETUP_OK(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)));
  SETUP_OK(unlink(path.c_str()));
  std::vector<char> data(3000);
  fill_pattern(data.data(), data.size(), 4);
  ASSERT_TRUE(write_all(file.get(), data.data(), data.size()));
  SETUP_OK(lseek(file.get(), 0, SEEK_SET));
  Pipe p;
  ssize_t r = splice(file.get(), nullptr, p.wr(), nullptr, data.size(), 0);
  if (r < 0 && (errno == ENOSYS || errno == EINVAL))
    SIGIPC_UNSUPPORTED("splice() from a regular file is refused here: " + ErrnoText(errno));
  ASSERT_GT(r, 0) << ErrnoText(errno);
  ASSERT_LE(r, 3000);
  EXPECT_EQ(lseek(file.get(), 0, SEEK_CUR), r) << "the file offset after splice()";
  std::string got = read_n(p.rd(), static_cast<std::size_t>(r));
  ASSERT_EQ(got.size(), static_cast<std::size_t>(r));
  EXPECT_EQ(pattern_mismatch(got.data(), got.size(), 4), -1) << "first wrong byte";
}

SIGIPC_TEST(PipeSplice, SpliceFromAHoleGivesZeroBytes, "pipe.splice.file-hole-zeros",
            "splice(2) (Linux-only), XSH lseek()",
            "splice() from a region of a file that was never written (a hole after ftruncate) "
            "moves bytes of value 0 into the pipe, as read() would give") {
  UniqueFd file(memfd_create("sigipc-splice-hole", MFD_CLOEXEC));
  if (!file) SIGIPC_UNSUPPORTED("memfd_create() is not available: " + ErrnoText(errno));
  SETUP_OK(ftruncate(file.get(), 3000));
  Pipe p;
  ssize_t r = splice(file.get(), nullptr, p.wr(), nullptr, 3000, 0);
  if (r < 0 && (errno == ENOSYS || errno == EINVAL))
    SIGIPC_UNSUPPORTED("splice() from a memfd is refused here: " + ErrnoText(errno));
  ASSERT_GT(r, 0) << ErrnoText(errno);
  ASSERT_LE(r, 3000);
  std::string got = read_n(p.rd(), static_cast<std::size_t>(r));
  EXPECT_EQ(got, std::string(static_cast<std::size_t>(r), '\0'));
}

}  // namespace
}  // namespace sigipc
