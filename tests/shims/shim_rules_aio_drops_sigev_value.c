/* Breaks XSH aio_write(): the completion signal comes without the
 * application's sigev_value (the request is submitted with a zero value). */
#include <aio.h>
#include <string.h>

#include "shim_common.h"

SHIM_REAL(int, aio_write, struct aiocb*)

int aio_write(struct aiocb* cb) {
  shim_init_aio_write();
  if (shim_active()) memset(&cb->aio_sigevent.sigev_value, 0, sizeof(union sigval));
  return real_aio_write(cb);
}
