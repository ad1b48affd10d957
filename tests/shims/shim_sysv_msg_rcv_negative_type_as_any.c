/* Breaks XSH msgrcv() for msgtyp < 0: instead of the first message of the
 * lowest type <= |msgtyp|, the first message on the queue (msgtyp 0) is
 * received, whatever its type. */
#include <sys/msg.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, msgrcv, int, void*, size_t, long, int)

ssize_t msgrcv(int id, void* msgp, size_t msgsz, long msgtyp, int msgflg) {
  shim_init_msgrcv();
  if (msgtyp < 0 && shim_active()) msgtyp = 0;
  return real_msgrcv(id, msgp, msgsz, msgtyp, msgflg);
}
