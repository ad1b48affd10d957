/* Breaks XSH sigqueue(): sends the signal with kill() instead, so the value
 * is lost and si_code is SI_USER rather than SI_QUEUE. */
#include <signal.h>
#include <sys/types.h>

#include "shim_common.h"

SHIM_REAL(int, sigqueue, pid_t, int, const union sigval)

int sigqueue(pid_t pid, int sig, const union sigval value) {
  shim_init_sigqueue();
  if (shim_active()) return kill(pid, sig);
  return real_sigqueue(pid, sig, value);
}
