/* Breaks XSH signal(): a number that is not a signal is accepted (SIG_DFL
 * comes back as the "previous" action) instead of SIG_ERR with EINVAL. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(sighandler_t, signal, int, sighandler_t)

sighandler_t signal(int sig, sighandler_t handler) {
  shim_init_signal();
  if (shim_active() && (sig <= 0 || sig >= NSIG)) return SIG_DFL;
  return real_signal(sig, handler);
}
