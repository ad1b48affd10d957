/* Breaks XSH pthread_kill(): sends the signal to the whole process
 * (kill(getpid(), sig)) instead of to the named thread. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, pthread_kill, pthread_t, int)

int pthread_kill(pthread_t thread, int sig) {
  shim_init_pthread_kill();
  if (shim_active() && sig > 0) return kill(getpid(), sig) == 0 ? 0 : -1;
  return real_pthread_kill(thread, sig);
}
