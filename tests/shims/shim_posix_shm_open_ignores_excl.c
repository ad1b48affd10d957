/* Breaks XSH shm_open(): O_CREAT|O_EXCL opens an existing object instead of
 * failing with EEXIST. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/types.h>

#include "shim_common.h"

SHIM_REAL(int, shm_open, const char*, int, mode_t)

int shm_open(const char* name, int oflag, mode_t mode) {
  shim_init_shm_open();
  if (shim_active()) oflag &= ~O_EXCL;
  return real_shm_open(name, oflag, mode);
}
