/* Breaks XSH sem_getvalue(): reports one more than the semaphore's value. */
#include <semaphore.h>

#include "shim_common.h"

SHIM_REAL(int, sem_getvalue, sem_t*, int*)

int sem_getvalue(sem_t* sem, int* sval) {
  shim_init_sem_getvalue();
  int r = real_sem_getvalue(sem, sval);
  if (r == 0 && shim_active()) *sval += 1;
  return r;
}
