/* Breaks XSH write(): with O_NONBLOCK, a pipe or FIFO write of at most
 * {PIPE_BUF} bytes that does not fit "shall transfer no data and shall
 * return -1 with errno set to [EAGAIN]". This one writes what fits, one byte
 * at a time, and returns that count. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, write, int, const void*, size_t)

static int nonblocking_fifo(int fd) {
  struct stat st;
  const int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && (fl & O_NONBLOCK) && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

ssize_t write(int fd, const void* buf, size_t n) {
  shim_init_write();
  ssize_t r = real_write(fd, buf, n);
  if (r >= 0 || errno != EAGAIN || !shim_active() || n < 2 || n > PIPE_BUF || !nonblocking_fifo(fd))
    return r;
  size_t done = 0;
  while (done < n && real_write(fd, (const char*)buf + done, 1) == 1) ++done;
  if (done == 0) {
    errno = EAGAIN;
    return -1;
  }
  return (ssize_t)done;
}
