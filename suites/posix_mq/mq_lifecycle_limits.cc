// Resource limits on queues and descriptors: RLIMIT_NOFILE (XSH mq_open()
// [EMFILE]), and Linux's RLIMIT_MSGQUEUE and queues_max (mq_overview(7)).
// Each runs in a child under a uid of its own: these limits count per process
// or per user, and root's budget is shared with tests running in parallel.
#include <fcntl.h>
#include <mqueue.h>
#include <sys/resource.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "fixtures/rlimit.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

SIGIPC_TEST(PosixMqLifecycle, DescriptorLimitFailsEmfile, "posix_mq.open.emfile-descriptors",
            "XSH mq_open()",
            "mq_open() fails with EMFILE when the process has too many message queue or file "
            "descriptors in use (RLIMIT_NOFILE's soft limit lowered to 32)") {
  MqName name;
  MqHandle d(posix_mq::create(name.c_str()));
  WaitStatus st = RunInChild([&] {
    CHILD_LOWER_NOFILE(32);
    // Fill every free number below the limit with descriptors of the queue;
    // bounded, so a platform that never refuses fails instead of looping.
    int opened = 0;
    for (;;) {
      errno = 0;
      mqd_t x = mq_open(name.c_str(), O_RDWR);
      if (x == static_cast<mqd_t>(-1)) break;
      CHILD_CHECK(++opened <= 32);
    }
    CHILD_CHECK_EQ(errno, EMFILE);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixMqLifecycle, RlimitMsgqueueExceededFailsEmfile,
            "posix_mq.open.rlimit-msgqueue-emfile", "Linux-only, mq_overview(7)",
            "Creating a queue whose bytes would exceed the creator's RLIMIT_MSGQUEUE fails with "
            "EMFILE, while a queue that fits succeeds") {
  SIGIPC_REQUIRE_USER_SWITCH();
  if (has_effective_cap(kCapSysResource))
    SIGIPC_UNSUPPORTED("CAP_SYS_RESOURCE exempts the caller from RLIMIT_MSGQUEUE");
  MqName big, small;
  WaitStatus st = posix_mq::RunAsPrivateUser([&] {
    CHILD_LOWER_LIMIT(RLIMIT_MSGQUEUE, 4096, 4096);
    mq_attr a{};
    a.mq_maxmsg = 1;
    a.mq_msgsize = 8192;  // msgsize_max's default; 8192 > 4096 whatever the bookkeeping
    CHILD_CHECK_ERRNO(mq_open(big.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a), EMFILE);
    a.mq_msgsize = 1024;
    mqd_t d = mq_open(small.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
    CHILD_CHECK_OK(d);
    mq_close(d);
  });
  EXPECT_CHILD_OK(st);
}

SIGIPC_TEST(PosixMqLifecycle, QueuesMaxExceededFailsEnospc, "posix_mq.open.queues-max-enospc",
            "Linux-only, mq_overview(7)",
            "Without CAP_SYS_RESOURCE, creating a queue when the IPC namespace already holds "
            "/proc/sys/fs/mqueue/queues_max queues fails with ENOSPC") {
  SIGIPC_REQUIRE_USER_SWITCH();
  // The count is per IPC namespace: another program's queues in a shared one
  // would reach the limit early. Read the limit inside the namespace.
  SIGIPC_REQUIRE_PRIVATE_IPC_NAMESPACE();
  const auto queues_max = posix_mq::proc_limit("queues_max");
  if (!queues_max) SIGIPC_UNSUPPORTED("/proc/sys/fs/mqueue/queues_max is absent");
  if (has_effective_cap(kCapSysResource))
    SIGIPC_UNSUPPORTED("CAP_SYS_RESOURCE exempts the caller from queues_max");
  if (*queues_max > 1024)
    SIGIPC_UNSUPPORTED("queues_max is " + std::to_string(*queues_max) +
                       ": too many queues to create quickly");
  // The test's IPC namespace is private, so it starts with no queues.
  std::vector<std::unique_ptr<MqName>> names;
  for (long long i = 0; i <= *queues_max; ++i) names.push_back(std::make_unique<MqName>("q"));
  WaitStatus st = posix_mq::RunAsPrivateUser([&] {
    mq_attr a{};
    a.mq_maxmsg = 1;
    a.mq_msgsize = 1;
    for (long long i = 0; i < *queues_max; ++i) {
      mqd_t d = mq_open(names[i]->c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600, &a);
      CHILD_CHECK_OK(d);
      mq_close(d);  // the queue persists; only the count matters
    }
    CHILD_CHECK_ERRNO(mq_open(names[*queues_max]->c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600, &a),
                      ENOSPC);
  });
  EXPECT_CHILD_OK(st);
}

}  // namespace
}  // namespace sigipc
