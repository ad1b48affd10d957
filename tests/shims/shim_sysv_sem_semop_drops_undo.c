/* Breaks XSH semop() SEM_UNDO: the flag is dropped, so adjustments are never
 * recorded and nothing is undone when the process exits. */
#include <stddef.h>
#include <string.h>
#include <sys/sem.h>

#include "shim_common.h"

SHIM_REAL(int, semop, int, struct sembuf*, size_t)

int semop(int id, struct sembuf* sops, size_t nsops) {
  shim_init_semop();
  if (shim_active() && sops && nsops > 0 && nsops <= 64) {
    struct sembuf copy[64];
    memcpy(copy, sops, nsops * sizeof *sops);
    for (size_t i = 0; i < nsops; ++i) copy[i].sem_flg &= ~SEM_UNDO;
    return real_semop(id, copy, nsops);
  }
  return real_semop(id, sops, nsops);
}
