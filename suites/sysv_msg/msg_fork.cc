// Queues across fork() and process exit: a queue is a system object named by
// its id, not a per-process handle. XSH msgget(), XSH fork(), XSH msgctl()
// ("remove ... from the system": nothing else removes it).
#include <sys/ipc.h>
#include <sys/msg.h>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/sysv_msg/msg_helpers.h"

namespace sigipc {
namespace {

using sysv_msg::Queue;
using sysv_msg::send_str;

SIGIPC_TEST(SysvMsgFork, ChildUsesParentsQueueId, "sysv_msg.fork.child-uses-id", "XSH msgget()",
            "A forked child uses the queue id it inherited as a number: it receives what the "
            "parent sent and its reply reaches the parent") {
  Queue q;
  int id = q.get();
  ASSERT_SUCCEEDS(send_str(id, 1, "ping"));
  Child c([id] {
    auto r = sysv_msg::recv(id, 1, IPC_NOWAIT);
    CHILD_CHECK(r.text_is("ping"));
    CHILD_CHECK_OK(send_str(id, 2, "pong"));
  });
  ASSERT_CHILD_OK(c.wait());
  EXPECT_TRUE(sysv_msg::recv(id, 2, IPC_NOWAIT).text_is("pong"));
}

SIGIPC_TEST(SysvMsgFork, QueueCreatedByChildOutlivesIt, "sysv_msg.fork.survives-creator-exit",
            "XSH msgctl()",
            "A queue persists after the process that created it exits: only IPC_RMID removes it") {
  key_t key = sysv_msg::free_key();
  Child c([key] {
    int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHILD_CHECK_OK(id);
    CHILD_CHECK_OK(send_str(id, 1, "kept"));
  });
  WaitStatus s = c.wait();
  int id = msgget(key, 0);
  SysvId guard(SysvId::kMsg, id);  // removes it even when an expectation fails
  ASSERT_CHILD_OK(s);
  ASSERT_SUCCEEDS(id);
  EXPECT_EQ(sysv_msg::stat_of(id).msg_perm.cuid, geteuid());
  EXPECT_TRUE(sysv_msg::recv(id, 0, IPC_NOWAIT).text_is("kept"))
      << "messages of an exited sender stay on the queue";
}

SIGIPC_TEST(SysvMsgFork, MessagesFromManyProcessesKeepPerTypeOrder,
            "sysv_msg.fork.senders-share-queue", "XSH msgsnd()",
            "Messages sent by several processes to one queue are all queued, each sender's "
            "messages in its send order") {
  Queue q;
  int id = q.get();
  constexpr int kSenders = 3, kEach = 3;
  {
    Child a([id] {
      for (char i = 0; i < kEach; ++i) CHILD_CHECK_OK(sysv_msg::send(id, 1, &i, 1));
    });
    Child b([id] {
      for (char i = 0; i < kEach; ++i) CHILD_CHECK_OK(sysv_msg::send(id, 2, &i, 1));
    });
    Child c([id] {
      for (char i = 0; i < kEach; ++i) CHILD_CHECK_OK(sysv_msg::send(id, 3, &i, 1));
    });
    ASSERT_CHILD_OK(a.wait());
    ASSERT_CHILD_OK(b.wait());
    ASSERT_CHILD_OK(c.wait());
  }
  EXPECT_EQ(sysv_msg::qnum_of(id), static_cast<unsigned long>(kSenders * kEach));
  for (long type = 1; type <= kSenders; ++type)
    for (char i = 0; i < kEach; ++i) {
      auto r = sysv_msg::recv(id, type, IPC_NOWAIT);
      ASSERT_EQ(r.n, 1) << "type " << type;
      EXPECT_EQ(r.text[0], i) << "type " << type;
    }
}

}  // namespace
}  // namespace sigipc
