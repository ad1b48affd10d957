/* Breaks pipe2(2) O_DIRECT: the flag is accepted but dropped, so the pipe is
 * an ordinary byte stream and one read() returns several writes at once. */
#include "shim_common.h" /* first: defines _GNU_SOURCE */

#include <fcntl.h>
#include <unistd.h>

SHIM_REAL(int, pipe2, int*, int)

int pipe2(int fd[2], int flags) {
  shim_init_pipe2();
  if (shim_active()) flags &= ~O_DIRECT;
  return real_pipe2(fd, flags);
}
