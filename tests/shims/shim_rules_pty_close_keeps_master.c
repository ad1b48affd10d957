/* Breaks XSH close(): closing a pseudo-terminal master keeps a hidden copy
 * open, so the last close never happens and the terminal is never hung up
 * (no SIGHUP to the controlling process). */
#include <stdlib.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, close, int)

static int is_pty_master(int fd) {
  char name[64];
  return ptsname_r(fd, name, sizeof name) == 0;
}

int close(int fd) {
  shim_init_close();
  if (shim_active() && is_pty_master(fd)) {
    int hidden = dup(fd);
    (void)hidden;
  }
  return real_close(fd);
}
