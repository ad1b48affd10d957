/* Breaks XSH killpg(): signals only the process whose ID is pgrp (the group
 * leader), not every member of the group. */
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, killpg, pid_t, int)

int killpg(pid_t pgrp, int sig) {
  shim_init_killpg();
  if (shim_active() && pgrp > 1) return kill(pgrp, sig);
  return real_killpg(pgrp, sig);
}
