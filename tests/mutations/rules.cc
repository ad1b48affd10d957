// Shims of the signal rules the source chapter names: terminal-generated
// signals, signal-driven and asynchronous I/O, core dumps, alternate stack
// sizes, signal().
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(NewRules,
                 Mutation{"libshim_rules_tcsetattr_keeps_isig.so",
                          "SignalTerminal.SpecialCharactersAreDataWhenIsigIsClear"},
                 Mutation{"libshim_jobctl_tcsetpgrp_noop.so",
                          "SignalTerminal.IntrQuitSuspCharactersSignalNoBackgroundProcess"},
                 Mutation{"libshim_jobctl_tcsetpgrp_noop.so",
                          "SignalTerminalHangup."
                          "HangupKillsControllingProcessWhoseExitSignalsForeground"},
                 Mutation{
                     "libshim_rules_pty_close_keeps_master.so",
                     "SignalTerminalHangup.LastCloseOfPtyMasterSendsSighupToControllingProcess"},
                 Mutation{"libshim_rules_vhangup_noop.so",
                          "SignalTerminalHangup.VhangupSendsSighupToControllingProcess"},
                 Mutation{"libshim_rules_fcntl_drops_o_async.so",
                          "SignalSigio.AsyncPipeSendsSigioToOwnerWhenDataArrives"},
                 Mutation{"libshim_rules_aio_drops_sigev_value.so",
                          "SignalSiginfoAio.AioWriteCompletionSignalCarriesSiAsyncioAndValue"},
                 Mutation{"libshim_rules_setrlimit_no_core.so",
                          "SignalDefaultActionCore.SegvAbrtQuitDumpCoreWhenRlimitCoreAllows"},
                 Mutation{"libshim_rules_sigaltstack_noop.so",
                          "SignalAltStack.SigstkszStackWithGuardHoldsASaSiginfoFrame"},
                 Mutation{"libshim_rules_signal_accepts_bad_numbers.so",
                          "SignalDisposition.SignalRejectsInvalidSignalNumbers"});
