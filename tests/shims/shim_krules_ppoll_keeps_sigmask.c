/* Breaks ppoll(2) and XSH pselect(): the sigmask given for the call is left in
 * place when the call returns instead of the caller's mask being restored. */
#include "shim_common.h" /* first: defines _GNU_SOURCE */

#include <poll.h>
#include <signal.h>
#include <sys/select.h>

SHIM_REAL(int, ppoll, struct pollfd*, nfds_t, const struct timespec*, const sigset_t*)
SHIM_REAL(int, pselect, int, fd_set*, fd_set*, fd_set*, const struct timespec*, const sigset_t*)

int ppoll(struct pollfd* fds, nfds_t n, const struct timespec* t, const sigset_t* mask) {
  shim_init_ppoll();
  int r = real_ppoll(fds, n, t, mask);
  if (shim_active() && mask != NULL) sigprocmask(SIG_SETMASK, mask, NULL);
  return r;
}

int pselect(int n, fd_set* r, fd_set* w, fd_set* e, const struct timespec* t,
            const sigset_t* mask) {
  shim_init_pselect();
  int res = real_pselect(n, r, w, e, t, mask);
  if (shim_active() && mask != NULL) sigprocmask(SIG_SETMASK, mask, NULL);
  return res;
}
