/* Breaks XSH waitpid(): reports stopped children even without WUNTRACED. */
#include <sys/wait.h>

#include "shim_common.h"

SHIM_REAL(pid_t, waitpid, pid_t, int*, int)

pid_t waitpid(pid_t pid, int* status, int options) {
  shim_init_waitpid();
  if (shim_active()) options |= WUNTRACED;
  return real_waitpid(pid, status, options);
}
