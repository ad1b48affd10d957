/* Breaks XSH pipe()/fstat(): a pipe end is reported as a regular file. */
#include <sys/stat.h>

#include "shim_common.h"

SHIM_REAL(int, fstat, int, struct stat*)

int fstat(int fd, struct stat* st) {
  shim_init_fstat();
  int r = real_fstat(fd, st);
  if (r == 0 && shim_active() && S_ISFIFO(st->st_mode))
    st->st_mode = (st->st_mode & ~S_IFMT) | S_IFREG;
  return r;
}
