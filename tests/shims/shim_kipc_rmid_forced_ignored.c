/* Breaks proc(5) shm_rmid_forced: writes to the file are swallowed (the
 * value stays 0), as on a kernel that ignores the setting. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, write, int, const void*, size_t)

static int is_rmid_forced(int fd) {
  char link[64], target[128];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = '\0';
  return strcmp(target, "/proc/sys/kernel/shm_rmid_forced") == 0;
}

ssize_t write(int fd, const void* buf, size_t n) {
  shim_init_write();
  if (shim_active() && is_rmid_forced(fd)) return (ssize_t)n;
  return real_write(fd, buf, n);
}
