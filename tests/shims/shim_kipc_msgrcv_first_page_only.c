/* Breaks XSH msgrcv() for messages longer than a page: only the first page
 * of the text arrives (the rest reads as zeros), the length is kept, as a
 * kernel that loses the later pieces of a long message would deliver it. */
#include <string.h>
#include <sys/msg.h>
#include <sys/types.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, msgrcv, int, void*, size_t, long, int)

ssize_t msgrcv(int id, void* msgp, size_t size, long type, int flags) {
  shim_init_msgrcv();
  ssize_t n = real_msgrcv(id, msgp, size, type, flags);
  if (shim_active() && n > 4096) memset((char*)msgp + sizeof(long) + 4096, 0, (size_t)n - 4096);
  return n;
}
