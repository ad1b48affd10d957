/* Breaks XSH sem_post(): reports success without unlocking the semaphore, so
 * a sem_wait() that a handler's sem_post() should release stays blocked. */
#include <semaphore.h>

#include "shim_common.h"

SHIM_REAL(int, sem_post, sem_t*)

int sem_post(sem_t* sem) {
  shim_init_sem_post();
  if (shim_active()) return 0;
  return real_sem_post(sem);
}
