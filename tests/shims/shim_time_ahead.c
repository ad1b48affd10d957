/* Not a broken rule, a condition every timestamp rule must survive: time()
 * runs one second ahead of the clock the kernel stamps with (as a libc's
 * time() that reads a finer clock does at a second boundary, exaggerated to
 * always). A rule that brackets a kernel stamp with time() fails under it. */
#include <time.h>

#include "shim_common.h"

time_t time(time_t* out) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) != 0) return (time_t)-1;
  time_t t = ts.tv_sec + (shim_active() ? 1 : 0);
  if (out) *out = t;
  return t;
}
