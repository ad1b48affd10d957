/* Breaks eventfd(2) EFD_SEMAPHORE: the flag is dropped, so a read() returns
 * the whole counter and resets it instead of returning 1 and decrementing. */
#include <sys/eventfd.h>

#include "shim_common.h"

SHIM_REAL(int, eventfd, unsigned int, int)

int eventfd(unsigned int initval, int flags) {
  shim_init_eventfd();
  if (shim_active()) flags &= ~EFD_SEMAPHORE;
  return real_eventfd(initval, flags);
}
