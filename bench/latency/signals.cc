// Signal round trips: A sends a signal to B, B answers with one to A. The
// signal stays blocked outside the waiting call, so one sent before its
// receiver waits stays pending (XSH 2.4.1) and none is lost.
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "bench/latency/latency.h"
#include "fixtures/linux_calls.h"

namespace sigipc::bench {

namespace {

enum class Send { kKill, kSigqueue, kPthreadKill, kPidfd };
enum class Receive { kSigwaitinfo, kHandler, kSignalfd };

thread_local volatile sig_atomic_t t_caught = 0;
void on_signal(int) { t_caught = 1; }

// One signal both ways, sent and received as the mechanism says. The
// constructor runs in the thread that starts both sides, so both inherit
// the blocked mask; the destructor puts mask and disposition back.
template <Send S, Receive R>
class SignalLink {
 public:
  explicit SignalLink(Topology) {
    sig_ = S == Send::kSigqueue ? SIGRTMIN : SIGUSR1;
    sigemptyset(&set_);
    sigaddset(&set_, sig_);
    pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
    if (R == Receive::kHandler) {
      struct sigaction sa {};
      sa.sa_handler = on_signal;
      sigemptyset(&sa.sa_mask);
      sigaction(sig_, &sa, &old_action_);
      wait_mask_ = old_mask_;
      sigdelset(&wait_mask_, sig_);
    }
    if (R == Receive::kSignalfd) close(refused_if_failed(signalfd(-1, &set_, 0), "signalfd"));
    if (S == Send::kPidfd) {
      // pidfd_open(2) and pidfd_send_signal(2) are Linux 5.1/5.3.
      const int probe = refused_if_failed(pidfd_open(getpid(), 0), "pidfd_open");
      close(probe);
    }
  }
  ~SignalLink() {
    for (int fd : sfd_)
      if (fd >= 0) close(fd);
    if (pidfd_ >= 0) close(pidfd_);
    if (R == Receive::kHandler) sigaction(sig_, &old_action_, nullptr);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SignalLink(const SignalLink&) = delete;
  SignalLink& operator=(const SignalLink&) = delete;

  void ping(const Peer& p) {
    send(p);
    receive(0);
  }
  void pong(const Peer& p) {
    receive(1);
    send(p);
  }

 private:
  void send(const Peer& p) {
    switch (S) {
      case Send::kKill:
        refused_if_failed(kill(p.pid, sig_), "kill");
        break;
      case Send::kSigqueue:
        refused_if_failed(sigqueue(p.pid, sig_, sigval{}), "sigqueue");
        break;
      case Send::kPthreadKill:
        if (int e = pthread_kill(static_cast<pthread_t>(p.thread), sig_); e != 0) {
          errno = e;
          refused_if_failed(-1, "pthread_kill");
        }
        break;
      case Send::kPidfd:
        // Each process opens its own descriptor of the other (a forked
        // copy of the link has its own pidfd_).
        if (pidfd_ < 0) pidfd_ = refused_if_failed(pidfd_open(p.pid, 0), "pidfd_open");
        refused_if_failed(pidfd_send_signal(pidfd_, sig_, nullptr, 0), "pidfd_send_signal");
        break;
    }
  }
  // side: 0 the pinging side, 1 the answering one.
  void receive(int side) {
    switch (R) {
      case Receive::kSigwaitinfo:
        while (sigwaitinfo(&set_, nullptr) < 0)
          if (errno != EINTR) refused_if_failed(-1, "sigwaitinfo");
        break;
      case Receive::kHandler:
        while (!t_caught) sigsuspend(&wait_mask_);
        t_caught = 0;
        break;
      case Receive::kSignalfd: {
        // Each side reads through a descriptor it opened itself. On Linux a
        // signalfd inherited over fork() or shared by threads reads the
        // reader's own signals as well (signalfd(2)); gVisor's reads those
        // of the task that opened it, so a shared one would wait for ever.
        int& fd = sfd_[side];
        if (fd < 0) fd = refused_if_failed(signalfd(-1, &set_, 0), "signalfd");
        signalfd_siginfo info{};
        while (read(fd, &info, sizeof info) < 0)
          if (errno != EINTR) refused_if_failed(-1, "read(signalfd)");
        break;
      }
    }
  }

  int sig_ = 0;
  sigset_t set_{}, old_mask_{}, wait_mask_{};
  struct sigaction old_action_ {};
  int sfd_[2] = {-1, -1}, pidfd_ = -1;
};

}  // namespace

std::vector<LatencyCase> signal_latency_cases() {
  constexpr auto P = Topology::kProcess;
  constexpr auto T = Topology::kThread;
  return {
      latency_case<SignalLink<Send::kKill, Receive::kSigwaitinfo>>("signal-sigwaitinfo", P),
      latency_case<SignalLink<Send::kSigqueue, Receive::kSigwaitinfo>>("signal-sigqueue", P),
      latency_case<SignalLink<Send::kKill, Receive::kHandler>>("signal-handler", P),
      latency_case<SignalLink<Send::kPthreadKill, Receive::kHandler>>("signal-handler", T),
      latency_case<SignalLink<Send::kKill, Receive::kSignalfd>>("signalfd", P),
      latency_case<SignalLink<Send::kPthreadKill, Receive::kSignalfd>>("signalfd", T),
      latency_case<SignalLink<Send::kPthreadKill, Receive::kSigwaitinfo>>("tgkill", T),
      latency_case<SignalLink<Send::kPidfd, Receive::kSigwaitinfo>>("pidfd-send-signal", P),
  };
}

}  // namespace sigipc::bench
