/* Breaks XSH mq_open(): O_EXCL is dropped, so O_CREAT|O_EXCL on an existing
 * queue opens it instead of failing with EEXIST. */
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <sys/types.h>

#include "shim_common.h"

SHIM_REAL(mqd_t, mq_open, const char*, int, ...)

mqd_t mq_open(const char* name, int oflag, ...) {
  shim_init_mq_open();
  if (!(oflag & O_CREAT)) return real_mq_open(name, oflag);
  va_list ap;
  va_start(ap, oflag);
  mode_t mode = (mode_t)va_arg(ap, int);
  struct mq_attr* attr = va_arg(ap, struct mq_attr*);
  va_end(ap);
  if (shim_active()) oflag &= ~O_EXCL;
  return real_mq_open(name, oflag, mode, attr);
}
