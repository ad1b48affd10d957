// Shims proving the sharpened tests can fail: each breaks the rule in the
// way the test used to be blind to (a write split at a page boundary, a
// partial non-blocking write, a late notification, an ignored signal ending
// sigsuspend(), a check-then-create O_EXCL).
#include "tests/mutation_selftest.h"

using selftest::Mutation;

SIGIPC_MUTATIONS(Sharpened,
                 Mutation{"libshim_sharp_fifo_split_at_page.so",
                          "FifoSharing.ConcurrentWritesOfPipeBufBytesAreNotInterleaved"},
                 Mutation{"libshim_sharp_asyncsafe_split_at_page.so",
                          "SignalAsyncSafeIo.HandlerAndMainWritesToOnePipeStayWhole"},
                 Mutation{"libshim_sharp_fifo_nonblock_partial.so",
                          "FifoReadWrite.NonblockingWriteLargerThanTheRoomLeftWritesAllOrNothing"},
                 Mutation{"libshim_sharp_mq_notify_late_null_kept.so",
                          "PosixMqNotifyRegistration.NullRemovesRegistration"},
                 Mutation{"libshim_sharp_mq_notify_late_one_shot_kept.so",
                          "PosixMqNotifySignal.NotificationIsOneShot"},
                 Mutation{"libshim_sharp_mq_notify_late_receiver_notified.so",
                          "PosixMqNotifySignal.BlockedReceiverTakesMessageWithoutSignal"},
                 Mutation{"libshim_sharp_sigsuspend_ends_on_ignored.so",
                          "SignalWaitSigsuspend.SignalWhoseActionIsIgnoreDoesNotEndTheWait"},
                 Mutation{"libshim_sharp_shm_open_excl_check_then_create.so",
                          "PosixShmObject.ExclusiveCreateIsAtomic"},
                 Mutation{"libshim_sharp_sem_open_excl_check_then_create.so",
                          "PosixSemNames.ExclusiveCreateIsAtomicBetweenProcesses"});
