/* Breaks XSH msync(): MS_SYNC|MS_ASYNC together is accepted (as MS_SYNC)
 * instead of failing with EINVAL. */
#include <stddef.h>
#include <sys/mman.h>

#include "shim_common.h"

SHIM_REAL(int, msync, void*, size_t, int)

int msync(void* addr, size_t len, int flags) {
  shim_init_msync();
  if (shim_active() && (flags & MS_SYNC) && (flags & MS_ASYNC)) flags &= ~MS_ASYNC;
  return real_msync(addr, len, flags);
}
