/* Breaks XSH _Exit() (the page that also specifies _exit()): the process
 * ends with status 0 whatever status _exit() was given. */
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(void, _exit, int)

void _exit(int status) {
  shim_init__exit();
  real__exit(shim_active() ? 0 : status);
  for (;;) {
  }
}
