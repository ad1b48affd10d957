/* Breaks XSH tcsetpgrp(): reports success without changing the foreground
 * process group, and so never sends SIGTTOU to a background caller. */
#include <termios.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, tcsetpgrp, int, pid_t)

int tcsetpgrp(int fd, pid_t pgrp) {
  shim_init_tcsetpgrp();
  if (shim_active()) return 0;
  return real_tcsetpgrp(fd, pgrp);
}
