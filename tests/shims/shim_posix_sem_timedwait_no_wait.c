/* Breaks XSH sem_timedwait(): a call that would block times out at once,
 * before abstime has passed. */
#include <errno.h>
#include <semaphore.h>
#include <time.h>

#include "shim_common.h"

SHIM_REAL(int, sem_timedwait, sem_t*, const struct timespec*)

int sem_timedwait(sem_t* sem, const struct timespec* abstime) {
  shim_init_sem_timedwait();
  if (shim_active() && sem_trywait(sem) != 0) {
    errno = ETIMEDOUT;
    return -1;
  }
  if (shim_active()) return 0;
  return real_sem_timedwait(sem, abstime);
}
