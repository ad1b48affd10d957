// Shims of the process-shared synchronisation rules (suites/shm_sync/).
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(ShmSync,
                 Mutation{"libshim_shmsync_consistent_noop.so",
                          "ShmSyncRobust.ConsistentThenUnlockMakesTheMutexNormalAgain"},
                 Mutation{
                     "libshim_shmsync_barrier_all_serial.so",
                     "ShmSyncBarrier.ProcessSharedBarrierInPosixObjectHasOneSerialProcessPerRound"},
                 Mutation{"libshim_shmsync_condattr_keeps_private.so",
                          "ShmSyncCond.ProcessSharedCondInSysvSegmentWakesTheOtherProcess"});
