/* Breaks XSH sigsuspend(): after the signal-catching function returns, the
 * temporary mask stays in force instead of the mask from before the call. */
#include <errno.h>
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigsuspend, const sigset_t*)

int sigsuspend(const sigset_t* mask) {
  shim_init_sigsuspend();
  int r = real_sigsuspend(mask);
  if (shim_active()) {
    int saved = errno;
    sigprocmask(SIG_SETMASK, mask, NULL);
    errno = saved;
  }
  return r;
}
