/* Breaks XSH sem_open(): O_EXCL is ignored, so O_CREAT|O_EXCL of an existing
 * name opens it instead of failing with EEXIST. */
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>

#include "shim_common.h"

SHIM_REAL(sem_t*, sem_open, const char*, int, ...)

sem_t* sem_open(const char* name, int oflag, ...) {
  shim_init_sem_open();
  mode_t mode = 0;
  unsigned value = 0;
  if (oflag & O_CREAT) {
    va_list ap;
    va_start(ap, oflag);
    mode = va_arg(ap, mode_t);
    value = va_arg(ap, unsigned);
    va_end(ap);
  }
  if (shim_active()) oflag &= ~O_EXCL;
  return real_sem_open(name, oflag, mode, value);
}
