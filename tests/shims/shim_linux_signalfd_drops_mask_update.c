/* Breaks signalfd(2) on an existing fd: the call reports success (returns
 * fd) but the fd keeps its old mask. */
#include <signal.h>
#include <sys/signalfd.h>

#include "shim_common.h"

SHIM_REAL(int, signalfd, int, const sigset_t*, int)

int signalfd(int fd, const sigset_t* mask, int flags) {
  shim_init_signalfd();
  if (fd != -1 && shim_active()) return fd;
  return real_signalfd(fd, mask, flags);
}
