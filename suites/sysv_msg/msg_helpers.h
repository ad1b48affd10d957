// Helpers shared by the System V message queue tests: fixed-size message
// buffers usable in forked children (no allocation), checked wrappers for
// msgctl(IPC_STAT/IPC_SET), limits read at run time, and the two ways the
// tests prove that a call is blocked or was interrupted without sleeping.
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
#include "fixtures/ipc_guards.h"
#include "fixtures/probes.h"
#include "fixtures/process.h"

namespace sigipc {
namespace sysvmsg {

// XSH msgsnd(): the message starts with a long mtype followed by the text.
template <std::size_t N>
struct Msg {
  long mtype;
  char mtext[N];
};
using SmallMsg = Msg<64>;

// Sends len bytes of text (at most 64) with the given type. Async-signal-safe.
inline int send(int id, long type, const char* text, std::size_t len, int flags = 0) noexcept {
  SmallMsg m{};
  m.mtype = type;
  if (len > sizeof m.mtext) len = sizeof m.mtext;
  if (text) std::memcpy(m.mtext, text, len);
  return msgsnd(id, &m, len, flags);
}
inline int send_str(int id, long type, const char* text, int flags = 0) noexcept {
  return send(id, type, text, std::strlen(text), flags);
}

// One received message. Async-signal-safe.
struct Received {
  ssize_t n = -1;
  int err = 0;
  long mtype = 0;
  char text[64] = {};
  bool text_is(const char* s) const noexcept {
    return n == static_cast<ssize_t>(std::strlen(s)) && std::memcmp(text, s, std::strlen(s)) == 0;
  }
};
inline Received recv(int id, long type, int flags = 0, std::size_t cap = 64) noexcept {
  SmallMsg m{};
  Received r;
  if (cap > sizeof m.mtext) cap = sizeof m.mtext;
  errno = 0;
  r.n = msgrcv(id, &m, cap, type, flags);
  r.err = errno;
  if (r.n >= 0) {
    r.mtype = m.mtype;
    std::memcpy(r.text, m.mtext, static_cast<std::size_t>(r.n));
  }
  return r;
}

inline msqid_ds stat_of(int id) {
  msqid_ds ds{};
  SETUP_OK(msgctl(id, IPC_STAT, &ds));
  return ds;
}
inline unsigned long qnum_of(int id) { return stat_of(id).msg_qnum; }

// A unique key with no queue behind it (one was created and removed), for
// tests that create the queue themselves with msgget().
inline key_t free_key() {
  key_t key = 0;
  SysvId q(SysvId::kMsg, create_sysv_msg(0600, &key));
  return key;
}

// A queue created with a unique key (kept for the msgget tests) and removed
// by its SysvId on every exit path.
struct Queue {
  key_t key = 0;
  SysvId id;
  explicit Queue(int mode = 0600) : id(SysvId::kMsg, create_sysv_msg(mode, &key)) {}
  int get() const { return id.get(); }
};

// Sets msg_qbytes, typically lowered so that a few small messages fill the
// queue (XSH msgctl(): only raising it needs privilege).
inline void set_qbytes(int id, unsigned long bytes) {
  msqid_ds ds = stat_of(id);
  ds.msg_qbytes = bytes;
  SETUP_OK(msgctl(id, IPC_SET, &ds));
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

}  // namespace sysvmsg
}  // namespace sigipc
