/* Breaks fcntl(2) O_ASYNC: F_SETFL succeeds but leaves O_ASYNC clear, as a
 * platform without signal-driven I/O on pipes would, so no SIGIO comes when
 * data arrives. (F_GETFL tells the truth, so the test fails at once instead
 * of after the safety net of its wait for SIGIO.) */
#include "shim_common.h" /* first: defines _GNU_SOURCE */

#include <fcntl.h>
#include <stdarg.h>

SHIM_REAL(int, fcntl, int, int, ...)
SHIM_REAL(int, fcntl64, int, int, ...)

static int shim_fcntl(int (*real)(int, int, ...), int fd, int cmd, void* arg) {
  if (shim_active() && cmd == F_SETFL) return real(fd, cmd, (long)arg & ~(long)O_ASYNC);
  return real(fd, cmd, arg);
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  shim_init_fcntl();
  return shim_fcntl(real_fcntl, fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  shim_init_fcntl64();
  return shim_fcntl(real_fcntl64 ? real_fcntl64 : real_fcntl, fd, cmd, arg);
}
