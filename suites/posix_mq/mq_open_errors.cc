// mq_open() argument errors: invalid attributes, attributes above the
// system limits, and malformed or overlong names. XSH mq_open(); Linux's
// limits and name rules from mq_overview(7) and mq_open(3).
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>

#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/isolation.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/posix_mq/mq_helpers.h"

namespace sigipc {
namespace {

// XSH mq_open() [EINVAL]: "O_CREAT was specified in oflag, the value of attr
// is not NULL, and either mq_maxmsg or mq_msgsize was less than or equal to
// zero." Zero and a negative value are separate edge cases of each member.
void expect_einval_for(long maxmsg, long msgsize) {
  MqName name;
  mq_attr a = posix_mq::make_attr(maxmsg, msgsize);
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a), EINVAL)
      << "mq_maxmsg " << maxmsg << ", mq_msgsize " << msgsize;
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR), ENOENT) << "no queue may have been created";
}

SIGIPC_TEST(PosixMqOpen, ZeroMaxmsgFailsEinval, "posix_mq.open.maxmsg-zero-einval", "XSH mq_open()",
            "O_CREAT with attr->mq_maxmsg == 0 fails with EINVAL") {
  expect_einval_for(0, 8);
}

SIGIPC_TEST(PosixMqOpen, NegativeMaxmsgFailsEinval, "posix_mq.open.maxmsg-negative-einval",
            "XSH mq_open()", "O_CREAT with a negative attr->mq_maxmsg fails with EINVAL") {
  expect_einval_for(-1, 8);
}

SIGIPC_TEST(PosixMqOpen, ZeroMsgsizeFailsEinval, "posix_mq.open.msgsize-zero-einval",
            "XSH mq_open()", "O_CREAT with attr->mq_msgsize == 0 fails with EINVAL") {
  expect_einval_for(2, 0);
}

SIGIPC_TEST(PosixMqOpen, NegativeMsgsizeFailsEinval, "posix_mq.open.msgsize-negative-einval",
            "XSH mq_open()", "O_CREAT with a negative attr->mq_msgsize fails with EINVAL") {
  expect_einval_for(2, -1);
}

// Linux's limits: above msg_max / msgsize_max without CAP_SYS_RESOURCE the
// kernel answers EINVAL (mq_open(3), mq_overview(7)).
#define SIGIPC_MQ_LIMIT_OR_SKIP(var, file)                                \
  const auto var = posix_mq::proc_limit(file);                            \
  if (!var) SIGIPC_UNSUPPORTED("/proc/sys/fs/mqueue/" file " is absent"); \
  if (has_effective_cap(kCapSysResource))                                 \
  SIGIPC_UNSUPPORTED("CAP_SYS_RESOURCE lifts the limit in /proc/sys/fs/mqueue/" file)

SIGIPC_TEST(PosixMqOpen, MaxmsgAboveMsgMaxFailsEinval, "posix_mq.open.maxmsg-above-limit-einval",
            "Linux-only, mq_open(3)",
            "Without CAP_SYS_RESOURCE, O_CREAT with mq_maxmsg above /proc/sys/fs/mqueue/msg_max "
            "fails with EINVAL") {
  SIGIPC_MQ_LIMIT_OR_SKIP(msg_max, "msg_max");
  expect_einval_for(static_cast<long>(*msg_max) + 1, 8);
}

SIGIPC_TEST(PosixMqOpen, MsgsizeAboveMsgsizeMaxFailsEinval,
            "posix_mq.open.msgsize-above-limit-einval", "Linux-only, mq_open(3)",
            "Without CAP_SYS_RESOURCE, O_CREAT with mq_msgsize above "
            "/proc/sys/fs/mqueue/msgsize_max fails with EINVAL") {
  SIGIPC_MQ_LIMIT_OR_SKIP(size_max, "msgsize_max");
  expect_einval_for(1, static_cast<long>(*size_max) + 1);
}

SIGIPC_TEST(PosixMqOpen, MaxmsgEqualToMsgMaxIsAccepted, "posix_mq.open.maxmsg-at-limit-ok",
            "Linux-only, mq_overview(7)",
            "msg_max is the ceiling, inclusive: O_CREAT with mq_maxmsg equal to it succeeds") {
  const auto msg_max = posix_mq::proc_limit("msg_max");
  if (!msg_max) SIGIPC_UNSUPPORTED("/proc/sys/fs/mqueue/msg_max is absent");
  MqName name;
  mq_attr a = posix_mq::make_attr(static_cast<long>(*msg_max), 1);
  errno = 0;
  MqHandle d(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a));
  ASSERT_TRUE(d.valid()) << "mq_maxmsg " << *msg_max << ": " << ErrnoText(errno);
  EXPECT_EQ(posix_mq::attr_of(d.get()).mq_maxmsg, *msg_max);
}

SIGIPC_TEST(PosixMqOpen, MsgsizeEqualToMsgsizeMaxIsAccepted, "posix_mq.open.msgsize-at-limit-ok",
            "Linux-only, mq_overview(7)",
            "msgsize_max is the ceiling, inclusive: O_CREAT with mq_msgsize equal to it "
            "succeeds") {
  const auto size_max = posix_mq::proc_limit("msgsize_max");
  if (!size_max) SIGIPC_UNSUPPORTED("/proc/sys/fs/mqueue/msgsize_max is absent");
  SIGIPC_REQUIRE_USER_SWITCH();
  MqName name;
  // A large queue: under a uid of its own for RLIMIT_MSGQUEUE (mq_helpers.h).
  WaitStatus st = posix_mq::RunAsPrivateUser([&] {
    mq_attr a = posix_mq::make_attr(1, static_cast<long>(*size_max));
    mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a);
    CHILD_CHECK_OK(d);
    mq_attr got{};
    CHILD_CHECK_OK(mq_getattr(d, &got));
    CHILD_CHECK_EQ(got.mq_msgsize, *size_max);
    mq_close(d);
  });
  EXPECT_CHILD_OK(st);
}

// ---- names ----

SIGIPC_TEST(PosixMqOpen, NameWithoutLeadingSlashFailsEinval, "posix_mq.open.name-no-slash-einval",
            "Linux-only, mq_open(3)",
            "A name that does not begin with '/' does not follow the mq_overview(7) format: "
            "mq_open() fails with EINVAL") {
  // Unique but slash-less: the suite's prefix without the leading '/'.
  MqName guard;
  std::string bare = guard.str().substr(1);
  mq_attr a = posix_mq::make_attr(2, 8);
  EXPECT_MQ_OPEN_FAILS(mq_open(bare.c_str(), O_RDWR | O_CREAT, 0600, &a), EINVAL);
}

SIGIPC_TEST(PosixMqOpen, NameWithSecondSlashFailsEacces, "posix_mq.open.name-inner-slash-eacces",
            "Linux-only, mq_open(3)",
            "A name with a slash after the leading one is rejected with EACCES (POSIX leaves "
            "inner slashes implementation-defined)") {
  MqName guard;
  std::string name = guard.str() + "/inner";
  mq_attr a = posix_mq::make_attr(2, 8);
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a), EACCES);
}

SIGIPC_TEST(PosixMqOpen, NameLongerThanNameMaxFailsEnametoolong,
            "posix_mq.open.name-too-long-enametoolong", "XSH mq_open()",
            "A name whose component is longer than {NAME_MAX} fails with ENAMETOOLONG") {
  // Fixed text, not a unique name: the call must fail before anything exists.
  std::string name = posix_mq::name_of_length(NAME_MAX + 1);
  mq_attr a = posix_mq::make_attr(2, 8);
  EXPECT_MQ_OPEN_FAILS(mq_open(name.c_str(), O_RDWR | O_CREAT, 0600, &a), ENAMETOOLONG);
}

SIGIPC_TEST(PosixMqOpen, NameOfExactlyNameMaxIsAccepted, "posix_mq.open.name-max-length-ok",
            "XSH mq_open()", "A name whose component is exactly {NAME_MAX} bytes long is valid") {
  // Each test has a private IPC namespace, so this fixed name meets no one.
  std::string name = posix_mq::name_of_length(NAME_MAX);
  mq_attr a = posix_mq::make_attr(2, 8);
  errno = 0;
  mqd_t d = mq_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
  int err = errno;
  if (d != static_cast<mqd_t>(-1)) {
    mq_close(d);
    mq_unlink(name.c_str());
  }
  EXPECT_NE(d, static_cast<mqd_t>(-1)) << ErrnoText(err);
}

}  // namespace
}  // namespace sigipc
