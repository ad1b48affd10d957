// How the scheduler starts a test process: executed afresh (exec), or forked
// from the fork server (runner/fork_server.h), which hands over to exec for
// the rest of the run once the server stops serving.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "runner/spawn.h"

namespace sigipc {

struct Launched {
  Spawned sp;
  bool via_server = false;  // sp.pid is the fork server's child, not the runner's
  // Where the launcher's shared log ended when the test started, or -1. A
  // wrapper such as valgrind keeps writing its own messages to the stderr it
  // was started with, so a test forked from the server leaves them there.
  long long shared_log_from = -1;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Starts one test; throws std::runtime_error when it cannot be started.
  virtual Launched start(const SpawnSpec& spec) = 0;
  // A descriptor to poll for the launcher's own messages, or -1.
  virtual int fd() const { return -1; }
  // Reads those messages without blocking; appends the pids of tests it
  // started (via_server) whose processes ended.
  virtual void collect(std::vector<pid_t>* ended) { (void)ended; }
  // Whether the end of a test it started can now go unannounced (the server
  // died): a test whose result channel closed has then ended.
  virtual bool notices_lost() const { return false; }
  // Why it stopped starting tests its own way; "" while it still does.
  virtual std::string failure() const { return ""; }
  // The file every test it starts shares for output written outside the
  // test's own log, or "".
  virtual std::string shared_log() const { return ""; }
};

// Every test process is spawn_test()'s child.
std::unique_ptr<Launcher> exec_launcher();

// Starts server_argv (wrapper words, the program, "__fork-server") with env,
// its stderr in log_path; throws std::runtime_error when it cannot.
std::unique_ptr<Launcher> fork_server_launcher(const std::vector<std::string>& server_argv,
                                               const std::vector<std::string>& env,
                                               const std::string& log_path);

}  // namespace sigipc
