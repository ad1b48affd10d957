/* Breaks XSH sigaction() SA_RESTART: the flag is silently dropped before the
 * action is installed, so interrupted calls fail with EINTR instead of
 * restarting (and oact no longer reports it). */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigaction, int, const struct sigaction*, struct sigaction*)

int sigaction(int sig, const struct sigaction* act, struct sigaction* oact) {
  shim_init_sigaction();
  if (act && (act->sa_flags & SA_RESTART) && shim_active()) {
    struct sigaction without = *act;
    without.sa_flags &= ~SA_RESTART;
    return real_sigaction(sig, &without, oact);
  }
  return real_sigaction(sig, act, oact);
}
