// The run's private work folder (per-test temporary folders, the fork
// server's log) under $TMPDIR or /tmp, removed whatever way the run ends.
// The runner holds an flock on it while it lives; a run that finds a
// sigipc-run-* folder of its user whose lock nobody holds removes it: the
// runner that made it was killed with SIGKILL or lost its machine.
#pragma once

#include <string>

namespace sigipc {

class WorkDir {
 public:
  WorkDir();   // throws std::runtime_error when no folder can be made
  ~WorkDir();  // removes the folder and everything in it
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int lock_fd_ = -1;
};

// Removes the sigipc-run-* folders of dead runners under base; returns how
// many.
int sweep_abandoned_work_dirs(const std::string& base);

}  // namespace sigipc
