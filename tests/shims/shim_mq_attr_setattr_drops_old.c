/* Breaks XSH mq_setattr(): omqstat is left untouched instead of receiving the
 * previous attributes. */
#include <mqueue.h>

#include "shim_common.h"

SHIM_REAL(int, mq_setattr, mqd_t, const struct mq_attr*, struct mq_attr*)

int mq_setattr(mqd_t d, const struct mq_attr* attr, struct mq_attr* old) {
  shim_init_mq_setattr();
  return real_mq_setattr(d, attr, shim_active() ? NULL : old);
}
