#include "runner/work_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "fixtures/proc_util.h"

namespace sigipc {

namespace {

constexpr const char kPrefix[] = "sigipc-run-";
// Made once the lock is held: folders without it belong to runners that
// take no lock (older versions), which are never swept.
constexpr const char kMarker[] = ".flock-held";

std::string tmp_base() {
  const char* tmp = getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

}  // namespace

int sweep_abandoned_work_dirs(const std::string& base) {
  DIR* d = opendir(base.c_str());
  if (!d) return 0;
  int removed = 0;
  while (dirent* e = readdir(d)) {
    if (std::strncmp(e->d_name, kPrefix, sizeof kPrefix - 1) != 0) continue;
    std::string path = base + "/" + e->d_name;
    int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st {};
    // Only our own folders, and only when no live runner holds the lock;
    // the lock is kept while removing so the owner check below holds.
    if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && faccessat(fd, kMarker, F_OK, 0) == 0 &&
        flock(fd, LOCK_EX | LOCK_NB) == 0) {
      remove_tree(path);
      ++removed;
    }
    close(fd);
  }
  closedir(d);
  return removed;
}

WorkDir::WorkDir() {
  const std::string base = tmp_base();
  sweep_abandoned_work_dirs(base);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string tmpl = base + "/" + kPrefix + "XXXXXX";
    if (!mkdtemp(tmpl.data()))
      throw std::runtime_error("cannot create a work folder under " + base + ": " +
                               std::strerror(errno));
    int fd = open(tmpl.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;  // another run's sweep took it before we locked it
    flock(fd, LOCK_EX);
    struct stat st {};
    if (fstat(fd, &st) != 0 || st.st_nlink == 0) {
      close(fd);
      continue;
    }
    path_ = tmpl;
    lock_fd_ = fd;
    int m = openat(fd, kMarker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (m >= 0) close(m);
    chmod(path_.c_str(), 0711);  // unprivileged test children traverse it
    return;
  }
  throw std::runtime_error("cannot create a work folder under " + base);
}

WorkDir::~WorkDir() {
  struct stat st {};
  if (!path_.empty()) remove_tree(path_);
  if (!path_.empty() && lstat(path_.c_str(), &st) == 0)
    std::fprintf(stderr, "sigipc: could not remove the work folder %s\n", path_.c_str());
  if (lock_fd_ >= 0) close(lock_fd_);
}

}  // namespace sigipc
