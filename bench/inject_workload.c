/* The benchmark workload of bench/inject_vs_strace.sh: N getppid() calls,
 * timed inside the program (clock_gettime is a vDSO call that never reaches
 * seccomp or ptrace), so exec and filter set-up are not part of the figure.
 * Prints "ns_per_call X failed F". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 200000;
  long failed = 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; ++i)
    if (syscall(SYS_getppid) == -1) failed++;
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
  printf("ns_per_call %.1f failed %ld\n", ns / (double)n, failed);
  return 0;
}
