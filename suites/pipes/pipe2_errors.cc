// How pipe() and pipe2() fail (pipe(2)): EINVAL for flags pipe2() does not
// know, EFAULT for an array outside the address space, and EMFILE when the
// process has no descriptor left for either end.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/rlimit.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

using pipes::InaccessiblePage;

SIGIPC_TEST(Pipes, Pipe2FailsWithEinvalForUnknownFlags, "pipe.pipe2.unknown-flags-einval",
            "pipe(2) (Linux-only)",
            "pipe2() with a flag other than O_CLOEXEC, O_DIRECT and O_NONBLOCK fails with "
            "EINVAL") {
  int fd[2];
  EXPECT_FAILS_WITH(pipe2(fd, O_TRUNC), EINVAL);
  EXPECT_FAILS_WITH(pipe2(fd, O_APPEND | O_CLOEXEC), EINVAL);
}

SIGIPC_TEST(Pipes, Pipe2FailsWithEfaultForAnInaccessibleArray, "pipe.pipe2.bad-array-efault",
            "pipe(2) (Linux-only)",
            "pipe2() whose descriptor array is not writable memory of the process fails with "
            "EFAULT") {
  InaccessiblePage page;
  EXPECT_FAILS_WITH(pipe2(static_cast<int*>(page.get()), 0), EFAULT);
  EXPECT_FAILS_WITH(pipe2(static_cast<int*>(page.get()), O_CLOEXEC), EFAULT);
}

// In a child: RLIMIT_NOFILE becomes the lowest free descriptor plus spare,
// so exactly `spare` descriptors can still be opened.
void child_leave_free_descriptors(int spare) noexcept {
  const int lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
  CHILD_CHECK_OK(lowest);
  close(lowest);
  CHILD_LOWER_NOFILE(static_cast<rlim_t>(lowest + spare));
}

SIGIPC_TEST(Pipes, PipeFailsWithEmfileWithNoDescriptorLeft, "pipe.pipe.emfile-none-free",
            "XSH pipe()",
            "pipe() fails with EMFILE when all of the file descriptors available to the process "
            "are open") {
  EXPECT_CHILD_OK(RunInChild([] {
    child_leave_free_descriptors(0);
    int fd[2];
    CHILD_CHECK_ERRNO(pipe(fd), EMFILE);
  }));
}

SIGIPC_TEST(Pipes, PipeFailsWithEmfileWithOneDescriptorLeft, "pipe.pipe.emfile-one-free",
            "XSH pipe()",
            "pipe() fails with EMFILE when all but one of the file descriptors available to the "
            "process are open, and that one is still free afterwards") {
  EXPECT_CHILD_OK(RunInChild([] {
    child_leave_free_descriptors(1);
    int fd[2];
    CHILD_CHECK_ERRNO(pipe(fd), EMFILE);
    const int again = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHILD_CHECK(again >= 0);
  }));
}

}  // namespace
}  // namespace sigipc
