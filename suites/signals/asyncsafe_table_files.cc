// Rows of the async-signal-safety table (asyncsafe_table.h) for the file,
// folder and descriptor functions. Each side works on its own folder, file
// and descriptors (Scratch), so every result is known in advance whatever
// the interleaving; names an op creates it removes again.
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include "suites/signals/asyncsafe_table.h"

namespace sigipc {
namespace {

using asyncsafe_table::g_scratch;
using asyncsafe_table::kFileText;
using asyncsafe_table::Scratch;

Scratch& at(int side) { return g_scratch[side]; }
bool failed_with(int r, int err) { return r == -1 && errno == err; }
bool is_text_file(const struct stat& st) {
  return S_ISREG(st.st_mode) && st.st_size == static_cast<off_t>(sizeof kFileText - 1);
}
bool mode_is(const char* path, mode_t mode) {
  struct stat st;
  return stat(path, &st) == 0 && (st.st_mode & 07777) == mode;
}
bool mtime_is(int fd, time_t t) {
  struct stat st;
  return fstat(fd, &st) == 0 && st.st_mtime == t;
}
// Opened and closed by the op: the side's pipe must be empty again.
bool pipe_round_trip(int side, int rd, int wr) {
  const char out[2] = {side ? 'h' : 'm', '!'};
  char in[4] = {0};
  return write(wr, out, 2) == 2 && read(rd, in, sizeof in) == 2 && memcmp(in, out, 2) == 0;
}

SIGIPC_ASYNCSAFE_ROW(Access, access, "signal.asyncsafe.table.access", [](int side) {
  return access(at(side).file, R_OK | W_OK) == 0 &&
         failed_with(access(at(side).name, F_OK), ENOENT);
})
SIGIPC_ASYNCSAFE_ROW(Faccessat, faccessat, "signal.asyncsafe.table.faccessat", [](int side) {
  return faccessat(at(side).dir_fd, "file", R_OK, 0) == 0 &&
         failed_with(faccessat(at(side).dir_fd, "name", F_OK, 0), ENOENT);
})

char g_cwd[PATH_MAX];
void save_cwd() {
  if (!getcwd(g_cwd, sizeof g_cwd)) strcpy(g_cwd, "/");
}
void restore_cwd() {
  if (chdir(g_cwd) != 0) (void)!chdir("/");
}
// Both sides' folders hold "file": a relative name resolves whichever ran last.
SIGIPC_ASYNCSAFE_ROW(
    Chdir, chdir, "signal.asyncsafe.table.chdir",
    [](int side) { return chdir(at(side).dir) == 0 && access("file", F_OK) == 0; }, save_cwd,
    restore_cwd)
SIGIPC_ASYNCSAFE_ROW(
    Fchdir, fchdir, "signal.asyncsafe.table.fchdir",
    [](int side) { return fchdir(at(side).dir_fd) == 0 && access("file", F_OK) == 0; }, save_cwd,
    restore_cwd)

SIGIPC_ASYNCSAFE_ROW(Chmod, chmod, "signal.asyncsafe.table.chmod", [](int side) {
  return chmod(at(side).file, 0640) == 0 && mode_is(at(side).file, 0640) &&
         chmod(at(side).file, 0600) == 0 && mode_is(at(side).file, 0600);
})
SIGIPC_ASYNCSAFE_ROW(Fchmod, fchmod, "signal.asyncsafe.table.fchmod", [](int side) {
  return fchmod(at(side).file_fd, 0640) == 0 && mode_is(at(side).file, 0640) &&
         fchmod(at(side).file_fd, 0600) == 0 && mode_is(at(side).file, 0600);
})
SIGIPC_ASYNCSAFE_ROW(Fchmodat, fchmodat, "signal.asyncsafe.table.fchmodat", [](int side) {
  return fchmodat(at(side).dir_fd, "file", 0640, 0) == 0 && mode_is(at(side).file, 0640) &&
         fchmodat(at(side).dir_fd, "file", 0600, 0) == 0 && mode_is(at(side).file, 0600);
})
// The owner may always "change" the owner and group to the ones it has.
SIGIPC_ASYNCSAFE_ROW(Chown, chown, "signal.asyncsafe.table.chown",
                     [](int side) { return chown(at(side).file, getuid(), getgid()) == 0; })
SIGIPC_ASYNCSAFE_ROW(Fchown, fchown, "signal.asyncsafe.table.fchown",
                     [](int side) { return fchown(at(side).file_fd, getuid(), getgid()) == 0; })
SIGIPC_ASYNCSAFE_ROW(Fchownat, fchownat, "signal.asyncsafe.table.fchownat", [](int side) {
  return fchownat(at(side).dir_fd, "file", getuid(), getgid(), 0) == 0;
})

SIGIPC_ASYNCSAFE_ROW(Creat, creat, "signal.asyncsafe.table.creat", [](int side) {
  const int fd = creat(at(side).name, 0600);
  if (fd < 0) return false;
  const bool wrote = write(fd, "c", 1) == 1;
  return close(fd) == 0 && wrote && unlink(at(side).name) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Open, open, "signal.asyncsafe.table.open", [](int side) {
  const int fd = open(at(side).file, O_RDONLY | O_CLOEXEC);
  char b[5] = {0};
  const bool ok = fd >= 0 && read(fd, b, 4) == 4 && memcmp(b, kFileText, 4) == 0;
  return ok && close(fd) == 0 && failed_with(open(at(side).name, O_RDONLY), ENOENT);
})
SIGIPC_ASYNCSAFE_ROW(Openat, openat, "signal.asyncsafe.table.openat", [](int side) {
  const int fd = openat(at(side).dir_fd, "file", O_RDONLY | O_CLOEXEC);
  char b[5] = {0};
  const bool ok = fd >= 0 && read(fd, b, 4) == 4 && memcmp(b, kFileText, 4) == 0;
  return ok && close(fd) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Close, close, "signal.asyncsafe.table.close", [](int side) {
  const int fd = dup(at(side).file_fd);
  return fd >= 0 && close(fd) == 0 && failed_with(close(-1), EBADF);
})
SIGIPC_ASYNCSAFE_ROW(Dup, dup, "signal.asyncsafe.table.dup", [](int side) {
  const int fd = dup(at(side).file_fd);
  // dup() gives a descriptor without FD_CLOEXEC on the same open file.
  const bool ok = fd >= 0 && fcntl(fd, F_GETFD) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR;
  return fd >= 0 && close(fd) == 0 && ok;
})
SIGIPC_ASYNCSAFE_ROW(Dup2, dup2, "signal.asyncsafe.table.dup2", [](int side) {
  const int fd = dup(at(side).file_fd);
  struct stat st;
  const bool ok =
      fd >= 0 && dup2(at(side).pipe_fd[0], fd) == fd && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
  return fd >= 0 && close(fd) == 0 && ok;
})
SIGIPC_ASYNCSAFE_ROW(Fcntl, fcntl, "signal.asyncsafe.table.fcntl", [](int side) {
  const int fd = at(side).file_fd;
  return fcntl(fd, F_GETFD) == FD_CLOEXEC && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR &&
         failed_with(fcntl(-1, F_GETFD), EBADF);
})
SIGIPC_ASYNCSAFE_ROW(Fdatasync, fdatasync, "signal.asyncsafe.table.fdatasync",
                     [](int side) { return fdatasync(at(side).file_fd) == 0; })
SIGIPC_ASYNCSAFE_ROW(Fsync, fsync, "signal.asyncsafe.table.fsync",
                     [](int side) { return fsync(at(side).file_fd) == 0; })
SIGIPC_ASYNCSAFE_ROW(Fstat, fstat, "signal.asyncsafe.table.fstat", [](int side) {
  struct stat st;
  return fstat(at(side).file_fd, &st) == 0 && is_text_file(st);
})
SIGIPC_ASYNCSAFE_ROW(Fstatat, fstatat, "signal.asyncsafe.table.fstatat", [](int side) {
  struct stat st;
  return fstatat(at(side).dir_fd, "file", &st, 0) == 0 && is_text_file(st);
})
SIGIPC_ASYNCSAFE_ROW(Stat, stat, "signal.asyncsafe.table.stat", [](int side) {
  struct stat st;
  return stat(at(side).file, &st) == 0 && is_text_file(st) &&
         failed_with(stat(at(side).name, &st), ENOENT);
})
SIGIPC_ASYNCSAFE_ROW(Lstat, lstat, "signal.asyncsafe.table.lstat", [](int side) {
  struct stat st;
  return lstat(at(side).file, &st) == 0 && is_text_file(st);
})
SIGIPC_ASYNCSAFE_ROW(Ftruncate, ftruncate, "signal.asyncsafe.table.ftruncate", [](int side) {
  struct stat st;
  const int fd = at(side).file_fd;
  return ftruncate(fd, 4) == 0 && fstat(fd, &st) == 0 && st.st_size == 4 &&
         ftruncate(fd, sizeof kFileText - 1) == 0 && fstat(fd, &st) == 0 && is_text_file(st);
})
SIGIPC_ASYNCSAFE_ROW(Lseek, lseek, "signal.asyncsafe.table.lseek", [](int side) {
  const int fd = at(side).file_fd;
  return lseek(fd, 0, SEEK_END) == static_cast<off_t>(sizeof kFileText - 1) &&
         lseek(fd, 3, SEEK_SET) == 3 && lseek(fd, 2, SEEK_CUR) == 5;
})

SIGIPC_ASYNCSAFE_ROW(Futimens, futimens, "signal.asyncsafe.table.futimens", [](int side) {
  const timespec ts[2] = {{1000, 0}, {2000 + side, 0}};
  return futimens(at(side).file_fd, ts) == 0 && mtime_is(at(side).file_fd, 2000 + side);
})
SIGIPC_ASYNCSAFE_ROW(Utimensat, utimensat, "signal.asyncsafe.table.utimensat", [](int side) {
  const timespec ts[2] = {{1000, 0}, {3000 + side, 0}};
  return utimensat(at(side).dir_fd, "file", ts, 0) == 0 && mtime_is(at(side).file_fd, 3000 + side);
})
SIGIPC_ASYNCSAFE_ROW(Utime, utime, "signal.asyncsafe.table.utime", [](int side) {
  const utimbuf t{1000, 4000 + side};
  return utime(at(side).file, &t) == 0 && mtime_is(at(side).file_fd, 4000 + side);
})
SIGIPC_ASYNCSAFE_ROW(Utimes, utimes, "signal.asyncsafe.table.utimes", [](int side) {
  const timeval tv[2] = {{1000, 0}, {5000 + side, 0}};
  return utimes(at(side).file, tv) == 0 && mtime_is(at(side).file_fd, 5000 + side);
})

SIGIPC_ASYNCSAFE_ROW(Link, link, "signal.asyncsafe.table.link", [](int side) {
  struct stat st;
  return link(at(side).file, at(side).name) == 0 && stat(at(side).file, &st) == 0 &&
         st.st_nlink == 2 && unlink(at(side).name) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Linkat, linkat, "signal.asyncsafe.table.linkat", [](int side) {
  const int d = at(side).dir_fd;
  return linkat(d, "file", d, "name", 0) == 0 && unlinkat(d, "name", 0) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Unlink, unlink, "signal.asyncsafe.table.unlink", [](int side) {
  const int fd = open(at(side).name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  return fd >= 0 && close(fd) == 0 && unlink(at(side).name) == 0 &&
         failed_with(unlink(at(side).name), ENOENT);
})
SIGIPC_ASYNCSAFE_ROW(Unlinkat, unlinkat, "signal.asyncsafe.table.unlinkat", [](int side) {
  const int d = at(side).dir_fd;
  const int fd = openat(d, "name", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  return fd >= 0 && close(fd) == 0 && unlinkat(d, "name", 0) == 0 &&
         failed_with(unlinkat(d, "name", 0), ENOENT);
})
SIGIPC_ASYNCSAFE_ROW(Rename, rename, "signal.asyncsafe.table.rename", [](int side) {
  return rename(at(side).file, at(side).name) == 0 && access(at(side).file, F_OK) != 0 &&
         rename(at(side).name, at(side).file) == 0 && access(at(side).file, F_OK) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Renameat, renameat, "signal.asyncsafe.table.renameat", [](int side) {
  const int d = at(side).dir_fd;
  return renameat(d, "file", d, "name") == 0 && renameat(d, "name", d, "file") == 0;
})
SIGIPC_ASYNCSAFE_ROW(Mkdir, mkdir, "signal.asyncsafe.table.mkdir", [](int side) {
  struct stat st;
  return mkdir(at(side).name, 0700) == 0 && stat(at(side).name, &st) == 0 && S_ISDIR(st.st_mode) &&
         failed_with(mkdir(at(side).name, 0700), EEXIST) && rmdir(at(side).name) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Mkdirat, mkdirat, "signal.asyncsafe.table.mkdirat", [](int side) {
  const int d = at(side).dir_fd;
  return mkdirat(d, "name", 0700) == 0 && unlinkat(d, "name", AT_REMOVEDIR) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Rmdir, rmdir, "signal.asyncsafe.table.rmdir", [](int side) {
  return mkdir(at(side).name, 0700) == 0 && rmdir(at(side).name) == 0 &&
         failed_with(rmdir(at(side).name), ENOENT) && failed_with(rmdir(at(side).file), ENOTDIR);
})
bool is_fifo(const char* path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
}
SIGIPC_ASYNCSAFE_ROW(Mkfifo, mkfifo, "signal.asyncsafe.table.mkfifo", [](int side) {
  return mkfifo(at(side).name, 0600) == 0 && is_fifo(at(side).name) && unlink(at(side).name) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Mkfifoat, mkfifoat, "signal.asyncsafe.table.mkfifoat", [](int side) {
  return mkfifoat(at(side).dir_fd, "name", 0600) == 0 && is_fifo(at(side).name) &&
         unlink(at(side).name) == 0;
})
// A FIFO is the node type XSH mknod() lets any process make.
SIGIPC_ASYNCSAFE_ROW(Mknod, mknod, "signal.asyncsafe.table.mknod", [](int side) {
  return mknod(at(side).name, S_IFIFO | 0600, 0) == 0 && is_fifo(at(side).name) &&
         unlink(at(side).name) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Mknodat, mknodat, "signal.asyncsafe.table.mknodat", [](int side) {
  return mknodat(at(side).dir_fd, "name", S_IFIFO | 0600, 0) == 0 && is_fifo(at(side).name) &&
         unlink(at(side).name) == 0;
})

void make_links() {
  for (Scratch& s : g_scratch)
    if (symlink("file", s.name2) != 0) s.name2[0] = 0;  // the op then fails
}
bool link_reads_file(ssize_t n, const char* buf) { return n == 4 && memcmp(buf, "file", 4) == 0; }
SIGIPC_ASYNCSAFE_ROW(
    Readlink, readlink, "signal.asyncsafe.table.readlink",
    [](int side) {
      char b[64];
      return link_reads_file(readlink(at(side).name2, b, sizeof b), b) &&
             failed_with(static_cast<int>(readlink(at(side).file, b, sizeof b)), EINVAL);
    },
    make_links)
SIGIPC_ASYNCSAFE_ROW(
    Readlinkat, readlinkat, "signal.asyncsafe.table.readlinkat",
    [](int side) {
      char b[64];
      return link_reads_file(readlinkat(at(side).dir_fd, "name2", b, sizeof b), b);
    },
    make_links)
SIGIPC_ASYNCSAFE_ROW(Symlink, symlink, "signal.asyncsafe.table.symlink", [](int side) {
  char b[64];
  return symlink("file", at(side).name) == 0 &&
         link_reads_file(readlink(at(side).name, b, sizeof b), b) && unlink(at(side).name) == 0;
})
SIGIPC_ASYNCSAFE_ROW(Symlinkat, symlinkat, "signal.asyncsafe.table.symlinkat", [](int side) {
  char b[64];
  const int d = at(side).dir_fd;
  return symlinkat("file", d, "name") == 0 &&
         link_reads_file(readlinkat(d, "name", b, sizeof b), b) && unlinkat(d, "name", 0) == 0;
})

// The main flow switches the mask between 022 and 027; a handler that
// interrupts it sets another mask and restores the one it found, so the
// main flow's umask() calls always return the mask it set before.
mode_t g_umask_before;
SIGIPC_ASYNCSAFE_ROW(
    Umask, umask, "signal.asyncsafe.table.umask",
    [](int side) {
      if (side == asyncsafe_table::kMain) return umask(027) == 022 && umask(022) == 027;
      const mode_t found = umask(077);
      return umask(found) == 077 && (found == 022 || found == 027);
    },
    [] { g_umask_before = umask(022); }, [] { umask(g_umask_before); })

SIGIPC_ASYNCSAFE_ROW(Read, read, "signal.asyncsafe.table.read", [](int side) {
  char b[4];
  return pipe_round_trip(side, at(side).pipe_fd[0], at(side).pipe_fd[1]) &&
         failed_with(static_cast<int>(read(at(side).pipe_fd[0], b, 4)), EAGAIN);
})
// Four writes to one read, and 16 handlers inside: most land inside write(),
// so tests/shims/shim_asyncsafe_write_lock.c is caught every time.
SIGIPC_ASYNCSAFE_ROW(
    Write, write, "signal.asyncsafe.table.write",
    [](int side) {
      const int rd = at(side).pipe_fd[0], wr = at(side).pipe_fd[1];
      const char out[2] = {side ? 'h' : 'm', '!'};
      char in[16];
      bool ok = true;
      for (int i = 0; i < 4; ++i) ok = write(wr, out, 2) == 2 && ok;
      ok = read(rd, in, sizeof in) == 8 && ok;
      for (int i = 0; i < 8; i += 2) ok = ok && memcmp(in + i, out, 2) == 0;
      return ok && failed_with(static_cast<int>(write(-1, "x", 1)), EBADF);
    },
    nullptr, nullptr, nullptr, nullptr, false, 16)
SIGIPC_ASYNCSAFE_ROW(Pipe, pipe, "signal.asyncsafe.table.pipe", [](int side) {
  int p[2];
  if (pipe(p) != 0) return false;
  const bool ok = pipe_round_trip(side, p[0], p[1]);
  return close(p[0]) == 0 && close(p[1]) == 0 && ok;
})

}  // namespace
}  // namespace sigipc
