/* Breaks XSH sem_open() on its error path: when creating a semaphore fails
 * at a later step (glibc: the link of the new file to the name), the name is
 * left behind, as a libc that created the name first and never undid it
 * would. Emulated by making /dev/shm/sem.NAME (glibc's layout) after the
 * real call failed. */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim_sem_open.h"

static sem_t* shim_sem_open(const char* name, int oflag, mode_t mode, unsigned value) {
  sem_t* s = real_sem_open(name, oflag, mode, value);
  if (s != SEM_FAILED || !(oflag & O_CREAT) || !shim_active()) return s;
  int saved = errno;
  char path[512];
  snprintf(path, sizeof path, "/dev/shm/sem.%s", name[0] == '/' ? name + 1 : name);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd >= 0) {
    sem_t zero;
    memset(&zero, 0, sizeof zero);
    if (write(fd, &zero, sizeof zero) < 0) {
    }
    close(fd);
  }
  errno = saved;
  return SEM_FAILED;
}
