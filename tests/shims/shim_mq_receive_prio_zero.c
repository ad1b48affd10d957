/* Breaks XSH mq_receive() msg_prio: the received message's priority is
 * reported as 0 instead of the priority it was sent with. */
#include <mqueue.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, mq_receive, mqd_t, char*, size_t, unsigned*)

ssize_t mq_receive(mqd_t q, char* buf, size_t len, unsigned* prio) {
  shim_init_mq_receive();
  ssize_t r = real_mq_receive(q, buf, len, prio);
  if (r >= 0 && prio && shim_active()) *prio = 0;
  return r;
}
