/* Breaks XSH open(): O_WRONLY|O_NONBLOCK on a FIFO without a reader fails
 * with EAGAIN instead of ENXIO. */
#include "shim_common.h" /* first: defines _GNU_SOURCE for O_TMPFILE */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>

SHIM_REAL(int, open, const char*, int, ...)
SHIM_REAL(int, open64, const char*, int, ...)

static int fix(int r) {
  if (r == -1 && errno == ENXIO && shim_active()) errno = EAGAIN;
  return r;
}

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
  va_end(ap);
  shim_init_open();
  return fix(real_open(path, flags, mode));
}

int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
  va_end(ap);
  shim_init_open64();
  return fix(real_open64(path, flags, mode));
}
