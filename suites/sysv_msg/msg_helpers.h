// Helpers shared by the System V message queue tests: limits read at run
// time, and the two ways the tests prove that a call is blocked or was
// interrupted without sleeping. Message buffers usable in forked children,
// the checked msgctl() wrappers and the queue guard are shared with other
// families (fixtures/ipc_calls.h, fixtures/ipc_guards.h).
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <ctime>

#include "fixtures/check.h"
#include "fixtures/ipc_calls.h"
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"

#ifndef MSG_COPY
#define MSG_COPY 040000  // the kernel's value (linux/msg.h); musl's <sys/msg.h> lacks the name
#endif

namespace sigipc {
namespace sysv_msg {

inline int send_str(int id, long type, const char* text, int flags = 0) noexcept {
  return send(id, type, text, std::strlen(text), flags);
}

// A unique key with no queue behind it (one was created and removed), for
// tests that create the queue themselves with msgget().
inline key_t free_key() {
  key_t key = 0;
  SysvId q(SysvId::kMsg, create_sysv_msg(0600, &key));
  return key;
}

using ::sigipc::wait_until_sleeping;

// Whether fd has data within ms milliseconds.
inline bool readable_within(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

// Sends sig to pid again and again until the child's status pipe becomes
// readable (its blocking call returned), at most about 5 s. A signal that
// lands before the child blocks only runs the handler; the next one
// interrupts the call. Returns whether the pipe became readable.
inline bool signal_until_readable(pid_t pid, int sig, int fd) {
  for (int i = 0; i < 500; ++i) {
    if (kill(pid, sig) != 0) return false;
    if (readable_within(fd, 10)) return true;
  }
  return false;
}

// Result record a child writes to its status pipe: return value and errno.
struct Outcome {
  long ret;
  int err;
};
inline void write_outcome(int fd, long ret, int err) noexcept {
  Outcome o{ret, err};
  (void)!write(fd, &o, sizeof o);
}
inline Outcome read_outcome(int fd) {
  Outcome o{-2, 0};
  ssize_t n;
  do n = read(fd, &o, sizeof o);
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof o)) setup_error(__FILE__, __LINE__, "child sent no outcome");
  return o;
}

}  // namespace sysv_msg
}  // namespace sigipc

// MSG_COPY exists only with CONFIG_CHECKPOINT_RESTORE (ENOSYS otherwise) and
// where an emulator passes it on.
#define REQUIRE_MSG_COPY(id)                                                             \
  do {                                                                                   \
    ::sigipc::sysv_msg::SmallMsg m_{};                                                   \
    errno = 0;                                                                           \
    if (msgrcv(id, &m_, sizeof m_.mtext, 0, IPC_NOWAIT | MSG_COPY) == -1 &&              \
        (errno == ENOSYS || errno == EINVAL))                                            \
      SIGIPC_UNSUPPORTED("msgrcv(MSG_COPY) unavailable (" + ::sigipc::ErrnoText(errno) + \
                         "): a kernel without CONFIG_CHECKPOINT_RESTORE or an "          \
                         "emulator without MSG_COPY");                                   \
  } while (0)
