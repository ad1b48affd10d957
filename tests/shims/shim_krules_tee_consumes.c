/* Breaks tee(2): the data is moved (splice) instead of duplicated, so the
 * input pipe loses what was copied. */
#include "shim_common.h" /* first: defines _GNU_SOURCE */

#include <fcntl.h>

SHIM_REAL(ssize_t, splice, int, loff_t*, int, loff_t*, size_t, unsigned int)
SHIM_REAL(ssize_t, tee, int, int, size_t, unsigned int)

ssize_t tee(int in, int out, size_t len, unsigned int flags) {
  shim_init_tee();
  shim_init_splice();
  if (shim_active()) return real_splice(in, NULL, out, NULL, len, flags);
  return real_tee(in, out, len, flags);
}
