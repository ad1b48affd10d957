// Terminal-generated signals: the INTR, QUIT and SUSP characters received by a
// terminal with ISIG set generate SIGINT, SIGQUIT and SIGTSTP for every
// process of its foreground process group, and for no other; with ISIG clear
// they are ordinary input. Each test makes a session whose controlling
// terminal is a fresh pseudo-terminal (a child of the test process calls
// setsid() and TIOCSCTTY, which is Linux-only) and types into the master.
// XBD 11.1.9 Special Characters, XBD 11.1.3 The Controlling Terminal,
// XBD 11.1.4 Terminal Access Control, XBD 11.2.5 Local Modes (ISIG).
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "fixtures/check.h"
#include "fixtures/process.h"
#include "fixtures/registry.h"
#include "suites/signals/send_helpers.h"

namespace sigipc {
namespace {

using signals::Pty;

constexpr int kTermSigs[] = {SIGINT, SIGQUIT, SIGTSTP};
// The characters are set explicitly (a pty may start with others, or with
// _POSIX_VDISABLE): ^C, ^\ and ^Z as is customary.
constexpr cc_t kIntr = 003, kQuit = 034, kSusp = 032;
const char kTyped[] = {static_cast<char>(kIntr), static_cast<char>(kQuit),
                       static_cast<char>(kSusp)};
// A line typed after the special characters: once a reader has it, the
// terminal has processed the characters before it (input is handled in
// order), so any signal they generate has been generated.
constexpr char kMarker[] = "m\n";
// Bound on the wait for a signal that must not come, after the marker.
constexpr long kQuietNs = 50 * 1000 * 1000L;

sigset_t term_set() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : kTermSigs) sigaddset(&s, sig);
  return s;
}

// In a child: the terminal gets the three characters, ISIG as asked,
// canonical input, no echo (nobody reads the master) and NOFLSH (the marker
// line must survive the signals).
void child_setup_terminal(int fd, bool isig) noexcept {
  termios t{};
  CHILD_CHECK_OK(tcgetattr(fd, &t));
  t.c_lflag |= ICANON | NOFLSH;
  t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | IEXTEN);
  if (isig)
    t.c_lflag |= ISIG;
  else
    t.c_lflag &= ~static_cast<tcflag_t>(ISIG);
  t.c_cc[VINTR] = kIntr;
  t.c_cc[VQUIT] = kQuit;
  t.c_cc[VSUSP] = kSusp;
  CHILD_CHECK_OK(tcsetattr(fd, TCSANOW, &t));
}

// In a child (the three signals blocked): each of them arrives within the
// safety net.
void child_await_each_terminal_signal(const char* who) noexcept {
  sigset_t want = term_set();
  for (int n = 0; n < 3; ++n) {
    int sig = signals::await_signal(want);
    if (sig < 0) {
      SafeBuf d;
      d.str(who).str(" did not receive");
      for (int s : kTermSigs)
        if (sigismember(&want, s) == 1) d.str(" ").signal_text(s);
      check_fail(__FILE__, __LINE__, "terminal-generated signal", d.c_str(), true);
    }
    sigdelset(&want, sig);
  }
}

// In a child (the three signals blocked): none of them is pending now or
// arrives within kQuietNs.
void child_check_no_terminal_signal(const char* who) noexcept {
  sigset_t set = term_set();
  timespec quiet{0, kQuietNs};
  int sig;
  do {
    sig = sigtimedwait(&set, nullptr, &quiet);
  } while (sig < 0 && errno == EINTR);
  if (sig < 0) return;
  SafeBuf d;
  d.str(who).str(" received ").signal_text(sig);
  check_fail(__FILE__, __LINE__, "no terminal-generated signal", d.c_str(), true);
}

// In a child: reads one canonical line from fd; it must be exactly want.
void child_read_line(int fd, const char* want, std::size_t len) noexcept {
  char buf[16] = {};
  ssize_t n;
  do {
    n = read(fd, buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  CHILD_CHECK_EQ(n, static_cast<ssize_t>(len));
  CHILD_CHECK(std::memcmp(buf, want, len) == 0);
}

// Forks a member of process group `pgid` (0: a group of its own); it runs
// body and exits 0. The caller also moves it, so the group exists on return.
template <typename Body>
pid_t fork_member(pid_t pgid, Body body) noexcept {
  pid_t p = fork();
  CHILD_CHECK_OK(p);
  if (p == 0) {
    CHILD_CHECK_OK(setpgid(0, pgid));
    body();
    child_exit(0);
  }
  CHILD_CHECK_OK(setpgid(p, pgid == 0 ? p : pgid));
  return p;
}

// The session: the leader owns the terminal, forks two members of a new
// group A and makes A the foreground group with tcsetpgrp(); the leader's
// own group (the leader and one more member) is then a background group.
// The leader types the three characters and the marker into the master.
// check_fg: both members of A receive all three signals (the marker is not
// read). Otherwise: the first member of A reads the marker, then neither
// process of the background group has any of the signals.
WaitStatus RunForegroundSession(const Pty& pty, bool check_fg) {
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  return RunInChild([slave, master, check_fg] {
    int fd = signals::child_acquire_ctty(slave);
    child_setup_terminal(fd, true);
    sigset_t set = term_set();
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));  // inherited by every member
    Gate joined, in_foreground, seen_bg, marker_read;
    pid_t a1 = fork_member(0, [&] {
      in_foreground.close_opener();  // EOF, not a hang, if the leader dies first
      joined.open();
      in_foreground.wait();
      if (check_fg) {
        child_await_each_terminal_signal("the first foreground member");
      } else {
        // SIGTTIN blocked: where this group is not in the foreground after
        // all, the read fails with EIO instead of stopping this process,
        // and the others still check what the characters did.
        signals::child_block(SIGTTIN);
        char buf[sizeof kMarker] = {};
        ssize_t n;
        do {
          n = read(fd, buf, sizeof buf);
        } while (n < 0 && errno == EINTR);
        marker_read.open();
        seen_bg.open();
        CHILD_CHECK_EQ(n, 2);
        CHILD_CHECK(std::memcmp(buf, kMarker, 2) == 0);
      }
    });
    // Only the first member opens these: if it dies first, the waits see EOF.
    marker_read.close_opener();
    seen_bg.close_opener();
    pid_t a2 = fork_member(a1, [&] {
      joined.open();
      if (check_fg) child_await_each_terminal_signal("the second foreground member");
    });
    pid_t b = fork_member(getpgrp(), [&] {
      joined.open();
      if (!check_fg) {
        seen_bg.wait();
        child_check_no_terminal_signal("a background member");
      }
    });
    for (int i = 0; i < 3; ++i) joined.wait();
    CHILD_CHECK_OK(tcsetpgrp(fd, a1));
    in_foreground.open();
    CHILD_CHECK_EQ(write(master, kTyped, sizeof kTyped), static_cast<ssize_t>(sizeof kTyped));
    CHILD_CHECK_EQ(write(master, kMarker, 2), 2);
    if (!check_fg) {
      marker_read.wait();
      child_check_no_terminal_signal("the session leader (background)");
    }
    for (pid_t p : {a1, a2, b}) signals::child_expect_exit0(p);
  });
}

SIGIPC_TEST(SignalTerminal, IntrQuitSuspCharactersSignalEveryForegroundProcess,
            "signal.terminal.special-chars-foreground", "XBD 11.1.9 Special Characters",
            "With ISIG set, the INTR, QUIT and SUSP characters received by a controlling "
            "terminal generate SIGINT, SIGQUIT and SIGTSTP for every process of its foreground "
            "process group") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(RunForegroundSession(pty, true));
}

SIGIPC_TEST(SignalTerminal, IntrQuitSuspCharactersSignalNoBackgroundProcess,
            "signal.terminal.special-chars-not-background",
            "XBD 11.1.9 Special Characters; XBD 11.1.3 The Controlling Terminal",
            "The signals generated by INTR, QUIT and SUSP go to the foreground process group "
            "only: processes of a background group of the same session (here the session "
            "leader's own) receive none of them") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  EXPECT_CHILD_OK(RunForegroundSession(pty, false));
}

SIGIPC_TEST(SignalTerminal, SpecialCharactersAreDataWhenIsigIsClear,
            "signal.terminal.isig-clear-data",
            "XBD 11.2.5 Local Modes; XBD 11.1.9 Special Characters",
            "With ISIG clear, the INTR, QUIT and SUSP characters generate no signal and are "
            "read from the terminal as ordinary data") {
  Pty pty;
  SIGIPC_REQUIRE_PTY(pty);
  const char* slave = pty.slave.c_str();
  const int master = pty.master.get();
  EXPECT_CHILD_OK(RunInChild([slave, master] {
    int fd = signals::child_acquire_ctty(slave);
    child_setup_terminal(fd, false);
    sigset_t set = term_set();
    CHILD_CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    const char line[] = {kTyped[0], kTyped[1], kTyped[2], '\n'};
    CHILD_CHECK_EQ(write(master, line, sizeof line), static_cast<ssize_t>(sizeof line));
    child_read_line(fd, line, sizeof line);
    child_check_no_terminal_signal("the foreground session leader");
  }));
}

}  // namespace
}  // namespace sigipc
