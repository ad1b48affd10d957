/* Breaks XSH sigpending(): always reports an empty set. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigpending, sigset_t*)

int sigpending(sigset_t* set) {
  shim_init_sigpending();
  int r = real_sigpending(set);
  if (r == 0 && shim_active()) sigemptyset(set);
  return r;
}
