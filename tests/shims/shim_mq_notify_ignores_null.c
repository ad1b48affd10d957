/* Breaks XSH mq_notify() removal: mq_notify(mqdes, NULL) reports success
 * and leaves the caller's registration in place. */
#include <mqueue.h>

#include "shim_common.h"

SHIM_REAL(int, mq_notify, mqd_t, const struct sigevent*)

int mq_notify(mqd_t q, const struct sigevent* ev) {
  shim_init_mq_notify();
  if (ev == NULL && shim_active()) return 0;
  return real_mq_notify(q, ev);
}
