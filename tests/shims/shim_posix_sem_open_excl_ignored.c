/* Breaks XSH sem_open(): O_EXCL is ignored, so O_CREAT|O_EXCL of an existing
 * name opens it instead of failing with EEXIST. */
#include <fcntl.h>
#include <semaphore.h>

#include "shim_sem_open.h"

static sem_t* shim_sem_open(const char* name, int oflag, mode_t mode, unsigned value) {
  if (shim_active()) oflag &= ~O_EXCL;
  return real_sem_open(name, oflag, mode, value);
}
