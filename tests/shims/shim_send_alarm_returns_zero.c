/* Breaks XSH alarm(): schedules the request but always returns 0, as if no
 * earlier request had time left. */
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(unsigned, alarm, unsigned)

unsigned alarm(unsigned seconds) {
  shim_init_alarm();
  unsigned left = real_alarm(seconds);
  return shim_active() ? 0 : left;
}
