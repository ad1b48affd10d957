/* Breaks XSH sigaction() for SIGKILL and SIGSTOP: any new action for them
 * (to catch, ignore or default them) is accepted with a return of 0 without
 * reaching the kernel, instead of failing with EINVAL. */
#include <signal.h>
#include <string.h>

#include "shim_common.h"

SHIM_REAL(int, sigaction, int, const struct sigaction*, struct sigaction*)

int sigaction(int sig, const struct sigaction* act, struct sigaction* oact) {
  shim_init_sigaction();
  if (act && (sig == SIGKILL || sig == SIGSTOP) && shim_active()) {
    if (oact) {
      memset(oact, 0, sizeof *oact);
      oact->sa_handler = SIG_DFL;
    }
    return 0;
  }
  return real_sigaction(sig, act, oact);
}
