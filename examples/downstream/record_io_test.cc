// record_io's rules, tested the sigipc way: each test runs in its own process
// under the runner, forked children report through CHILD_CHECK, IPC objects
// belong to guards, and the injectors make the interruptions and failures the
// code has to survive happen on purpose.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "injectors/signal_injector.h"
#include "injectors/syscall_fail.h"
#include "record_io.h"

namespace {

using sigipc::Child;
using sigipc::Gate;
using sigipc::Pipe;
using sigipc::WaitStatus;

// More than a pipe holds (64 KiB on Linux), so the writer blocks and resumes.
constexpr std::size_t kLarge = 256 * 1024;
constexpr std::size_t kHuge = 1 << 20;

unsigned char pattern(std::size_t i) { return static_cast<unsigned char>(i * 7 % 251); }

std::vector<unsigned char> patterned(std::size_t len) {
  std::vector<unsigned char> v(len);
  for (std::size_t i = 0; i < len; ++i) v[i] = pattern(i);
  return v;
}

// In a child: reads len bytes from fd and checks every one.
void child_read_and_check(int fd, std::size_t len) {
  static unsigned char buf[kHuge];
  CHILD_CHECK(len <= sizeof buf);
  CHILD_CHECK(record_io::read_all(fd, buf, len));
  for (std::size_t i = 0; i < len; ++i) CHILD_CHECK_EQ(buf[i], pattern(i));
}

SIGIPC_TEST(
    RecordIo, WriteAllDeliversMoreThanThePipeHoldsToAnotherProcess,
    "record_io.write-all.whole-record", "record_io.h write_all(); XSH write()",
    "write_all() delivers every byte of a record larger than the pipe's capacity, in order") {
  Pipe p;
  Child reader([&] {
    p.close_wr();
    child_read_and_check(p.rd(), kLarge);
  });
  p.close_rd();
  const auto data = patterned(kLarge);
  ASSERT_TRUE(record_io::write_all(p.wr(), data.data(), data.size())) << strerror(errno);
  p.close_wr();
  EXPECT_CHILD_OK(reader.wait());
}

SIGIPC_TEST(RecordIo, ReadAllJoinsPartialReadsFromAFifo, "record_io.read-all.partial-reads",
            "record_io.h read_all(); XSH read()",
            "read_all() returns one whole record that arrives through a FIFO in two writes, "
            "the second made while the reader already blocks for the rest") {
  sigipc::TempFifo fifo;  // unlinked on every exit path
  Gate reader_opened;
  Child writer([&] {
    int fd = open(fifo.path(), O_WRONLY);
    CHILD_CHECK_OK(fd);
    reader_opened.wait();
    const auto data = patterned(64);
    CHILD_CHECK_EQ(write(fd, data.data(), 32), 32);
    // The reader's only blocking call from here on is read(): once it
    // sleeps, it holds half a record and waits for the rest.
    CHILD_CHECK(sigipc::wait_until_sleeping(getppid()));
    CHILD_CHECK_EQ(write(fd, data.data() + 32, 32), 32);
  });
  sigipc::UniqueFd fd(SETUP_OK(open(fifo.path(), O_RDONLY)));
  reader_opened.open();
  unsigned char record[64];
  ASSERT_TRUE(record_io::read_all(fd.get(), record, sizeof record)) << strerror(errno);
  for (std::size_t i = 0; i < sizeof record; ++i) EXPECT_EQ(record[i], pattern(i)) << "byte " << i;
  EXPECT_CHILD_OK(writer.wait());
  unsigned char extra;
  errno = EINVAL;
  EXPECT_FALSE(record_io::read_all(fd.get(), &extra, 1));
  EXPECT_EQ(errno, 0) << "end of file is reported with errno 0";
}

// The syscall-failure injector fails chosen calls of a forked child only.
// Counted rules ("@1") need seccomp user notification: check
// notify_available() first.
sigipc::inject::InjectionRun inject(const std::string& rule, void (*body)()) {
  return sigipc::inject::run_with_failures({rule}, /*seed=*/1, body);
}

void write_three_bytes_and_read_them_back() {
  Pipe p;
  CHILD_CHECK(record_io::write_all(p.wr(), "abc", 3));
  char got[3];
  CHILD_CHECK_EQ(read(p.rd(), got, 3), 3);
  CHILD_CHECK(std::memcmp(got, "abc", 3) == 0);
}

void write_fails_with_eio() {
  Pipe p;
  CHILD_CHECK(!record_io::write_all(p.wr(), "abc", 3));
  CHILD_CHECK_EQ(errno, EIO);
}

SIGIPC_TEST(RecordIo, WriteAllRetriesAWriteThatFailedWithEintr, "record_io.write-all.retries-eintr",
            "record_io.h write_all(); XSH write() [EINTR]",
            "write_all() retries a write() that failed with EINTR and still writes the record") {
  std::string why;
  if (!sigipc::inject::notify_available(&why)) SIGIPC_UNSUPPORTED(why);
  const auto run = inject("write=EINTR@1", write_three_bytes_and_read_them_back);
  EXPECT_CHILD_OK(WaitStatus(run.wait_status));
  ASSERT_EQ(run.log.size(), 1u) << "the first write() of the child fails, once";
  EXPECT_EQ(run.log[0].error, EINTR);
}

SIGIPC_TEST(
    RecordIo, WriteAllReportsAnErrorOtherThanEintr, "record_io.write-all.reports-errors",
    "record_io.h write_all(); XSH write() [EIO]",
    "write_all() returns false with errno set when write() fails with an error other than EINTR") {
  std::string why;
  if (!sigipc::inject::notify_available(&why)) SIGIPC_UNSUPPORTED(why);
  const auto run = inject("write=EIO@1+", write_fails_with_eio);
  EXPECT_CHILD_OK(WaitStatus(run.wait_status));
  ASSERT_EQ(run.log.size(), 1u) << "write_all() gives up after the first failure";
}

volatile sig_atomic_t g_interruptions = 0;
void count_interruption(int) { g_interruptions = g_interruptions + 1; }

SIGIPC_TEST(RecordIo, RecordSurvivesSignalsInterruptingBothEnds, "record_io.transfer.under-signals",
            "record_io.h; XSH 2.4.4 Signal Effects on Other Functions",
            "write_all() and read_all() move a whole record while handlers without SA_RESTART "
            "interrupt the writer and the reader") {
  // No SA_RESTART: an interrupted blocking read or write returns EINTR, or
  // the count already moved (signal(7)); the child inherits the handler.
  sigipc::SignalAction action(SIGUSR1, count_interruption, 0);
  Pipe p;
  Child reader([&] {
    p.close_wr();
    child_read_and_check(p.rd(), kHuge);
  });
  p.close_rd();
  sigipc::inject::SignalPlan plan;
  plan.signals = {SIGUSR1};
  plan.rate_hz = 5000;
  plan.seed = 1;
  sigipc::inject::SignalInjector at_reader(plan), at_writer(plan);
  at_reader.start(reader.pid());
  at_writer.start(getpid());
  const auto data = patterned(kHuge);
  const bool written = record_io::write_all(p.wr(), data.data(), data.size());
  const int err = errno;
  p.close_wr();
  const WaitStatus status = reader.wait();
  const auto to_reader = at_reader.stop(), to_writer = at_writer.stop();
  EXPECT_TRUE(written) << strerror(err);
  EXPECT_CHILD_OK(status);
  EXPECT_GT(to_reader.sent, 0u) << sigipc::inject::describe(to_reader);
  EXPECT_GT(to_writer.sent, 0u) << sigipc::inject::describe(to_writer);
}

}  // namespace
