/* Breaks XSH write(): "Write requests of {PIPE_BUF} bytes or less shall not
 * be interleaved with data from other processes doing writes on the same
 * pipe." Emulates a platform that splits a pipe or FIFO write where it
 * crosses a 4096-byte boundary of the bytes written so far through that
 * descriptor: two writes, with a yield between them that lets other writers
 * (or a signal handler) in. */
#pragma once
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, write, int, const void*, size_t)

enum { kPage = 4096, kMaxFd = 1024 };
static unsigned long long written[kMaxFd]; /* per descriptor, this process */

static int is_pipe(int fd) {
  struct stat st;
  const char* result_fd = getenv("SIGIPC_RESULT_FD");
  if (result_fd && atoi(result_fd) == fd) return 0; /* the runner's channel */
  return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

ssize_t write(int fd, const void* buf, size_t n) {
  shim_init_write();
  if (!shim_active() || fd < 0 || fd >= kMaxFd || n == 0 || !is_pipe(fd))
    return real_write(fd, buf, n);
  const int saved = errno;
  /* Claimed before writing, so a handler that interrupts this write counts
   * from where it ends. */
  const unsigned long long at = __atomic_fetch_add(&written[fd], n, __ATOMIC_SEQ_CST);
  const size_t first = kPage - (size_t)(at % kPage);
  if (first >= n) return real_write(fd, buf, n);
  ssize_t a = real_write(fd, buf, first);
  if (a != (ssize_t)first) return a;
  sched_yield();
  ssize_t b = real_write(fd, (const char*)buf + first, n - first);
  if (b < 0) return a;
  errno = saved;
  return a + b;
}
