// The range of message priorities: 0..{MQ_PRIO_MAX}-1, with {MQ_PRIO_MAX} at
// least {_POSIX_MQ_PRIO_MAX} (32). XSH mq_send(), XBD <limits.h>.
#include <limits.h>
#include <mqueue.h>
#include <unistd.h>

#include "suites/posix_mq/mq_io_helpers.h"

namespace sigipc {
namespace {

using posix_mq::Queue;

long prio_max() {
  errno = 0;
  return sysconf(_SC_MQ_PRIO_MAX);
}

SIGIPC_TEST(PosixMqSendPriority, MqPrioMaxIsAtLeast32, "posix_mq.send.prio-max-minimum",
            "XBD <limits.h>",
            "sysconf(_SC_MQ_PRIO_MAX) reports {MQ_PRIO_MAX} of at least {_POSIX_MQ_PRIO_MAX} "
            "(32)") {
  long m = prio_max();
  ASSERT_NE(m, -1) << "no limit reported: " << ErrnoText(errno);
  EXPECT_GE(m, 32);
}

SIGIPC_TEST(PosixMqSendPriority, HighestPriorityIsAccepted, "posix_mq.send.prio-max-minus-one",
            "XSH mq_send()",
            "mq_send() accepts msg_prio {MQ_PRIO_MAX}-1 and mq_receive() reports that priority, "
            "ahead of lower ones") {
  long m = prio_max();
  ASSERT_GT(m, 0) << ErrnoText(errno);
  Queue q(4, 8);
  ASSERT_SUCCEEDS(mq_send(q.get(), "l", 1, 0));
  ASSERT_SUCCEEDS(mq_send(q.get(), "h", 1, static_cast<unsigned>(m - 1)));
  char buf[8];
  unsigned prio = 0;
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 1) << ErrnoText(errno);
  EXPECT_EQ(buf[0], 'h');
  EXPECT_EQ(prio, static_cast<unsigned>(m - 1));
}

SIGIPC_TEST(PosixMqSendPriority, PriorityAtMqPrioMaxFailsWithEinval,
            "posix_mq.send.prio-too-large-einval", "XSH mq_send()",
            "mq_send() with msg_prio >= {MQ_PRIO_MAX} fails with EINVAL and queues nothing") {
  long m = prio_max();
  ASSERT_GT(m, 0) << ErrnoText(errno);
  Queue q(4, 8);
  EXPECT_FAILS_WITH(mq_send(q.get(), "x", 1, static_cast<unsigned>(m)), EINVAL);
  EXPECT_FAILS_WITH(mq_send(q.get(), "x", 1, UINT_MAX), EINVAL);
  EXPECT_EQ(posix_mq::curmsgs(q.get()), 0);
}

SIGIPC_TEST(PosixMqSendPriority, TimedSendOrdersByPriorityToo, "posix_mq.timed.send-priority",
            "XSH mq_timedsend()",
            "mq_timedsend() inserts the message at the position its priority indicates, like "
            "mq_send()") {
  Queue q(4, 8);
  timespec later = posix_mq::realtime_after_ms(10000);
  ASSERT_SUCCEEDS(mq_timedsend(q.get(), "a", 1, 1, &later));
  ASSERT_SUCCEEDS(mq_timedsend(q.get(), "b", 1, 8, &later));
  char buf[8];
  unsigned prio = 0;
  ASSERT_EQ(mq_receive(q.get(), buf, sizeof buf, &prio), 1);
  EXPECT_EQ(buf[0], 'b');
  EXPECT_EQ(prio, 8u);
}

}  // namespace
}  // namespace sigipc
