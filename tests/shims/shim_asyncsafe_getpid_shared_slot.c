/* Breaks XSH 2.4.3's getpid() and getppid() rows: both build their result in
 * one static slot around the system call (zeroed, then the answer added), so
 * a handler that interrupts one of them and calls either overwrites the slot
 * and the interrupted call returns the sum of two answers. Only a test whose
 * handlers really land inside the calls sees it. */
#include <signal.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(pid_t, getpid, void)
SHIM_REAL(pid_t, getppid, void)

static volatile sig_atomic_t slot;

pid_t getpid(void) {
  shim_init_getpid();
  if (!shim_active()) return real_getpid();
  slot = 0;
  const pid_t r = real_getpid();
  slot = slot + r;
  return slot;
}

pid_t getppid(void) {
  shim_init_getppid();
  if (!shim_active()) return real_getppid();
  slot = 0;
  const pid_t r = real_getppid();
  slot = slot + r;
  return slot;
}
