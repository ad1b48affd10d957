// Completion of asynchronous I/O signalled by SIGEV_SIGNAL: the signal the
// aiocb's (or lio_listio()'s) sigevent names is generated with si_code
// SI_ASYNCIO and the application's sigev_value. XSH aio_read(), XSH
// aio_write(), XSH lio_listio(), XSH 2.4.2 Realtime Signal Generation and
// Delivery, XSH 2.4.3 (si_code values, <signal.h>). The signal is blocked and
// taken with sigtimedwait(), which returns the same siginfo a SA_SIGINFO
// handler gets.
#include <aio.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "fixtures/check.h"
#include "fixtures/names.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

constexpr char kData[] = "asynchronous";
constexpr int kLen = sizeof kData - 1;

// A regular file in the test's folder, open for reading and writing.
UniqueFd TempFile(const char* what) {
  std::string path = UniqueTempPath(what);
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) setup_error_errno(__FILE__, __LINE__, "open()", errno);
  unlink(path.c_str());
  return fd;
}

void fill(aiocb& cb, int fd, void* buf, int len, off_t offset, int sig, int value) {
  std::memset(&cb, 0, sizeof cb);
  cb.aio_fildes = fd;
  cb.aio_buf = buf;
  cb.aio_nbytes = len;
  cb.aio_offset = offset;
  cb.aio_sigevent.sigev_notify = sig ? SIGEV_SIGNAL : SIGEV_NONE;
  cb.aio_sigevent.sigev_signo = sig;
  cb.aio_sigevent.sigev_value.sival_int = value;
}

// The completion signal sig came with SI_ASYNCIO and value.
::testing::AssertionResult CompletionSignalled(int sig, int value) {
  siginfo_t info{};
  int got = signals::await_signal(sig, &info);
  if (got != sig)
    return ::testing::AssertionFailure()
           << "no " << SignalText(sig) << " within " << signals::kSafetyNetS << " s";
  if (info.si_code != SI_ASYNCIO)
    return ::testing::AssertionFailure()
           << "si_code " << info.si_code << ", not SI_ASYNCIO (" << SI_ASYNCIO << ")";
  if (info.si_value.sival_int != value)
    return ::testing::AssertionFailure()
           << "si_value.sival_int " << info.si_value.sival_int << ", not " << value;
  return ::testing::AssertionSuccess();
}

// The request ended with ret bytes done (aio_error() 0 once completed).
::testing::AssertionResult CompletedWith(aiocb& cb, ssize_t ret) {
  int err = aio_error(&cb);
  if (err != 0) return ::testing::AssertionFailure() << "aio_error() " << ErrnoText(err);
  ssize_t r = aio_return(&cb);
  if (r != ret) return ::testing::AssertionFailure() << "aio_return() " << r << ", not " << ret;
  return ::testing::AssertionSuccess();
}

SIGIPC_TEST(SignalSiginfoAio, AioWriteCompletionSignalCarriesSiAsyncioAndValue,
            "signal.siginfo.aio-write", "XSH aio_write(); XSH 2.4.2; XSH <signal.h> SI_ASYNCIO",
            "When an aio_write() whose aio_sigevent is SIGEV_SIGNAL completes, its signal is "
            "generated with si_code SI_ASYNCIO and the request's sigev_value") {
  const int sig = SIGRTMIN + 2;
  SignalMask mask;
  mask.block(sig);
  UniqueFd fd = TempFile("aio-write");
  char buf[kLen];
  std::memcpy(buf, kData, kLen);
  aiocb cb;
  fill(cb, fd.get(), buf, kLen, 0, sig, 0x5a17);
  ASSERT_SUCCEEDS(aio_write(&cb));
  EXPECT_TRUE(CompletionSignalled(sig, 0x5a17));
  EXPECT_TRUE(CompletedWith(cb, kLen));
  char back[kLen] = {};
  ASSERT_EQ(pread(fd.get(), back, kLen, 0), kLen);
  EXPECT_EQ(std::memcmp(back, kData, kLen), 0) << "the data aio_write() wrote";
}

SIGIPC_TEST(SignalSiginfoAio, AioReadCompletionSignalCarriesSiAsyncioAndValue,
            "signal.siginfo.aio-read", "XSH aio_read(); XSH 2.4.2; XSH <signal.h> SI_ASYNCIO",
            "When an aio_read() whose aio_sigevent is SIGEV_SIGNAL completes, its signal is "
            "generated with si_code SI_ASYNCIO and the request's sigev_value, and the data is "
            "in the buffer") {
  const int sig = SIGRTMIN + 2;
  SignalMask mask;
  mask.block(sig);
  UniqueFd fd = TempFile("aio-read");
  ASSERT_EQ(pwrite(fd.get(), kData, kLen, 0), kLen);
  char buf[kLen] = {};
  aiocb cb;
  fill(cb, fd.get(), buf, kLen, 0, sig, 0x7e4d);
  ASSERT_SUCCEEDS(aio_read(&cb));
  EXPECT_TRUE(CompletionSignalled(sig, 0x7e4d));
  EXPECT_TRUE(CompletedWith(cb, kLen));
  EXPECT_EQ(std::memcmp(buf, kData, kLen), 0) << "the data aio_read() read";
}

SIGIPC_TEST(SignalSiginfoAio, LioListioNowaitSignalsOnceAllRequestsComplete,
            "signal.siginfo.lio-listio", "XSH lio_listio(); XSH 2.4.2; XSH <signal.h> SI_ASYNCIO",
            "lio_listio(LIO_NOWAIT) with a SIGEV_SIGNAL sigevent generates its signal, with "
            "si_code SI_ASYNCIO and its sigev_value, once every request of the list has "
            "completed") {
  const int sig = SIGRTMIN + 3;
  SignalMask mask;
  mask.block(sig);
  UniqueFd fd = TempFile("lio");
  ASSERT_EQ(pwrite(fd.get(), kData, kLen, 0), kLen);
  char in[kLen] = {};
  char out[kLen];
  std::memcpy(out, kData, kLen);
  aiocb rd, wr;
  fill(rd, fd.get(), in, kLen, 0, 0, 0);
  rd.aio_lio_opcode = LIO_READ;
  fill(wr, fd.get(), out, kLen, kLen, 0, 0);
  wr.aio_lio_opcode = LIO_WRITE;
  aiocb* list[] = {&rd, &wr};
  sigevent sev{};
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = sig;
  sev.sigev_value.sival_int = 0x11f0;
  ASSERT_SUCCEEDS(lio_listio(LIO_NOWAIT, list, 2, &sev));
  EXPECT_TRUE(CompletionSignalled(sig, 0x11f0));
  // The signal says the whole list is done: neither request is in progress.
  EXPECT_TRUE(CompletedWith(rd, kLen)) << "the LIO_READ";
  EXPECT_TRUE(CompletedWith(wr, kLen)) << "the LIO_WRITE";
  EXPECT_EQ(std::memcmp(in, kData, kLen), 0) << "the data LIO_READ read";
}

}  // namespace
}  // namespace sigipc
