/* Breaks XSH msgrcv() MSG_NOERROR: the flag is dropped, so a message longer
 * than msgsz fails with E2BIG instead of being truncated. */
#include <sys/msg.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, msgrcv, int, void*, size_t, long, int)

ssize_t msgrcv(int id, void* msgp, size_t msgsz, long msgtyp, int msgflg) {
  shim_init_msgrcv();
  if (shim_active()) msgflg &= ~MSG_NOERROR;
  return real_msgrcv(id, msgp, msgsz, msgtyp, msgflg);
}
