/* Breaks XSH raise() on its error path: like glibc it blocks every signal
 * around the send, but when the send fails it returns without restoring the
 * caller's mask. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "shim_common.h"

SHIM_REAL(int, raise, int)

int raise(int sig) {
  shim_init_raise();
  if (!shim_active()) return real_raise(sig);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  int err = pthread_kill(pthread_self(), sig);
  if (err != 0) {
    errno = err;
    return -1;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return 0;
}
