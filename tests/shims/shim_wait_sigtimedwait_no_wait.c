/* Breaks XSH sigtimedwait(): a valid non-zero timeout is treated as zero, so
 * with nothing pending the call fails with EAGAIN at once instead of waiting
 * for the interval. Invalid and zero timeouts pass through unchanged. */
#include <signal.h>
#include <time.h>

#include "shim_common.h"

SHIM_REAL(int, sigtimedwait, const sigset_t*, siginfo_t*, const struct timespec*)

int sigtimedwait(const sigset_t* set, siginfo_t* info, const struct timespec* timeout) {
  shim_init_sigtimedwait();
  if (shim_active() && timeout && timeout->tv_nsec >= 0 && timeout->tv_nsec < 1000000000L &&
      (timeout->tv_sec > 0 || timeout->tv_nsec > 0)) {
    struct timespec zero = {0, 0};
    return real_sigtimedwait(set, info, &zero);
  }
  return real_sigtimedwait(set, info, timeout);
}
