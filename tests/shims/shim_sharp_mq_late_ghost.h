/* Breaks XSH mq_notify(): a registration is removed when the notification is
 * sent and by mq_notify(NULL), and no notification is sent when a blocked
 * mq_receive() takes the message. Emulates a platform that delivers
 * notifications asynchronously, from a worker 20 ms after the message
 * arrived on the empty queue, and keeps every SIGEV_SIGNAL registration it
 * ever saw: the worker's signal comes late, where a zero-length check for
 * "no signal" never looks. */
#pragma once
#include <errno.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "shim_common.h"

SHIM_REAL(int, mq_notify, mqd_t, const struct sigevent*)
SHIM_REAL(int, mq_send, mqd_t, const char*, size_t, unsigned)
SHIM_REAL(int, mq_timedsend, mqd_t, const char*, size_t, unsigned, const struct timespec*)

enum { kGhosts = 16 };
static struct {
  int used;
  mqd_t q;
  int signo;
  union sigval value;
} ghosts[kGhosts];

struct late {
  pid_t pid;
  int signo;
  union sigval value;
};
static struct late lates[kGhosts];

static void* send_late(void* arg) {
  const struct late* l = (const struct late*)arg;
  struct timespec t = {0, 20 * 1000 * 1000};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
  sigqueue(l->pid, l->signo, l->value);
  return NULL;
}

int mq_notify(mqd_t q, const struct sigevent* ev) {
  shim_init_mq_notify();
  const int r = real_mq_notify(q, ev);
  if (r != 0 || !shim_active() || !ev || ev->sigev_notify != SIGEV_SIGNAL) return r;
  for (int i = 0; i < kGhosts; ++i)
    if (!ghosts[i].used || ghosts[i].q == q) {
      ghosts[i].used = 1;
      ghosts[i].q = q;
      ghosts[i].signo = ev->sigev_signo;
      ghosts[i].value = ev->sigev_value;
      break;
    }
  return r;
}

static int was_empty(mqd_t q) {
  struct mq_attr a;
  return shim_active() && mq_getattr(q, &a) == 0 && a.mq_curmsgs == 0;
}

static void haunt(mqd_t q) {
  for (int i = 0; i < kGhosts; ++i) {
    if (!ghosts[i].used || ghosts[i].q != q) continue;
    lates[i].pid = getpid();
    lates[i].signo = ghosts[i].signo;
    lates[i].value = ghosts[i].value;
    pthread_t t;
    const int saved = errno;
    if (pthread_create(&t, NULL, send_late, &lates[i]) == 0) pthread_detach(t);
    errno = saved;
  }
}

int mq_send(mqd_t q, const char* msg, size_t len, unsigned prio) {
  shim_init_mq_send();
  const int empty = was_empty(q);
  const int r = real_mq_send(q, msg, len, prio);
  if (r == 0 && empty) haunt(q);
  return r;
}

int mq_timedsend(mqd_t q, const char* msg, size_t len, unsigned prio, const struct timespec* abs) {
  shim_init_mq_timedsend();
  const int empty = was_empty(q);
  const int r = real_mq_timedsend(q, msg, len, prio, abs);
  if (r == 0 && empty) haunt(q);
  return r;
}
