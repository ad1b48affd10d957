/* Breaks shmop(2) SHM_REMAP: the flag is dropped, so attaching over an
 * existing mapping fails as without it. */
#include <sys/shm.h>

#include "shim_common.h"

SHIM_REAL(void*, shmat, int, const void*, int)

void* shmat(int id, const void* addr, int flags) {
  shim_init_shmat();
  if (shim_active()) flags &= ~SHM_REMAP;
  return real_shmat(id, addr, flags);
}
