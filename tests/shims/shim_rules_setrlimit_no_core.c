/* Emulates a platform that never writes core files: setrlimit(RLIMIT_CORE)
 * succeeds but the limit stays 0, so SIGSEGV, SIGABRT and SIGQUIT end a
 * process without a core dump. */
#include <sys/resource.h>

#include "shim_common.h"

SHIM_REAL(int, setrlimit, __rlimit_resource_t, const struct rlimit*)

int setrlimit(__rlimit_resource_t res, const struct rlimit* lim) {
  shim_init_setrlimit();
  if (shim_active() && res == RLIMIT_CORE) {
    struct rlimit none = {0, lim->rlim_max};
    return real_setrlimit(res, &none);
  }
  return real_setrlimit(res, lim);
}
