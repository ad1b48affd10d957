/* Breaks XSH sigaltstack() SS_DISABLE: a request to disable the stack
 * reports success and leaves the current stack enabled. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigaltstack, const stack_t*, stack_t*)

int sigaltstack(const stack_t* ss, stack_t* oss) {
  shim_init_sigaltstack();
  if (ss && (ss->ss_flags & SS_DISABLE) && shim_active()) return real_sigaltstack(NULL, oss);
  return real_sigaltstack(ss, oss);
}
