// Mutation self-test: each LD_PRELOAD shim under tests/shims breaks one POSIX
// rule; the suite must report FAIL for that rule under the shim and PASS
// without it. A suite that stays green under a shim checks nothing.
#include <string>

#include <gtest/gtest.h>

#include "tests/selftest_util.h"

using selftest::find_result;
using selftest::read_json;
using selftest::run_cmd;
using selftest::TempDir;

namespace {

struct Mutation {
  const char* shim;     // library name under SHIM_DIR
  const char* test_id;  // the test that covers the broken rule
};

void PrintTo(const Mutation& m, std::ostream* os) { *os << m.shim << " vs " << m.test_id; }

class MutationSelfTest : public ::testing::TestWithParam<Mutation> {};

std::string status_of(const std::string& test_id, const std::vector<std::string>& env, int* rc) {
  TempDir out;
  // Some shims turn a call that should return into one that waits for the
  // test's own 5 s safety net; a longer limit keeps a loaded CI machine from
  // turning that FAIL into a TIMEOUT.
  auto r = run_cmd(
      {SIGIPC_BIN, "run", "--out", out.path(), "--filter", test_id, "--timeout-mul", "3"}, env);
  *rc = r.exit_code;
  auto res = find_result(read_json(out.path() + "/results.json"), test_id);
  return res.is_null() ? "missing" : res["status"].get<std::string>();
}

TEST_P(MutationSelfTest, SuiteFailsUnderShimAndPassesWithout) {
  const auto& m = GetParam();
  int rc = -1;
  EXPECT_EQ(status_of(m.test_id, {}, &rc), "PASS") << m.test_id << " without the shim";
  EXPECT_EQ(rc, 0);
  std::string preload = std::string("LD_PRELOAD=") + SHIM_DIR + "/" + m.shim;
  EXPECT_EQ(status_of(m.test_id, {preload}, &rc), "FAIL") << m.test_id << " under " << m.shim;
  EXPECT_EQ(rc, 1);
}

INSTANTIATE_TEST_SUITE_P(
    Shims, MutationSelfTest,
    ::testing::Values(
        Mutation{"libshim_dispositions_ign_keeps_pending.so",
                 "SignalDisposition.SigIgnDiscardsPendingSignal"},
        Mutation{"libshim_sigpending_empty.so", "SignalPending.SigpendingReportsBlockedSignal"},
        Mutation{"libshim_sigprocmask_ignores_block.so", "SignalMask.BlockAddsToMask"},
        Mutation{"libshim_sigismember_false.so", "SignalSets.SigismemberReportsAddedSignal"},
        Mutation{"libshim_rt_sigqueue_as_kill.so", "SignalRtSigqueue.IntValueArrivesIntact"},
        Mutation{"libshim_siginfo_sigwaitinfo_no_pid.so",
                 "SignalSiginfoCode.SigwaitinfoMatchesHandlerSiginfo"},
        Mutation{"libshim_flags_sigaction_drops_restart.so",
                 "SignalFlagsRestart.SaRestartResumesInterruptedPipeRead"},
        Mutation{"libshim_altstack_ignores_disable.so",
                 "SignalAltStack.SsDisableIsReportedAfterDisabling"},
        Mutation{"libshim_killstop_sigaction_accepts.so",
                 "SignalKillStop.SigactionRefusesEvenSigDflForSigkillAndSigstop"},
        Mutation{"libshim_send_killpg_pid_only.so", "SignalSend.KillpgSendsToEveryGroupMemberOnly"},
        Mutation{"libshim_send_alarm_returns_zero.so",
                 "SignalSend.AlarmReturnsSecondsLeftAndReplacesTheRequest"},
        Mutation{"libshim_threads_pthread_kill_process.so",
                 "SignalThreads.PthreadKillRunsTheHandlerInTheNamedThread"},
        Mutation{"libshim_forkexec_spawn_drops_setsigmask.so",
                 "SignalForkExec.SpawnSetsigmaskGivesTheChildThatMask"},
        Mutation{"libshim_jobctl_waitpid_always_wuntraced.so",
                 "SignalJobControl.WaitpidWithoutWuntracedIgnoresStoppedChild"},
        Mutation{"libshim_jobctl_tcsetpgrp_noop.so",
                 "SignalJobControl.TcsetpgrpFromBackgroundStopsBySigttou"},
        Mutation{"libshim_wait_sigtimedwait_no_wait.so",
                 "SignalWaitSigtimedwait.WaitsAtLeastTheTimeout"},
        Mutation{"libshim_wait_sigsuspend_keeps_mask.so",
                 "SignalWaitSigsuspend.RestoresThePreviousMaskOnReturn"},
        Mutation{"libshim_asyncsafe_sem_post_noop.so",
                 "SignalAsyncSafeSync.SemPostInAHandlerCompletesTheInterruptedSemWait"},
        Mutation{"libshim_asyncsafe_exit_status_lost.so",
                 "SignalAsyncSafeExit.ExitFromAHandlerEndsTheProcessWithItsStatus"},
        Mutation{"libshim_fstat_pipe_regular.so", "Pipes.FstatReportsFifo"},
        Mutation{"libshim_posix_shm_more_ftruncate_ignores_growth.so",
                 "PosixShmMoreSize.SizeIsNotRoundedToPages"},
        Mutation{"libshim_posix_shm_more_msync_accepts_both.so",
                 "PosixShmMoreProt.MsyncWithBothSyncAndAsyncFailsEinval"},
        Mutation{"libshim_posix_sem_getvalue_off_by_one.so",
                 "PosixSemGetvalue.GetvalueStoresTheValueAndReturnsZero"},
        Mutation{"libshim_posix_sem_timedwait_no_wait.so",
                 "PosixSemTimedwait.TimesOutWithEtimedoutNotBeforeTheDeadline"},
        Mutation{"libshim_posix_sem_open_excl_ignored.so",
                 "PosixSemOpen.CreateExclOfExistingNameFailsWithEexist"},
        Mutation{"libshim_mq_open_ignores_excl.so",
                 "PosixMqOpen.CreatExclOnExistingQueueFailsEexist"},
        Mutation{"libshim_mq_attr_curmsgs_zero.so", "PosixMqAttr.CurmsgsCountsQueuedMessages"},
        Mutation{"libshim_mq_attr_setattr_drops_old.so",
                 "PosixMqAttr.SetattrReturnsPreviousAttributes"},
        Mutation{"libshim_sysv_msg_rcv_negative_type_as_any.so",
                 "SysvMsgSelect.NegativeTypeReceivesLowestTypeAtMostAbs"},
        Mutation{"libshim_sysv_msg_rcv_drops_noerror.so",
                 "SysvMsgErrors.MsgNoerrorTruncatesAndRemoves"},
        Mutation{"libshim_linux_eventfd_ignores_semaphore.so",
                 "LinuxEventfdCounter.SemaphoreModeReadReturnsOneAndDecrementsByOne"},
        Mutation{"libshim_linux_signalfd_drops_mask_update.so",
                 "LinuxSignalfdMask.SignalfdOnExistingFdReplacesMask"},
        Mutation{"libshim_linux_pidfd_send_signal_drops_info.so",
                 "LinuxPidfdSignal.InfoWithSiQueueIsDeliveredAsGiven"},
        Mutation{"libshim_sysv_sem_getncnt_zero.so", "SysvSemOp.NcntCountsEachBlockedDecrementer"},
        Mutation{"libshim_sysv_sem_semop_drops_undo.so", "SysvSemUndo.DecrementIsUndoneAtExit"},
        Mutation{"libshim_posix_shm_open_ignores_excl.so",
                 "PosixShmOpen.ExclusiveCreateOfExistingNameFailsEexist"},
        Mutation{"libshim_sysv_shm_stat_nattch_zero.so",
                 "SysvShmNattch.AttachAndDetachCountAttaches"},
        Mutation{"libshim_mq_send_clamps_priority.so",
                 "PosixMqReceiveOrder.HighestPriorityMessageComesFirst"},
        Mutation{"libshim_mq_receive_prio_zero.so",
                 "PosixMqReceiveOrder.MsgPrioReceivesThePriority"},
        Mutation{"libshim_mq_receive_timed_no_wait.so",
                 "PosixMqTimedWait.ReceiveTimesOutAtDeadlineNotBefore"},
        Mutation{"libshim_mq_notify_ignores_null.so",
                 "PosixMqNotifyRegistration.NullRemovesRegistration"},
        Mutation{"libshim_fifo_mkfifo_ignores_mode.so",
                 "FifoCreate.MkfifoWithZeroUmaskKeepsEveryPermissionBit"},
        Mutation{"libshim_fifo_open_enxio_as_eagain.so",
                 "FifoOpen.OpenWriteOnlyNonblockWithoutReaderFailsWithEnxio"},
        Mutation{"libshim_lseek_pipe_succeeds.so", "Pipes.LseekFailsWithEspipe"}),
    [](const auto& info) {
      std::string s = info.param.shim;
      s = s.substr(8, s.size() - 8 - 3);  // strip "libshim_" and ".so"
      for (char& c : s)
        if (c == '_') c = 'X';
      return s;
    });

}  // namespace
