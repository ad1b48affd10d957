/* Breaks pidfd_send_signal(2) with info: the siginfo is dropped and the
 * signal is sent as with info NULL (si_code SI_USER, no si_value). */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, pidfd_send_signal, int, int, siginfo_t*, unsigned int)

int pidfd_send_signal(int pidfd, int sig, siginfo_t* info, unsigned int flags) {
  shim_init_pidfd_send_signal();
  if (shim_active()) info = NULL;
  return real_pidfd_send_signal(pidfd, sig, info, flags);
}
