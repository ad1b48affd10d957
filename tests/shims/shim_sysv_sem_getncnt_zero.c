/* Breaks XSH semctl() GETNCNT: always reports 0 processes waiting for
 * semval to increase, however many are blocked in semop(). */
#include <stdarg.h>
#include <sys/sem.h>

#include "shim_common.h"

SHIM_REAL(int, semctl, int, int, int, ...)

int semctl(int id, int num, int cmd, ...) {
  shim_init_semctl();
  va_list ap;
  va_start(ap, cmd);
  /* union semun is pointer-sized: pass it through as one word. */
  unsigned long arg = va_arg(ap, unsigned long);
  va_end(ap);
  if (cmd == GETNCNT && shim_active()) {
    int r = real_semctl(id, num, cmd, arg);
    return r < 0 ? r : 0;
  }
  return real_semctl(id, num, cmd, arg);
}
