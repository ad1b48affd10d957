/* Breaks XSH semop() atomicity: an array of operations is applied one
 * operation at a time, and one that fails leaves the earlier ones in place. */
#include <stddef.h>
#include <sys/sem.h>

#include "shim_common.h"

SHIM_REAL(int, semop, int, struct sembuf*, size_t)

int semop(int id, struct sembuf* sops, size_t nsops) {
  shim_init_semop();
  if (!shim_active() || !sops || nsops < 2) return real_semop(id, sops, nsops);
  for (size_t i = 0; i < nsops; ++i)
    if (real_semop(id, &sops[i], 1) != 0) return -1;
  return 0;
}
