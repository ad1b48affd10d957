// Shims of the IPC rules that reach kernel code (ipc/) no other rule
// reached: semop() arrays on one semaphore, shm_rmid_forced, SHM_REMAP and
// messages longer than a page.
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(KernelIpcRules,
                 Mutation{"libshim_kipc_semop_not_atomic.so",
                          "SysvSemSameSemaphore.BlockingLaterOperationUndoesEarlierOnesWithEagain"},
                 Mutation{
                     "libshim_kipc_rmid_forced_ignored.so",
                     "SysvShmRmidForced.SettingItDestroysSegmentsOfExitedCreatorsAttachedToNone"},
                 Mutation{"libshim_kipc_shmat_drops_remap.so",
                          "SysvShmAttachLinux.RemapReplacesTheMappingAtTheAddress"},
                 Mutation{"libshim_kipc_msgrcv_first_page_only.so",
                          "SysvMsgLarge.MessageLongerThanAPageIsReceivedWhole"});
