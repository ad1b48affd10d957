/* Breaks XSH shm_open(): "The check for the existence of the shared memory
 * object and the creation of the object if it does not exist shall be atomic
 * with respect to other processes executing shm_open() naming the same
 * shared memory object with O_EXCL and O_CREAT set." This one checks, yields,
 * then creates without O_EXCL: two racers can both "create". */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, shm_open, const char*, int, mode_t)

int shm_open(const char* name, int oflag, mode_t mode) {
  shim_init_shm_open();
  if (!shim_active() || (oflag & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
    return real_shm_open(name, oflag, mode);
  const int probe = real_shm_open(name, O_RDONLY, 0);
  if (probe >= 0) {
    close(probe);
    errno = EEXIST;
    return -1;
  }
  sched_yield();
  return real_shm_open(name, oflag & ~O_EXCL, mode);
}
