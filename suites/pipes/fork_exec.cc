// Pipe descriptors across fork() and exec: the classic way two processes get
// connected. XSH fork(), XSH exec.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "suites/pipes/pipe_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PipeForkExec, ChildWritesReachParentThroughInheritedPipe, "pipe.fork.inherited-ends",
            "XSH fork()",
            "A child inherits both pipe descriptors: what it writes the parent reads, and the "
            "parent sees end-of-file once the child, the last writer, exits") {
  static const char kMsg[] = "written by the child";
  Pipe p;
  Child child([&] {
    p.close_rd();
    CHILD_CHECK(write_all(p.wr(), kMsg, sizeof kMsg - 1));
  });
  p.close_wr();
  std::string got;
  char buf[64];
  for (;;) {
    ssize_t r = read(p.rd(), buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    ASSERT_GE(r, 0) << "read() failed with " << ErrnoText(errno);
    if (r == 0) break;
    got.append(buf, static_cast<std::size_t>(r));
  }
  EXPECT_CHILD_OK(child.wait());
  EXPECT_EQ(got, kMsg);
}

SIGIPC_TEST(PipeForkExec, InheritedEndsShareOpenFileDescription,
            "pipe.fork.shared-open-file-description", "XSH fork()",
            "A child's copy of a pipe descriptor refers to the parent's open file description: "
            "O_NONBLOCK set by the parent after fork() is in effect in the child") {
  Pipe p;
  Gate set;
  Child child([&] {
    set.close_opener();
    set.wait();
    int fl = fcntl(p.rd(), F_GETFL);
    CHILD_CHECK_OK(fl);
    CHILD_CHECK((fl & O_NONBLOCK) != 0);
    char c;
    // Empty pipe, write ends open (this child holds one): EAGAIN, not a block.
    CHILD_CHECK_ERRNO(read(p.rd(), &c, 1), EAGAIN);
  });
  set_nonblocking(p.rd(), true);
  set.open();
  EXPECT_CHILD_OK(child.wait());
}

// ---- exec ----

// Exit codes of the helper, so the parent learns what the new image found.
constexpr int kHelperBadArgs = 2;
constexpr int kFdClosed = 10;   // F_GETFD fails with EBADF
constexpr int kFdOurPipe = 11;  // open, FD_CLOEXEC clear, the same pipe
constexpr int kFdOurPipeCloexec = 12;
constexpr int kFdSomethingElse = 13;  // the number was reused: our pipe is gone
constexpr int kFdWriteFailed = 14;

// args: fd, st_ino of the pipe, and optionally "write" to write one byte 'E'.
SIGIPC_EXEC_HELPER(pipe_fd_state) {
  if (args.size() < 2) return kHelperBadArgs;
  int fd;
  unsigned long long ino;
  try {
    fd = std::stoi(args[0]);
    ino = std::stoull(args[1]);
  } catch (...) {
    return kHelperBadArgs;
  }
  int fdflags = fcntl(fd, F_GETFD);
  if (fdflags == -1) return errno == EBADF ? kFdClosed : kHelperBadArgs;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode) || st.st_ino != ino) return kFdSomethingElse;
  if (args.size() > 2 && args[2] == "write" && write(fd, "E", 1) != 1) return kFdWriteFailed;
  return (fdflags & FD_CLOEXEC) ? kFdOurPipeCloexec : kFdOurPipe;
}

[[noreturn]] void exec_or_report(const ExecArgv& argv) noexcept {
  argv.exec();
  SafeBuf b;
  b.str("exec of the pipe_fd_state helper failed: ").errno_text(errno);
  emit("error", b.c_str());
  child_exit(kChildSetupErrorExit);
}

unsigned long long inode_of(int fd) {
  struct stat st {};
  SETUP_OK(fstat(fd, &st));
  return static_cast<unsigned long long>(st.st_ino);
}

SIGIPC_TEST(PipeForkExec, PipeEndWithoutCloexecStaysOpenAcrossExec,
            "pipe.exec.kept-without-cloexec", "XSH exec",
            "A pipe descriptor without FD_CLOEXEC remains open in the new process image and still "
            "writes into the same pipe") {
  Pipe p;  // no flags: FD_CLOEXEC clear
  ExecArgv argv("pipe_fd_state",
                {std::to_string(p.wr()), std::to_string(inode_of(p.wr())), "write"});
  Child child([&] {
    p.close_rd();
    exec_or_report(argv);
  });
  p.close_wr();
  WaitStatus st = child.wait();
  EXPECT_TRUE(ExitedWith(st, kFdOurPipe))
      << "exit codes: " << kFdClosed << " closed, " << kFdOurPipeCloexec << " FD_CLOEXEC set, "
      << kFdSomethingElse << " another file, " << kFdWriteFailed << " write failed";
  char buf[4] = {};
  EXPECT_EQ(read(p.rd(), buf, sizeof buf), 1);
  EXPECT_EQ(buf[0], 'E') << "the byte the new image wrote";
  EXPECT_EQ(read(p.rd(), buf, sizeof buf), 0) << "the new image's write end closed at its exit";
}

SIGIPC_TEST(PipeForkExec, PipeEndWithCloexecIsClosedByExec, "pipe.exec.closed-with-cloexec",
            "XSH exec",
            "A pipe descriptor with FD_CLOEXEC set is closed when the process execs a new image") {
  Pipe p(O_CLOEXEC);
  ASSERT_NE(pipes::descriptor_flags(p.wr()) & FD_CLOEXEC, 0) << "precondition";
  ExecArgv argv("pipe_fd_state", {std::to_string(p.wr()), std::to_string(inode_of(p.wr()))});
  Child child([&] {
    p.close_rd();
    exec_or_report(argv);
  });
  p.close_wr();
  WaitStatus st = child.wait();
  // kFdSomethingElse: the number was reused in the new image, so our pipe end
  // was closed there too.
  EXPECT_TRUE(ExitedWith(st, kFdClosed) || ExitedWith(st, kFdSomethingElse))
      << "the new image " << st.describe() << " (" << kFdOurPipeCloexec
      << ": the pipe end was still open with FD_CLOEXEC)";
  char c;
  EXPECT_EQ(read(p.rd(), &c, 1), 0) << "nothing may have been written";
}

}  // namespace
}  // namespace sigipc
