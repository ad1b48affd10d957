/* Breaks XSH sigaltstack(): a new stack is accepted but never installed, so
 * SA_ONSTACK handlers run on the interrupted thread's stack. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, sigaltstack, const stack_t*, stack_t*)

int sigaltstack(const stack_t* ss, stack_t* old) {
  shim_init_sigaltstack();
  if (shim_active() && ss != NULL) return real_sigaltstack(NULL, old);
  return real_sigaltstack(ss, old);
}
