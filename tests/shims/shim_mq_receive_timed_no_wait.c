/* Breaks XSH mq_timedreceive() waiting: on an empty queue the call fails
 * with ETIMEDOUT at once instead of waiting until the deadline. */
#include <errno.h>
#include <mqueue.h>
#include <time.h>

#include "shim_common.h"

SHIM_REAL(ssize_t, mq_timedreceive, mqd_t, char*, size_t, unsigned*, const struct timespec*)

ssize_t mq_timedreceive(mqd_t q, char* buf, size_t len, unsigned* prio,
                        const struct timespec* abs) {
  shim_init_mq_timedreceive();
  if (shim_active()) {
    struct timespec past = {1, 0};
    return real_mq_timedreceive(q, buf, len, prio, &past);
  }
  return real_mq_timedreceive(q, buf, len, prio, abs);
}
