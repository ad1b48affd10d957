// The fork server: one copy of the test program, started once behind the
// run's wrapper, that forks every test process instead of the runner
// executing the program afresh per test.
//
// Why: under an emulator (qemu-user, valgrind, a TCG-booted kernel) most of a
// test's cost is the program's start-up (loading, dynamic linking, the static
// registration of every test, translating all of that) rather than the test:
// qemu-x86_64 spends ~200 ms starting the suite's binary and ~50 ms on a
// typical test. A forked copy inherits the started, already translated image.
// The wrapper still sits in front of every test process (they descend from
// the wrapped server), and each test process is set up exactly as the
// runner's own children are (become_test): own process group, default signal
// state, private namespaces under a reaper (inside a user namespace with the
// runner's map when the runner is not root).
//
// Only with namespace isolation: in process-group isolation the runner finds
// a test's escaped processes by the token in /proc/PID/environ, which a
// forked process does not carry (its environment is set in memory).
//
// Protocol on a SOCK_SEQPACKET socket pair, one message each:
//   runner -> server  request: NUL-separated fields (isolation, output path,
//                     mqueue folder, argc, argv..., envc, env...) with the
//                     result channel's write end attached (SCM_RIGHTS)
//   server -> runner  "S <pid>"           started: pid leads the test's group
//                     "E <errno> <what>"  could not start it
//                     "X <pid> <status>"  a test process ended (wait status)
// The server exits when the runner closes its end.
#pragma once

#include <sys/types.h>

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "runner/spawn.h"

namespace sigipc {

// Entry point of the server process ("__fork-server"): serves the socket on
// ctrl_fd until the runner closes it.
int fork_server_main(int ctrl_fd);

class ForkServer {
 public:
  // Starts argv (wrapper words, the program, "__fork-server") with env; its
  // own stderr goes to log_path. Throws std::runtime_error when it cannot.
  ForkServer(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::string& log_path);
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

  // Starts one test; throws std::runtime_error when the server cannot (it
  // died, the request does not fit), after which alive() is false.
  Spawned spawn(const SpawnSpec& spec);

  int fd() const { return ctrl_; }
  pid_t pid() const { return pid_; }
  bool alive() const { return ctrl_ >= 0; }

  // Reads what the server sent without blocking; appends the test processes
  // that ended (pid, wait status). False once the server is gone.
  bool collect(std::vector<std::pair<pid_t, int>>* ended);

  // Why the server stopped serving, with the tail of its log.
  std::string failure() const { return failure_; }

 private:
  bool read_message(bool block, std::string* msg);
  Spawned await_start(int result_fd);
  // An "X <pid> <status>" notice goes to pending_: true; any other message: false.
  bool take_exit_notice(const std::string& msg);
  void fail(const std::string& why);

  int ctrl_ = -1;
  pid_t pid_ = -1;
  std::string log_path_;
  std::string failure_;
  std::vector<std::pair<pid_t, int>> pending_;
};

}  // namespace sigipc
