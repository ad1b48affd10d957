/* Breaks XSH pthread_barrier_wait(): every waiter released gets
 * PTHREAD_BARRIER_SERIAL_THREAD, not just one of them. */
#include <pthread.h>

#include "shim_common.h"

SHIM_REAL(int, pthread_barrier_wait, pthread_barrier_t*)

int pthread_barrier_wait(pthread_barrier_t* b) {
  shim_init_pthread_barrier_wait();
  int r = real_pthread_barrier_wait(b);
  if (r == 0 && shim_active()) return PTHREAD_BARRIER_SERIAL_THREAD;
  return r;
}
