/* Breaks XSH sigwaitinfo(): the siginfo_t it stores always has si_pid 0,
 * whoever sent the signal. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigwaitinfo, const sigset_t*, siginfo_t*)

int sigwaitinfo(const sigset_t* set, siginfo_t* info) {
  shim_init_sigwaitinfo();
  int r = real_sigwaitinfo(set, info);
  if (r > 0 && info && shim_active()) info->si_pid = 0;
  return r;
}
