// Shims of the rules that reach the kernel's signal delivery under ptrace and
// the pipe code: packet mode, tee, FIONREAD, the sigmask of ppoll/pselect and
// PTRACE_CONT's signal.
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(
    KernelRulesSig,
    Mutation{"libshim_krules_pipe2_ignores_direct.so", "PipePacket.EachReadReturnsOnePacket"},
    Mutation{"libshim_krules_tee_consumes.so", "PipeTee.TeeDuplicatesWithoutConsuming"},
    Mutation{"libshim_krules_fionread_first_page.so", "PipeIoctl.FionreadCountsEveryUnreadByte"},
    Mutation{"libshim_krules_ppoll_keeps_sigmask.so", "SignalWaitPselect.PpollRunsUnderItsSigmask"},
    Mutation{"libshim_krules_ppoll_keeps_sigmask.so",
             "SignalWaitPselect.PselectRunsUnderItsSigmask"},
    Mutation{"libshim_krules_ptrace_cont_drops_signal.so",
             "SignalPtrace.ContinuingWithAnotherSignalInjectsIt"});
