/* One sem_open() interposer for the shims that break it: sem_open() takes
 * its mode and initial value only with O_CREAT, so the variadic unpacking
 * lives here once. A shim includes this header and defines
 *
 *   static sem_t* shim_sem_open(const char* name, int oflag, mode_t mode,
 *                               unsigned value);
 *
 * which may call real_sem_open(name, oflag, mode, value). */
#pragma once

#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>
#include <sys/types.h>

#include "shim_common.h"

SHIM_REAL(sem_t*, sem_open, const char*, int, ...)

static sem_t* shim_sem_open(const char* name, int oflag, mode_t mode, unsigned value);

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
  return shim_sem_open(name, oflag, mode, value);
}
