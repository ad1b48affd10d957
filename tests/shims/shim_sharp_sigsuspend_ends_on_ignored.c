/* Breaks XSH sigsuspend(): "If the action is to ignore the signal,
 * sigsuspend() shall not return": this one returns -1 with EINTR when a
 * signal that its mask lets in and whose action is to ignore it is pending
 * (taking the signal, as delivery would). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "shim_common.h"

SHIM_REAL(int, sigsuspend, const sigset_t*)

static int ignored(int sig) {
  struct sigaction sa;
  if (sigaction(sig, NULL, &sa) != 0 || (sa.sa_flags & SA_SIGINFO)) return 0;
  if (sa.sa_handler == SIG_IGN) return 1;
  return sa.sa_handler == SIG_DFL &&
         (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT);
}

int sigsuspend(const sigset_t* mask) {
  shim_init_sigsuspend();
  sigset_t pending;
  if (!shim_active() || sigpending(&pending) != 0) return real_sigsuspend(mask);
  for (int sig = 1; sig < 32; ++sig) {
    if (!sigismember(&pending, sig) || sigismember(mask, sig) || !ignored(sig)) continue;
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    struct timespec zero = {0, 0};
    sigtimedwait(&one, NULL, &zero);
    errno = EINTR;
    return -1;
  }
  return real_sigsuspend(mask);
}
