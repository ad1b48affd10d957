/* Breaks XSH pthread_condattr_setpshared(): reports success for
 * PTHREAD_PROCESS_SHARED but leaves the attribute PTHREAD_PROCESS_PRIVATE, so
 * a condition variable made with it does not wake waiters of other
 * processes (Linux: private futexes are keyed by address space). */
#include <pthread.h>

#include "shim_common.h"

SHIM_REAL(int, pthread_condattr_setpshared, pthread_condattr_t*, int)

int pthread_condattr_setpshared(pthread_condattr_t* a, int pshared) {
  shim_init_pthread_condattr_setpshared();
  if (shim_active())
    return pshared == PTHREAD_PROCESS_SHARED ? 0 : real_pthread_condattr_setpshared(a, pshared);
  return real_pthread_condattr_setpshared(a, pshared);
}
