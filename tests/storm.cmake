# Mutation cases of the signal-storm suites (suites/injection/storm_*.cc):
# each storm test passes on the real libc and fails under an LD_PRELOAD shim
# (tests/shims) that breaks the ordering rule it checks under the storm.
# Run with: ctest -R mutation.storm
function(sigipc_storm_mutation name shim test_id)
  add_test(NAME mutation.storm.${name}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/storm_mutation.sh $<TARGET_FILE:sigipc>
            ${CMAKE_CURRENT_BINARY_DIR}/shims/lib${shim}.so ${test_id})
  set_tests_properties(mutation.storm.${name} PROPERTIES TIMEOUT 300)
endfunction()

# mq_receive() reports priority 0: the receiver sees a priority the message
# was not sent with.
foreach(flavour WithSaRestart WithoutSaRestart)
  sigipc_storm_mutation(posix_mq_prio_${flavour} shim_mq_receive_prio_zero
    StormPosixMq.EachMessageOnceInPriorityThenFifoOrder${flavour})
  # msgrcv(-k) takes the queue's first message whatever its type.
  sigipc_storm_mutation(sysv_msg_negative_type_${flavour} shim_sysv_msg_rcv_negative_type_as_any
    StormSysvMsg.EachMessageOnceFifoPerTypeSelectionHonoured${flavour})
endforeach()

# sigqueue() sends with kill(): the value each signal carries is lost, so
# the receiver cannot match deliveries to sends.
foreach(flavour WithSaRestart WithoutSaRestart)
  sigipc_storm_mutation(rt_sigqueue_as_kill_${flavour} shim_rt_sigqueue_as_kill
    StormRealtime.EachQueuedSignalOnceInOrderUnderStandardStorm${flavour})
endforeach()
