/* Not a broken rule, a condition every timestamp rule must survive: time()
 * reads the precise CLOCK_REALTIME (as musl's does), not the coarse clock the
 * kernel stamps with (as glibc's vDSO time() does). */
#include <time.h>

#include "shim_common.h"

time_t time(time_t* out) {
  struct timespec ts;
  if (clock_gettime(shim_active() ? CLOCK_REALTIME : CLOCK_REALTIME_COARSE, &ts) != 0)
    return (time_t)-1;
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}
