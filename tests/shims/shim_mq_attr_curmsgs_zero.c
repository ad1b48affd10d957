/* Breaks XSH mq_getattr(): mq_curmsgs always reads 0, whatever the queue
 * holds. */
#include <mqueue.h>

#include "shim_common.h"

SHIM_REAL(int, mq_getattr, mqd_t, struct mq_attr*)

int mq_getattr(mqd_t d, struct mq_attr* attr) {
  shim_init_mq_getattr();
  int r = real_mq_getattr(d, attr);
  if (r == 0 && shim_active()) attr->mq_curmsgs = 0;
  return r;
}
