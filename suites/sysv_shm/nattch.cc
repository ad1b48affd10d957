// shm_nattch, shm_lpid and the attach/detach times: counted per attach, by
// fork, and dropped at exit and exec. XSH shmat(), XSH shmdt(), XSH fork(),
// XSH exec, XSH _exit().
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/exec_helper.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "fixtures/timestamp.h"
#include "suites/sysv_shm/sysv_shm_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(SysvShmNattch, AttachAndDetachCountAttaches, "sysv_shm.nattch.attach-detach",
            "XSH shmat()", "shmat() increments shm_nattch and shmdt() decrements it (1, 2, 1, 0)") {
  sysv_shm::Segment seg(4096);
  // Raw attaches: the test detaches them itself (the segment's removal and
  // the process's exit clean up after a failed assertion).
  void* a = shmat(seg.get(), nullptr, 0);
  ASSERT_NE(a, sysv_shm::kShmatFailed);
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 1);
  void* b = shmat(seg.get(), nullptr, SHM_RDONLY);
  ASSERT_NE(b, sysv_shm::kShmatFailed);
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 2);
  ASSERT_SUCCEEDS(shmdt(b));
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 1);
  ASSERT_SUCCEEDS(shmdt(a));
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 0);
}

SIGIPC_TEST(SysvShmNattch, ForkedChildCountsAsAttach, "sysv_shm.nattch.fork-inherits", "XSH fork()",
            "A forked child inherits the attachment: shm_nattch is 2 while the child lives") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  Gate release;
  Gate forked;
  Child child([&] {
    release.close_opener();
    forked.open();
    release.wait();
  });
  release.close_waiter();
  forked.close_opener();
  forked.wait();
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 2);
  release.open();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvShmNattch, ExitDetachesSegments, "sysv_shm.nattch.exit-detaches", "XSH _exit()",
            "A process's attached segments are detached when it exits: shm_nattch drops back") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  WaitStatus st = RunInChild([&] {
    // The inherited attach plus one of its own: both go at exit.
    CHILD_CHECK(shmat(seg.get(), nullptr, 0) != sysv_shm::kShmatFailed);
  });
  ASSERT_CHILD_OK(st);
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 1);
}

constexpr int kHelperBadArgs = 2;
constexpr int kHelperIoFailed = 10;

// args: fd to write "ready" to, fd to read the release byte from.
SIGIPC_EXEC_HELPER(sysv_shm_exec_waiter) {
  if (args.size() != 2) return kHelperBadArgs;
  int ready = std::stoi(args[0]);
  int release = std::stoi(args[1]);
  char c = 'R';
  if (write(ready, &c, 1) != 1) return kHelperIoFailed;
  if (read(release, &c, 1) < 0) return kHelperIoFailed;
  return 0;
}

SIGIPC_TEST(SysvShmNattch, ExecDetachesSegments, "sysv_shm.nattch.exec-detaches", "XSH exec",
            "Attached segments are detached from a process that execs: shm_nattch drops while "
            "the new image still runs") {
  sysv_shm::Segment seg(4096);
  ShmAttachment at(sysv_shm::attach_or_setup_error(seg.get()));
  Pipe ready;
  Pipe release;
  ExecArgv argv("sysv_shm_exec_waiter", {std::to_string(ready.wr()), std::to_string(release.rd())});
  Child child([&] {
    ready.close_rd();
    release.close_wr();
    argv.exec();
    SafeBuf b;
    b.str("exec of sysv_shm_exec_waiter failed: ").errno_text(errno);
    emit("error", b.c_str());
    child_exit(kChildSetupErrorExit);
  });
  ready.close_wr();
  release.close_rd();
  char c = 0;
  ASSERT_EQ(read(ready.rd(), &c, 1), 1) << "the helper never started";
  EXPECT_EQ(sysv_shm::nattch(seg.get()), 1) << "the exec'd child still counts as attached";
  release.close_wr();
  EXPECT_CHILD_OK(child.wait());
}

SIGIPC_TEST(SysvShmNattch, LpidIsLastAttachOrDetachCaller, "sysv_shm.stat.lpid", "XSH shmat()",
            "shmat() and shmdt() set shm_lpid to the calling process's pid") {
  sysv_shm::Segment seg(4096);
  Gate attached, go_detach;
  Pipe pid_pipe;
  Child child([&] {
    attached.close_waiter();
    go_detach.close_opener();
    void* p = shmat(seg.get(), nullptr, 0);
    CHILD_CHECK(p != sysv_shm::kShmatFailed);
    attached.open();
    go_detach.wait();
    CHILD_CHECK_OK(shmdt(p));
  });
  attached.close_opener();
  go_detach.close_waiter();
  attached.wait();
  EXPECT_EQ(sysv_shm::stat_of(seg.get()).shm_lpid, child.pid()) << "after the child's shmat()";
  {
    ShmAttachment mine(sysv_shm::attach_or_setup_error(seg.get()));
    EXPECT_EQ(sysv_shm::stat_of(seg.get()).shm_lpid, getpid()) << "after our shmat()";
  }
  go_detach.open();
  ASSERT_CHILD_OK(child.wait());
  EXPECT_EQ(sysv_shm::stat_of(seg.get()).shm_lpid, child.pid()) << "after the child's shmdt()";
}

SIGIPC_TEST(SysvShmNattch, AttachAndDetachTimesAreSet, "sysv_shm.stat.atime-dtime", "XSH shmat()",
            "shmat() sets shm_atime and shmdt() sets shm_dtime to the current time") {
  sysv_shm::Segment seg(4096);
  StampWindow attach;
  void* p = sysv_shm::attach_or_setup_error(seg.get());
  struct shmid_ds ds = sysv_shm::stat_of(seg.get());
  EXPECT_STAMP_CURRENT(attach, ds.shm_atime);
  EXPECT_EQ(ds.shm_dtime, 0) << "no shmdt() yet";
  StampWindow detach;
  ASSERT_SUCCEEDS(shmdt(p));
  EXPECT_STAMP_CURRENT(detach, sysv_shm::stat_of(seg.get()).shm_dtime);
}

}  // namespace
}  // namespace sigipc
