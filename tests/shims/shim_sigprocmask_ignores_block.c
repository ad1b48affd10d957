/* Breaks XSH sigprocmask(): SIG_BLOCK reports success and changes nothing. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigprocmask, int, const sigset_t*, sigset_t*)

int sigprocmask(int how, const sigset_t* set, sigset_t* oset) {
  shim_init_sigprocmask();
  if (how == SIG_BLOCK && set && shim_active()) return real_sigprocmask(SIG_BLOCK, NULL, oset);
  return real_sigprocmask(how, set, oset);
}
