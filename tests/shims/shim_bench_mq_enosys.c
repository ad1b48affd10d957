/* Emulates a platform whose POSIX message queues open but carry nothing:
 * mq_send() and mq_receive() fail with ENOSYS (gVisor's Sentry of 2022-12
 * does), so both sides of a sigipc bench round trip fail at once. */
#include <errno.h>
#include <mqueue.h>

#include "shim_common.h"

SHIM_REAL(int, mq_send, mqd_t, const char*, size_t, unsigned)
SHIM_REAL(ssize_t, mq_receive, mqd_t, char*, size_t, unsigned*)

int mq_send(mqd_t q, const char* msg, size_t len, unsigned prio) {
  shim_init_mq_send();
  if (shim_active()) {
    errno = ENOSYS;
    return -1;
  }
  return real_mq_send(q, msg, len, prio);
}

ssize_t mq_receive(mqd_t q, char* buf, size_t len, unsigned* prio) {
  shim_init_mq_receive();
  if (shim_active()) {
    errno = ENOSYS;
    return -1;
  }
  return real_mq_receive(q, buf, len, prio);
}
