/* Breaks every "set to the current time" rule of XSH <sys/msg.h>, <sys/sem.h>,
 * <sys/shm.h> and <sys/stat.h>: IPC_STAT and stat() report each timestamp
 * two seconds older than it is, as a platform whose stamping clock lags, or
 * that stamps once and caches, would. Zero (never set) stays zero. */
#include <stdarg.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "shim_common.h"

enum { kLagS = 2 };

static void age(time_t* t) {
  if (*t != 0) *t -= kLagS;
}

static void age_stat(struct stat* st) {
  age(&st->st_atim.tv_sec);
  age(&st->st_mtim.tv_sec);
  age(&st->st_ctim.tv_sec);
}

SHIM_REAL(int, msgctl, int, int, struct msqid_ds*)
SHIM_REAL(int, semctl, int, int, int, ...)
SHIM_REAL(int, shmctl, int, int, struct shmid_ds*)
SHIM_REAL(int, stat, const char*, struct stat*)
SHIM_REAL(int, lstat, const char*, struct stat*)
SHIM_REAL(int, fstat, int, struct stat*)
SHIM_REAL(int, fstatat, int, const char*, struct stat*, int)

int msgctl(int id, int cmd, struct msqid_ds* ds) {
  shim_init_msgctl();
  int r = real_msgctl(id, cmd, ds);
  if (r == 0 && shim_active() && cmd == IPC_STAT && ds) {
    age(&ds->msg_stime);
    age(&ds->msg_rtime);
    age(&ds->msg_ctime);
  }
  return r;
}

int semctl(int id, int num, int cmd, ...) {
  shim_init_semctl();
  va_list ap;
  va_start(ap, cmd);
  /* union semun is pointer-sized: pass it through as one word. */
  unsigned long arg = va_arg(ap, unsigned long);
  va_end(ap);
  int r = real_semctl(id, num, cmd, arg);
  if (r == 0 && shim_active() && cmd == IPC_STAT && arg) {
    struct semid_ds* ds = (struct semid_ds*)arg;
    age(&ds->sem_otime);
    age(&ds->sem_ctime);
  }
  return r;
}

int shmctl(int id, int cmd, struct shmid_ds* ds) {
  shim_init_shmctl();
  int r = real_shmctl(id, cmd, ds);
  if (r == 0 && shim_active() && cmd == IPC_STAT && ds) {
    age(&ds->shm_atime);
    age(&ds->shm_dtime);
    age(&ds->shm_ctime);
  }
  return r;
}

int stat(const char* path, struct stat* st) {
  shim_init_stat();
  int r = real_stat(path, st);
  if (r == 0 && shim_active()) age_stat(st);
  return r;
}

int lstat(const char* path, struct stat* st) {
  shim_init_lstat();
  int r = real_lstat(path, st);
  if (r == 0 && shim_active()) age_stat(st);
  return r;
}

int fstat(int fd, struct stat* st) {
  shim_init_fstat();
  int r = real_fstat(fd, st);
  if (r == 0 && shim_active()) age_stat(st);
  return r;
}

int fstatat(int dirfd, const char* path, struct stat* st, int flags) {
  shim_init_fstatat();
  int r = real_fstatat(dirfd, path, st, flags);
  if (r == 0 && shim_active()) age_stat(st);
  return r;
}
