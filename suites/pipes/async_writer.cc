// Signal-driven I/O on a pipe's write end (Linux-only, fcntl(2) O_ASYNC,
// F_SETOWN, F_SETSIG): when a reader makes room in the pipe, the owner of an
// O_ASYNC write end gets the signal F_SETSIG names, with si_code POLL_OUT
// ("output buffers available", sigaction(2)) and si_fd the write end.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/interrupt.h"
#include "fixtures/io.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/signal_guards.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PipeAsync, ReaderMakingRoomSignalsTheAsyncWriteEnd, "pipe.async.write-end-poll-out",
            "fcntl(2) O_ASYNC, F_SETSIG (Linux-only)",
            "With O_ASYNC and F_SETSIG set on a full pipe's write end, a read that makes room "
            "sends the F_SETSIG signal to the owner with si_code POLL_OUT and si_fd the write "
            "end") {
  Pipe p;
  const long long filled = fill_pipe(p.wr(), 9);
  ASSERT_GT(filled, 0);
  EXPECT_CHILD_OK(RunInChild([&p] {
    const int sig = SIGRTMIN + 2;
    child_set_info_handler(sig);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigaddset(&set, SIGIO);
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    CHILD_CHECK_OK(fcntl(p.wr(), F_SETSIG, sig));
    child_make_async(p.wr());
    std::vector<char> page(page_size());
    CHILD_CHECK_EQ(read(p.rd(), page.data(), page.size()), static_cast<ssize_t>(page.size()));
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    const timespec limit{static_cast<time_t>(safety_net_seconds()), 0};
    siginfo_t info{};
    CHILD_CHECK_EQ(sigtimedwait(&only, &info, &limit), sig);
    CHILD_CHECK_EQ(info.si_code, POLL_OUT);
    CHILD_CHECK_EQ(info.si_fd, p.wr());
    CHILD_CHECK((info.si_band & POLLOUT) != 0);
  }));
}

}  // namespace
}  // namespace sigipc
