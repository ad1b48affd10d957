/* Breaks XSH 2.4.3's write() row: write() goes through a wrapper that holds
 * a non-recursive lock while the system call runs (as a tracing or buffering
 * layer would) and fails with EDEADLK when a signal handler re-enters it, so
 * a handler that interrupted write() cannot write. */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, write, int, const void*, size_t)

static volatile sig_atomic_t locked;

ssize_t write(int fd, const void* buf, size_t n) {
  shim_init_write();
  if (!shim_active()) return real_write(fd, buf, n);
  if (locked) {
    errno = EDEADLK;
    return -1;
  }
  locked = 1;
  const ssize_t r = real_write(fd, buf, n);
  locked = 0;
  return r;
}
