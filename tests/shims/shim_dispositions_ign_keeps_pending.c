/* Breaks XSH 2.4.3: setting SIG_IGN installs a do-nothing handler instead, so
 * a pending signal is not discarded (the kernel discards only for SIG_IGN). */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigaction, int, const struct sigaction*, struct sigaction*)

static void do_nothing(int sig) { (void)sig; }

int sigaction(int sig, const struct sigaction* act, struct sigaction* oact) {
  shim_init_sigaction();
  if (act && !(act->sa_flags & SA_SIGINFO) && act->sa_handler == SIG_IGN && shim_active()) {
    struct sigaction fake = *act;
    fake.sa_handler = do_nothing;
    return real_sigaction(sig, &fake, oact);
  }
  return real_sigaction(sig, act, oact);
}
