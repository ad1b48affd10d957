/* Breaks XSH sem_open(): "The check for the existence of the semaphore and
 * the creation of the semaphore if it does not exist shall be atomic with
 * respect to other processes executing sem_open() with O_EXCL and O_CREAT
 * set." This one checks, yields, then creates without O_EXCL: two racers can
 * both "create". */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/types.h>

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
  if (!shim_active() || (oflag & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
    return real_sem_open(name, oflag, mode, value);
  sem_t* probe = real_sem_open(name, 0);
  if (probe != SEM_FAILED) {
    sem_close(probe);
    errno = EEXIST;
    return SEM_FAILED;
  }
  sched_yield();
  return real_sem_open(name, oflag & ~O_EXCL, mode, value);
}
