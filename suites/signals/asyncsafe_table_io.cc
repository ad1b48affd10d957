// Rows of the async-signal-safety table (asyncsafe_table.h) for sockets,
// descriptor polling, asynchronous I/O and terminals. Each side uses its own
// socket pair (Scratch), listening socket, completed aio requests and
// pseudo-terminal.
#include <aio.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "suites/signals/asyncsafe_table.h"

namespace sigipc {
namespace {

using asyncsafe_table::g_scratch;
using asyncsafe_table::kSides;

bool failed_with(long r, int err) { return r == -1 && errno == err; }
int sock(int side, int end) { return g_scratch[side].sock[end]; }
char tag(int side) { return side ? 'h' : 'm'; }
// Two bytes from end 0 arrive whole at end 1 and nothing more is queued.
bool arrived(int side, ssize_t got, const char* in) {
  char more;
  return got == 2 && in[0] == tag(side) && in[1] == '!' &&
         failed_with(recv(sock(side, 1), &more, 1, 0), EAGAIN);
}

SIGIPC_ASYNCSAFE_ROW(Send, send, "signal.asyncsafe.table.send", [](int side) {
  const char out[2] = {tag(side), '!'};
  char in[4];
  return send(sock(side, 0), out, 2, 0) == 2 && arrived(side, read(sock(side, 1), in, 4), in);
})
SIGIPC_ASYNCSAFE_ROW(Sendto, sendto, "signal.asyncsafe.table.sendto", [](int side) {
  const char out[2] = {tag(side), '!'};
  char in[4];
  return sendto(sock(side, 0), out, 2, 0, nullptr, 0) == 2 &&
         arrived(side, read(sock(side, 1), in, 4), in);
})
SIGIPC_ASYNCSAFE_ROW(Sendmsg, sendmsg, "signal.asyncsafe.table.sendmsg", [](int side) {
  char out[2] = {tag(side), '!'};
  char in[4];
  iovec iov{out, 2};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  return sendmsg(sock(side, 0), &m, 0) == 2 && arrived(side, read(sock(side, 1), in, 4), in);
})
SIGIPC_ASYNCSAFE_ROW(Recv, recv, "signal.asyncsafe.table.recv", [](int side) {
  const char out[2] = {tag(side), '!'};
  char in[4];
  return write(sock(side, 0), out, 2) == 2 && arrived(side, recv(sock(side, 1), in, 4, 0), in);
})
SIGIPC_ASYNCSAFE_ROW(Recvfrom, recvfrom, "signal.asyncsafe.table.recvfrom", [](int side) {
  const char out[2] = {tag(side), '!'};
  char in[4];
  return write(sock(side, 0), out, 2) == 2 &&
         arrived(side, recvfrom(sock(side, 1), in, 4, 0, nullptr, nullptr), in);
})
SIGIPC_ASYNCSAFE_ROW(Recvmsg, recvmsg, "signal.asyncsafe.table.recvmsg", [](int side) {
  const char out[2] = {tag(side), '!'};
  char in[4];
  iovec iov{in, 4};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  return write(sock(side, 0), out, 2) == 2 && arrived(side, recvmsg(sock(side, 1), &m, 0), in);
})
SIGIPC_ASYNCSAFE_ROW(Socketpair, socketpair, "signal.asyncsafe.table.socketpair", [](int side) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return false;
  const char out[2] = {tag(side), '!'};
  char in[4] = {0};
  const bool ok = write(sv[0], out, 2) == 2 && read(sv[1], in, 4) == 2 && in[0] == tag(side);
  return close(sv[0]) == 0 && close(sv[1]) == 0 && ok;
})
SIGIPC_ASYNCSAFE_ROW(Socket, socket, "signal.asyncsafe.table.socket", [](int) {
  const int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  return s >= 0 && close(s) == 0 && socket(AF_UNIX, 12345, 0) == -1;
})
SIGIPC_ASYNCSAFE_ROW(Shutdown, shutdown, "signal.asyncsafe.table.shutdown", [](int side) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return false;
  char c;
  // After SHUT_WR on one end the other reads end-of-file.
  const bool ok = shutdown(sv[0], SHUT_WR) == 0 && read(sv[1], &c, 1) == 0 && side >= 0;
  return close(sv[0]) == 0 && close(sv[1]) == 0 && ok;
})
SIGIPC_ASYNCSAFE_ROW(Getsockopt, getsockopt, "signal.asyncsafe.table.getsockopt", [](int side) {
  int type = 0;
  socklen_t len = sizeof type;
  return getsockopt(sock(side, 0), SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM &&
         len == sizeof type;
})
// Each side sets its own send buffer size and reads back what the kernel
// made of it: the same figure every time.
int g_sndbuf[2];
SIGIPC_ASYNCSAFE_ROW(
    Setsockopt, setsockopt, "signal.asyncsafe.table.setsockopt",
    [](int side) {
      const int want = 8192 * (side + 1);
      int got = 0;
      socklen_t len = sizeof got;
      return setsockopt(sock(side, 0), SOL_SOCKET, SO_SNDBUF, &want, sizeof want) == 0 &&
             getsockopt(sock(side, 0), SOL_SOCKET, SO_SNDBUF, &got, &len) == 0 &&
             got == g_sndbuf[side];
    },
    [] {
      for (int side = 0; side < kSides; ++side) {
        const int want = 8192 * (side + 1);
        socklen_t len = sizeof g_sndbuf[side];
        setsockopt(sock(side, 0), SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
        getsockopt(sock(side, 0), SOL_SOCKET, SO_SNDBUF, &g_sndbuf[side], &len);
      }
    })

// Per side: a listening AF_UNIX socket at <dir>/name2 (nonblocking accept).
int g_listener[2] = {-1, -1};
sockaddr_un address_of(int side) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const size_t n = strlen(g_scratch[side].name2);
  if (n < sizeof a.sun_path) memcpy(a.sun_path, g_scratch[side].name2, n + 1);
  return a;
}
void make_listeners() {
  for (int side = 0; side < kSides; ++side) {
    g_listener[side] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const sockaddr_un a = address_of(side);
    if (bind(g_listener[side], reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
        listen(g_listener[side], 8) != 0) {
      close(g_listener[side]);
      g_listener[side] = -1;
    }
  }
}
void drop_listeners() {
  for (int side = 0; side < kSides; ++side) {
    if (g_listener[side] >= 0) close(g_listener[side]);
    unlink(g_scratch[side].name2);
  }
}
// connect() to the side's listener, accept() the connection, check the
// addresses both ends report, one byte across, close both.
bool connect_accept(int side) {
  const sockaddr_un a = address_of(side);
  const int c = socket(AF_UNIX, SOCK_STREAM, 0);
  if (c < 0) return false;
  bool ok = connect(c, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  const int s = accept(g_listener[side], nullptr, nullptr);
  sockaddr_un peer{}, self{};
  socklen_t plen = sizeof peer, slen = sizeof self;
  char in = 0;
  ok = ok && s >= 0 && getpeername(c, reinterpret_cast<sockaddr*>(&peer), &plen) == 0 &&
       strcmp(peer.sun_path, a.sun_path) == 0 &&
       getsockname(s, reinterpret_cast<sockaddr*>(&self), &slen) == 0 &&
       strcmp(self.sun_path, a.sun_path) == 0 && write(c, "a", 1) == 1 && read(s, &in, 1) == 1 &&
       in == 'a' && failed_with(accept(g_listener[side], nullptr, nullptr), EAGAIN);
  if (s >= 0) close(s);
  return close(c) == 0 && ok;
}
SIGIPC_ASYNCSAFE_ROW(Accept, accept, "signal.asyncsafe.table.accept", connect_accept,
                     make_listeners, drop_listeners)
SIGIPC_ASYNCSAFE_ROW(Connect, connect, "signal.asyncsafe.table.connect", connect_accept,
                     make_listeners, drop_listeners)
SIGIPC_ASYNCSAFE_ROW(Getpeername, getpeername, "signal.asyncsafe.table.getpeername", connect_accept,
                     make_listeners, drop_listeners)
SIGIPC_ASYNCSAFE_ROW(Getsockname, getsockname, "signal.asyncsafe.table.getsockname", connect_accept,
                     make_listeners, drop_listeners)
// bind() then listen() on a fresh socket at the side's spare name; a second
// socket cannot take the name (XSH bind() [EADDRINUSE]).
bool bind_listen(int side) {
  const int s = socket(AF_UNIX, SOCK_STREAM, 0);
  const int other = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const size_t n = strlen(g_scratch[side].name);
  bool ok = s >= 0 && other >= 0 && n < sizeof a.sun_path;
  if (ok) memcpy(a.sun_path, g_scratch[side].name, n + 1);
  const sockaddr* sa = reinterpret_cast<const sockaddr*>(&a);
  ok = ok && bind(s, sa, sizeof a) == 0 && listen(s, 1) == 0 &&
       failed_with(bind(other, sa, sizeof a), EADDRINUSE);
  for (int fd : {s, other})
    if (fd >= 0) close(fd);
  return unlink(g_scratch[side].name) == 0 && ok;
}
SIGIPC_ASYNCSAFE_ROW(Bind, bind, "signal.asyncsafe.table.bind", bind_listen)
SIGIPC_ASYNCSAFE_ROW(Listen, listen, "signal.asyncsafe.table.listen", bind_listen)
// Not a socket: XSH sockatmark() [ENOTTY].
SIGIPC_ASYNCSAFE_ROW(Sockatmark, sockatmark, "signal.asyncsafe.table.sockatmark", [](int side) {
  return failed_with(sockatmark(g_scratch[side].file_fd), ENOTTY);
})

// One byte in the side's pipe: readable now, and not after it is read.
bool readable_then_not(int side, bool (*readable)(int fd)) {
  const int rd = g_scratch[side].pipe_fd[0];
  char c;
  return write(g_scratch[side].pipe_fd[1], "p", 1) == 1 && readable(rd) && read(rd, &c, 1) == 1 &&
         !readable(rd);
}
SIGIPC_ASYNCSAFE_ROW(Poll, poll, "signal.asyncsafe.table.poll", [](int side) {
  return readable_then_not(side, [](int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1 && p.revents == POLLIN;
  });
})
SIGIPC_ASYNCSAFE_ROW(Select, select, "signal.asyncsafe.table.select", [](int side) {
  return readable_then_not(side, [](int fd) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    timeval zero{0, 0};
    return select(fd + 1, &r, nullptr, nullptr, &zero) == 1 && FD_ISSET(fd, &r);
  });
})
SIGIPC_ASYNCSAFE_ROW(Pselect, pselect, "signal.asyncsafe.table.pselect", [](int side) {
  return readable_then_not(side, [](int fd) {
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    const timespec zero{0, 0};
    return pselect(fd + 1, &r, nullptr, nullptr, &zero, nullptr) == 1 && FD_ISSET(fd, &r);
  });
})

// Per side, completed aio reads of the side's file (aio_read() and the wait
// for completion are not on the list: they happen in prepare()).
constexpr int kRequests = 4096;
struct AioSide {
  aiocb cb;
  char buf[8];
  int next_return;  // aio_return() may be called once per request
} g_aio[2];
void complete_reads() {
  for (int side = 0; side < kSides; ++side) {
    AioSide& a = g_aio[side];
    a = AioSide{};
    a.cb.aio_fildes = g_scratch[side].file_fd;
    a.cb.aio_buf = a.buf;
    a.cb.aio_nbytes = 4;
    if (aio_read(&a.cb) != 0) continue;
    const aiocb* list[1] = {&a.cb};
    while (aio_error(&a.cb) == EINPROGRESS) aio_suspend(list, 1, nullptr);
  }
}
bool completed_read(int side) {
  const AioSide& a = g_aio[side];
  return aio_error(&a.cb) == 0 && memcmp(a.buf, "0123", 4) == 0;
}
// glibc's aio functions take one process-wide mutex: these rows run isolated
// (asyncsafe_table.h), so a handler deadlocked on it is a FAIL.
SIGIPC_ASYNCSAFE_ROW(AioError, aio_error, "signal.asyncsafe.table.aio_error", completed_read,
                     complete_reads, nullptr, nullptr, nullptr, true)
SIGIPC_ASYNCSAFE_ROW(
    AioSuspend, aio_suspend, "signal.asyncsafe.table.aio_suspend",
    [](int side) {
      const aiocb* list[1] = {&g_aio[side].cb};
      const timespec zero{0, 0};
      return aio_suspend(list, 1, &zero) == 0 && completed_read(side);
    },
    complete_reads, nullptr, nullptr, nullptr, true)
// Completed requests, one per aio_return() call (a second call on one
// request is undefined), made in prepare(); a side that ran out only checks
// aio_error().
struct ReturnPool {
  aiocb cbs[kRequests];
  char bufs[kRequests][4];
  volatile sig_atomic_t used[2];
} * g_pool;
void complete_pool() {
  g_pool = static_cast<ReturnPool*>(calloc(1, sizeof(ReturnPool)));
  if (!g_pool) return;
  for (int i = 0; i < kRequests; ++i) {
    aiocb& cb = g_pool->cbs[i];
    cb.aio_fildes = g_scratch[i % 2].file_fd;
    cb.aio_buf = g_pool->bufs[i];
    cb.aio_nbytes = 4;
    cb.aio_offset = i % 8;
    if (aio_read(&cb) != 0) cb.aio_nbytes = 0;
  }
  for (int i = 0; i < kRequests; ++i) {
    const aiocb* list[1] = {&g_pool->cbs[i]};
    while (aio_error(&g_pool->cbs[i]) == EINPROGRESS) aio_suspend(list, 1, nullptr);
  }
}
SIGIPC_ASYNCSAFE_ROW(
    AioReturn, aio_return, "signal.asyncsafe.table.aio_return",
    [](int side) {
      if (!g_pool) return false;
      const int i = 2 * g_pool->used[side] + side;
      if (i >= kRequests) return aio_error(&g_pool->cbs[side]) == 0;
      g_pool->used[side] = g_pool->used[side] + 1;
      aiocb& cb = g_pool->cbs[i];
      return aio_return(&cb) == 4 &&
             memcmp(g_pool->bufs[i], asyncsafe_table::kFileText + i % 8, 4) == 0;
    },
    complete_pool, [] { free(g_pool); }, nullptr, nullptr, true)

// Per side, a pseudo-terminal's subsidiary end (not a controlling terminal).
int g_pty[2][2] = {{-1, -1}, {-1, -1}};  // [side]{manager, subsidiary}
termios g_tio[2];
void open_ptys() {
  for (int side = 0; side < kSides; ++side) {
    const int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) continue;
    const char* name = ptsname(m);
    g_pty[side][0] = m;
    g_pty[side][1] = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    tcgetattr(g_pty[side][1], &g_tio[side]);
  }
}
void close_ptys() {
  for (auto& p : g_pty)
    for (int& fd : p)
      if (fd >= 0) close(fd), fd = -1;
}
const char* need_ptys() {
  const int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0) return "no pseudo-terminal: posix_openpt() failed";
  close(m);
  return nullptr;
}
int tty(int side) { return g_pty[side][1]; }
bool same_termios(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
         a.c_lflag == b.c_lflag && memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}
#define SIGIPC_TTY_ROW(Name, fn, id, op) \
  SIGIPC_ASYNCSAFE_ROW(Name, fn, id, op, open_ptys, close_ptys, nullptr, need_ptys)
// Zeroed first: musl's tcgetattr() hands the caller's termios to the kernel,
// which fills only its own 19 c_cc entries of musl's 32.
SIGIPC_TTY_ROW(Tcgetattr, tcgetattr, "signal.asyncsafe.table.tcgetattr", [](int side) {
  termios t{};
  return tcgetattr(tty(side), &t) == 0 && same_termios(t, g_tio[side]) &&
         failed_with(tcgetattr(g_scratch[side].file_fd, &t), ENOTTY);
})
SIGIPC_TTY_ROW(Tcsetattr, tcsetattr, "signal.asyncsafe.table.tcsetattr", [](int side) {
  termios t{};
  return tcsetattr(tty(side), TCSANOW, &g_tio[side]) == 0 && tcgetattr(tty(side), &t) == 0 &&
         same_termios(t, g_tio[side]);
})
// Both wait for output to drain, and a signal may end the wait (XSH
// tcdrain() [EINTR]; Linux's tcsendbreak() likewise, an additional error).
SIGIPC_TTY_ROW(Tcdrain, tcdrain, "signal.asyncsafe.table.tcdrain", [](int side) {
  const int r = tcdrain(tty(side));
  return r == 0 || failed_with(r, EINTR);
})
SIGIPC_TTY_ROW(Tcflow, tcflow, "signal.asyncsafe.table.tcflow", [](int side) {
  return tcflow(tty(side), TCOOFF) == 0 && tcflow(tty(side), TCOON) == 0;
})
SIGIPC_TTY_ROW(Tcflush, tcflush, "signal.asyncsafe.table.tcflush", [](int side) {
  return tcflush(tty(side), TCIOFLUSH) == 0 &&
         failed_with(tcflush(g_scratch[side].file_fd, TCIFLUSH), ENOTTY);
})
SIGIPC_TTY_ROW(Tcsendbreak, tcsendbreak, "signal.asyncsafe.table.tcsendbreak", [](int side) {
  const int r = tcsendbreak(tty(side), 0);
  return r == 0 || failed_with(r, EINTR);
})
// Not the process's controlling terminal: XSH tcgetpgrp()/tcsetpgrp() [ENOTTY].
SIGIPC_TTY_ROW(Tcgetpgrp, tcgetpgrp, "signal.asyncsafe.table.tcgetpgrp",
               [](int side) { return failed_with(tcgetpgrp(tty(side)), ENOTTY); })
SIGIPC_TTY_ROW(Tcsetpgrp, tcsetpgrp, "signal.asyncsafe.table.tcsetpgrp",
               [](int side) { return failed_with(tcsetpgrp(tty(side), getpgrp()), ENOTTY); })
// The speed functions work on a termios object only. One speed per side for
// both directions: glibc keeps a single speed field for the two.
bool speeds_round_trip(int side) {
  termios t = g_tio[side];
  const speed_t speed = side ? B9600 : B19200;
  return cfsetispeed(&t, speed) == 0 && cfsetospeed(&t, speed) == 0 && cfgetispeed(&t) == speed &&
         cfgetospeed(&t) == speed;
}
SIGIPC_TTY_ROW(Cfgetispeed, cfgetispeed, "signal.asyncsafe.table.cfgetispeed", speeds_round_trip)
SIGIPC_TTY_ROW(Cfgetospeed, cfgetospeed, "signal.asyncsafe.table.cfgetospeed", speeds_round_trip)
SIGIPC_TTY_ROW(Cfsetispeed, cfsetispeed, "signal.asyncsafe.table.cfsetispeed", speeds_round_trip)
SIGIPC_TTY_ROW(Cfsetospeed, cfsetospeed, "signal.asyncsafe.table.cfsetospeed", speeds_round_trip)

}  // namespace
}  // namespace sigipc
