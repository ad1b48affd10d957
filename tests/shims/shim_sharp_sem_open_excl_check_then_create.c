/* Breaks XSH sem_open(): "The check for the existence of the semaphore and
 * the creation of the semaphore if it does not exist shall be atomic with
 * respect to other processes executing sem_open() with O_EXCL and O_CREAT
 * set." This one checks, yields, then creates without O_EXCL: two racers can
 * both "create". */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/types.h>

#include "shim_sem_open.h"

static sem_t* shim_sem_open(const char* name, int oflag, mode_t mode, unsigned value) {
  if (!shim_active() || (oflag & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
    return real_sem_open(name, oflag, mode, value);
  sem_t* probe = real_sem_open(name, 0);
  if (probe != SEM_FAILED) {
    sem_close(probe);
    errno = EEXIST;
    return SEM_FAILED;
  }
  sched_yield();
  return real_sem_open(name, oflag & ~O_EXCL, mode, value);
}
