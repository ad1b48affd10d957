/* Breaks XSH shmctl(): IPC_STAT always reports shm_nattch 0. */
#include <sys/ipc.h>
#include <sys/shm.h>

#include "shim_common.h"

SHIM_REAL(int, shmctl, int, int, struct shmid_ds*)

int shmctl(int id, int cmd, struct shmid_ds* buf) {
  shim_init_shmctl();
  int r = real_shmctl(id, cmd, buf);
  if (r == 0 && shim_active() && cmd == IPC_STAT && buf) buf->shm_nattch = 0;
  return r;
}
