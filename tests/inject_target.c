/* A program for the `sigipc inject` tests: makes a known number of calls and
 * prints which of them failed, so a test can compare the calls that failed
 * with the rule that was given.
 *
 *   inject_target getppid K   K getppid() calls
 *   inject_target read K      K 1-byte reads, alternating fd 10 and fd 11
 *                             (both /dev/zero)
 *   inject_target storm K     K getppid() calls with an SA_RESTART handler for
 *                             SIGUSR1 installed (the CLI sends the storm)
 *   inject_target exit N      exits with status N
 *   inject_target kill SIG    raises SIG with its default action
 *   inject_target seccomp     prints the Seccomp field of its own and its
 *                             parent's /proc/PID/status
 *
 * Output: "fail I fd F ERRNO" per failed call I (1-based), then
 * "calls K failed F eintr E handled H". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static void on_signal(int sig) {
  (void)sig;
  handled++;
}

int main(int argc, char** argv) {
  if (argc < 2) return 64;
  const char* mode = argv[1];
  long k = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
  if (strcmp(mode, "exit") == 0) return (int)k;
  if (strcmp(mode, "kill") == 0) {
    signal((int)k, SIG_DFL);
    raise((int)k);
    return 99;
  }
  if (strcmp(mode, "seccomp") == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)getppid());
    const char* paths[2] = {"/proc/self/status", path};
    const char* who[2] = {"self", "parent"};
    for (int i = 0; i < 2; ++i) {
      FILE* f = fopen(paths[i], "r");
      char line[256];
      while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "Seccomp:", 8) == 0) printf("%s %s", who[i], line);
      if (f) fclose(f);
    }
    return 0;
  }
  if (strcmp(mode, "storm") == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
  }
  int rd = strcmp(mode, "read") == 0;
  if (rd) {
    int z = open("/dev/zero", O_RDONLY);
    if (z < 0 || dup2(z, 10) < 0 || dup2(z, 11) < 0) return 65;
    close(z);
  }
  long failed = 0, eintr = 0;
  for (long i = 1; i <= k; ++i) {
    int fd = rd ? (i % 2 ? 10 : 11) : -1;
    char c;
    errno = 0;
    /* glibc's getppid() returns the raw value (it cannot fail), so an
     * injected error would not reach errno; syscall() converts it. */
    long r = rd ? (long)read(fd, &c, 1) : syscall(SYS_getppid);
    if (r == -1) {
      failed++;
      if (errno == EINTR) eintr++;
      printf("fail %ld fd %d %s\n", i, fd, strerrorname_np(errno));
    }
  }
  printf("calls %ld failed %ld eintr %ld handled %ld\n", k, failed, eintr, (long)handled);
  return 0;
}
