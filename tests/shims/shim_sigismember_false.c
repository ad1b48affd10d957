/* Breaks XSH sigismember(): never reports a member. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigismember, const sigset_t*, int)

int sigismember(const sigset_t* set, int sig) {
  shim_init_sigismember();
  int r = real_sigismember(set, sig);
  return (r == 1 && shim_active()) ? 0 : r;
}
