/* Breaks XSH ftruncate(): a request to increase the size succeeds without
 * changing the size (shrinking still works). */
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, ftruncate, int, off_t)

int ftruncate(int fd, off_t length) {
  shim_init_ftruncate();
  struct stat st;
  if (shim_active() && fstat(fd, &st) == 0 && length > st.st_size) return 0;
  return real_ftruncate(fd, length);
}
