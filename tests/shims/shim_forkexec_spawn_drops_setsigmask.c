/* Breaks XSH posix_spawn(): POSIX_SPAWN_SETSIGMASK is dropped from the
 * attribute flags, so the child keeps the caller's mask. */
#include <spawn.h>

#include "shim_common.h"

SHIM_REAL(int, posix_spawnattr_setflags, posix_spawnattr_t*, short)

int posix_spawnattr_setflags(posix_spawnattr_t* attr, short flags) {
  shim_init_posix_spawnattr_setflags();
  if (shim_active()) flags &= (short)~POSIX_SPAWN_SETSIGMASK;
  return real_posix_spawnattr_setflags(attr, flags);
}
