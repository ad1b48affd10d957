// Helpers shared by the POSIX message queue tests of part 1 (open, close,
// unlink, attributes, limits, permissions, fork/exec): the Linux limits read
// at run time, and a uid of its own for per-user resource accounting. The
// queue guard and the checked set-up calls other families use too are in
// fixtures/ipc_guards.h and fixtures/ipc_calls.h.
#pragma once

#include <fcntl.h>
#include <mqueue.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <optional>
#include <string>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/isolation.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"

namespace sigipc {
namespace posix_mq {

// Sends n one-byte messages of priority 0 (setup: the rule is elsewhere).
inline void fill(mqd_t q, long n) {
  for (long i = 0; i < n; ++i) {
    char c = static_cast<char>('a' + i);
    SETUP_OK(mq_send(q, &c, 1, 0));
  }
}

inline struct stat fstat_of(int fd) {
  struct stat st {};
  SETUP_OK(fstat(fd, &st));
  return st;
}

// A /proc/sys/fs/mqueue value, or nullopt where the file is absent.
inline std::optional<long long> proc_limit(const char* file) {
  return read_proc_number(std::string("/proc/sys/fs/mqueue/") + file);
}

// A name of exactly len characters after the leading slash.
inline std::string name_of_length(std::size_t len) { return "/" + std::string(len, 'q'); }

// RLIMIT_MSGQUEUE counts bytes per real uid across every IPC namespace, so
// root's (and nobody's) budget is shared with tests running in parallel. A
// rule about that limit runs under a uid no other test uses.
// In a user namespace of the test's own only the mapped ids exist (and the
// namespace's counts are its own): pick one of those.
inline uid_t private_uid() {
  unsigned v = 0;
  UniqueFd fd(SETUP_OK(open("/dev/urandom", O_RDONLY | O_CLOEXEC)));
  if (read(fd.get(), &v, sizeof v) != static_cast<ssize_t>(sizeof v))
    setup_error(__FILE__, __LINE__, "read(/dev/urandom) was short");
  if (!in_user_namespace()) return static_cast<uid_t>(200000 + v % 1000000);
  for (int i = 0; i < 64; ++i, v = v * 1103515245u + 12345u) {
    uid_t u = static_cast<uid_t>(1000 + v % 60000);
    if (ids_mapped(u, static_cast<gid_t>(u))) return u;
  }
  return kNobodyUid;
}

// The verdict of an mq_open() expected to fail with err; a descriptor it
// returned anyway is closed, so the failure is reported without a leak.
inline ::testing::AssertionResult OpenFailed(const char* call, mqd_t d, int got, int err,
                                             const char* err_text) {
  if (d == static_cast<mqd_t>(-1) && got == err) return ::testing::AssertionSuccess();
  if (d != static_cast<mqd_t>(-1)) {
    mq_close(d);
    return ::testing::AssertionFailure()
           << call << ": expected -1 with " << err_text << ", got a descriptor";
  }
  return ::testing::AssertionFailure()
         << call << ": expected -1 with " << err_text << ", got -1 with " << ErrnoText(got);
}

// Runs body as private_uid() (see above): for rules that create queues whose
// bytes a parallel test's root queues could otherwise push over the limit.
inline WaitStatus RunAsPrivateUser(const std::function<void()>& body) {
  uid_t uid = private_uid();
  return RunAsUser(uid, static_cast<gid_t>(uid), body);
}

}  // namespace posix_mq
}  // namespace sigipc

// mq_open(...) must fail with err (a descriptor it returns is closed).
#define EXPECT_MQ_OPEN_FAILS(call, err)                                                \
  GTEST_ASSERT_(                                                                       \
      [&] {                                                                            \
        errno = 0;                                                                     \
        mqd_t sigipc_d_ = (call);                                                      \
        int sigipc_e_ = errno;                                                         \
        return ::sigipc::posix_mq::OpenFailed(#call, sigipc_d_, sigipc_e_, err, #err); \
      }(),                                                                             \
      GTEST_NONFATAL_FAILURE_)
