/* Breaks XSH mq_send() message priority: every message is queued with
 * priority 0, so messages come out in sending order whatever msg_prio. */
#include <mqueue.h>

#include "shim_common.h"

SHIM_REAL(int, mq_send, mqd_t, const char*, size_t, unsigned)

int mq_send(mqd_t q, const char* msg, size_t len, unsigned prio) {
  shim_init_mq_send();
  if (shim_active() && prio < 32768u) prio = 0;
  return real_mq_send(q, msg, len, prio);
}
