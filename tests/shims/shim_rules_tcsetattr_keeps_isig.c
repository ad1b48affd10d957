/* Breaks XBD 11.2.5 (ISIG): tcsetattr() never clears ISIG, so the INTR,
 * QUIT and SUSP characters keep generating signals instead of arriving as
 * data. */
#include <termios.h>

#include "shim_common.h"

SHIM_REAL(int, tcsetattr, int, int, const struct termios*)

int tcsetattr(int fd, int when, const struct termios* t) {
  shim_init_tcsetattr();
  if (!shim_active() || t == NULL) return real_tcsetattr(fd, when, t);
  struct termios forced = *t;
  forced.c_lflag |= ISIG;
  return real_tcsetattr(fd, when, &forced);
}
