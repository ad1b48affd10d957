/* Breaks FIONREAD on pipes (pipe(7)): it reports at most one page, as if only
 * the first buffer of the pipe were counted. */
#include "shim_common.h" /* first: defines _GNU_SOURCE */

#include <stdarg.h>
#include <sys/ioctl.h>

SHIM_REAL(int, ioctl, int, unsigned long, ...)

int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  shim_init_ioctl();
  int r = real_ioctl(fd, request, arg);
  if (shim_active() && r == 0 && request == FIONREAD && *(int*)arg > 4096) *(int*)arg = 4096;
  return r;
}
