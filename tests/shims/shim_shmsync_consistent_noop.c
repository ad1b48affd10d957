/* Breaks XSH pthread_mutex_consistent(): returns 0 without marking the robust
 * mutex consistent, so the unlock that follows makes it unrecoverable. */
#include <pthread.h>

#include "shim_common.h"

SHIM_REAL(int, pthread_mutex_consistent, pthread_mutex_t*)

int pthread_mutex_consistent(pthread_mutex_t* m) {
  shim_init_pthread_mutex_consistent();
  if (shim_active()) return 0;
  return real_pthread_mutex_consistent(m);
}
