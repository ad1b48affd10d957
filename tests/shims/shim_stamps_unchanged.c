/* Breaks every "set to the current time" rule for an existing SysV IPC
 * object (XSH msgsnd()/msgrcv()/msgctl(), semop()/semctl(), shmat()/shmdt()/
 * shmctl()): IPC_STAT reports each timestamp as it was when the object was
 * created, as if no call ever updated it. */
#include <stdarg.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "shim_common.h"

enum { kMsg, kSem, kShm };
enum { kMaxObjects = 64 };

/* The stamps of each object as first seen: [0..2] by kind (msg: stime,
 * rtime, ctime; sem: otime, ctime; shm: atime, dtime, ctime). */
static struct {
  int kind, id;
  time_t t[3];
} seen[kMaxObjects];
static int nseen;

static time_t* stamps_of(int kind, int id) {
  for (int i = 0; i < nseen; i++)
    if (seen[i].kind == kind && seen[i].id == id) return seen[i].t;
  return NULL;
}

static time_t* remember(int kind, int id) {
  if (nseen == kMaxObjects) return NULL;
  seen[nseen].kind = kind;
  seen[nseen].id = id;
  return seen[nseen++].t;
}

SHIM_REAL(int, msgget, key_t, int)
SHIM_REAL(int, semget, key_t, int, int)
SHIM_REAL(int, shmget, key_t, size_t, int)
SHIM_REAL(int, msgctl, int, int, struct msqid_ds*)
SHIM_REAL(int, semctl, int, int, int, ...)
SHIM_REAL(int, shmctl, int, int, struct shmid_ds*)

/* Each stat reports the remembered stamps; the first one (made right after
 * the object is got) remembers them. */
static void freeze(int kind, int id, time_t* fields[3]) {
  time_t* t = stamps_of(kind, id);
  if (!t && (t = remember(kind, id)))
    for (int i = 0; i < 3; i++) t[i] = fields[i] ? *fields[i] : 0;
  if (!t) return;
  for (int i = 0; i < 3; i++)
    if (fields[i]) *fields[i] = t[i];
}

static void freeze_msg(int id, struct msqid_ds* ds) {
  time_t* f[3] = {&ds->msg_stime, &ds->msg_rtime, &ds->msg_ctime};
  freeze(kMsg, id, f);
}

static void freeze_sem(int id, struct semid_ds* ds) {
  time_t* f[3] = {&ds->sem_otime, &ds->sem_ctime, NULL};
  freeze(kSem, id, f);
}

static void freeze_shm(int id, struct shmid_ds* ds) {
  time_t* f[3] = {&ds->shm_atime, &ds->shm_dtime, &ds->shm_ctime};
  freeze(kShm, id, f);
}

int msgctl(int id, int cmd, struct msqid_ds* ds) {
  shim_init_msgctl();
  int r = real_msgctl(id, cmd, ds);
  if (r == 0 && shim_active() && cmd == IPC_STAT && ds) freeze_msg(id, ds);
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
  if (r == 0 && shim_active() && cmd == IPC_STAT && arg) freeze_sem(id, (struct semid_ds*)arg);
  return r;
}

int shmctl(int id, int cmd, struct shmid_ds* ds) {
  shim_init_shmctl();
  int r = real_shmctl(id, cmd, ds);
  if (r == 0 && shim_active() && cmd == IPC_STAT && ds) freeze_shm(id, ds);
  return r;
}

int msgget(key_t key, int flags) {
  shim_init_msgget();
  int id = real_msgget(key, flags);
  struct msqid_ds ds;
  if (id >= 0 && shim_active()) msgctl(id, IPC_STAT, &ds);
  return id;
}

int semget(key_t key, int n, int flags) {
  shim_init_semget();
  int id = real_semget(key, n, flags);
  struct semid_ds ds;
  if (id >= 0 && shim_active()) semctl(id, 0, IPC_STAT, &ds);
  return id;
}

int shmget(key_t key, size_t size, int flags) {
  shim_init_shmget();
  int id = real_shmget(key, size, flags);
  struct shmid_ds ds;
  if (id >= 0 && shim_active()) shmctl(id, IPC_STAT, &ds);
  return id;
}
