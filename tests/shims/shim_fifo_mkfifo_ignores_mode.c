/* Breaks XSH mkfifo(): the FIFO's permission bits ignore the mode argument
 * (always 0666 before the umask) instead of mode & ~umask. */
#include <sys/stat.h>
#include <sys/types.h>

#include "shim_common.h"

SHIM_REAL(int, mkfifo, const char*, mode_t)

int mkfifo(const char* path, mode_t mode) {
  shim_init_mkfifo();
  return real_mkfifo(path, shim_active() ? 0666 : mode);
}
