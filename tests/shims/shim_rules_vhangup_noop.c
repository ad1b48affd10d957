/* Breaks vhangup(2): reports success without hanging up the calling
 * process's controlling terminal, so no SIGHUP is sent. */
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, vhangup, void)

int vhangup(void) {
  shim_init_vhangup();
  if (shim_active()) return 0;
  return real_vhangup();
}
