#include "injectors/close_fds.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sigipc::inject {

namespace {

// close_range(2) through syscall(2): musl (zig 0.11) has no wrapper for it.
int close_fd_range(unsigned lo, unsigned hi) {
#ifdef SYS_close_range
  return static_cast<int>(syscall(SYS_close_range, lo, hi, 0));
#else
  (void)lo, (void)hi;
  errno = ENOSYS;
  return -1;
#endif
}

bool kept(int fd, const int* keep, int count) {
  for (int i = 0; i < count; ++i)
    if (keep[i] == fd) return true;
  return false;
}

// Without close_range (ENOSYS: older kernels, gVisor) the descriptors open
// are read from /proc/self/fd: closing each number up to _SC_OPEN_MAX takes
// seconds where that limit is a million (gVisor). Raw getdents64 into a
// stack buffer, as the sender is a child forked from a threaded process and
// may not allocate; passes repeat until one closes nothing, as closing
// while reading may skip entries. False when /proc cannot be read.
bool close_listed_but(const int* keep, int count) {
#ifdef SYS_getdents64
  for (bool closed_any = true; closed_any;) {
    closed_any = false;
    const int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return false;
    alignas(8) char buf[4096];
    for (long n; (n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0;) {
      for (long at = 0; at < n;) {
        // struct linux_dirent64: d_ino 8, d_off 8, d_reclen 2, d_type 1, name.
        unsigned short reclen = 0;
        std::memcpy(&reclen, buf + at + 16, sizeof reclen);
        if (reclen == 0) break;
        const char* name = buf + at + 19;
        int fd = 0;
        bool number = *name != '\0';
        for (const char* c = name; *c; ++c) {
          if (*c < '0' || *c > '9') number = false;
          fd = fd * 10 + (*c - '0');
        }
        if (number && fd > 2 && fd != dir && !kept(fd, keep, count)) {
          close(fd);
          closed_any = true;
        }
        at += reclen;
      }
    }
    close(dir);
  }
  return true;
#else
  (void)keep, (void)count;
  return false;
#endif
}

}  // namespace

void close_all_but(const int* keep, int count) {
  unsigned lo = 3;
  for (int i = 0; i <= count; ++i) {
    const unsigned hi = i < count ? static_cast<unsigned>(keep[i]) : ~0u;
    if (i < count && keep[i] < 3) continue;
    if (hi > lo && close_fd_range(lo, hi - 1) != 0) {
      if (close_listed_but(keep, count)) return;
      const long open_max = sysconf(_SC_OPEN_MAX);
      const unsigned top = hi == ~0u ? static_cast<unsigned>(open_max > 0 ? open_max : 1024) : hi;
      for (unsigned fd = lo; fd < top; ++fd) close(static_cast<int>(fd));
    }
    if (i < count) lo = hi + 1;
  }
}

}  // namespace sigipc::inject
