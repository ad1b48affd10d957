// Starting one test process. The runner re-executes its own binary (behind an
// optional wrapper such as qemu-x86_64 or valgrind, which must sit in front of
// every test process or the emulated cell silently tests the host) with clean
// signal state, its own process group, a result pipe and a private folder.
//
// Isolation "namespaces": the test runs as pid 2 of a fresh PID namespace
// whose pid 1 is a small reaper, inside fresh IPC and mount namespaces with a
// private /proc, /dev/shm and mqueue mount. When the reaper dies every process,
// System V object, message queue and POSIX shm/semaphore of the test goes with
// it, so nothing outlives a test even when it crashes or times out. The reaper
// reports the test's wait status and any processes the test left running.
// Isolation "process-group": where namespaces are refused (no CAP_SYS_ADMIN,
// some sandboxes), the test runs in its own process group; leftovers are
// found by name prefix and process group.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace sigipc {

enum class Isolation { kNamespaces, kProcessGroup };
const char* isolation_name(Isolation i);

struct SpawnSpec {
  std::vector<std::string> argv;   // wrapper words, then the program and its arguments
  std::size_t wrapper_words = 0;   // how many of argv's first words are the wrapper
  std::vector<std::string> env;    // "K=V", complete environment
  std::string output_path;         // stdout and stderr of the test
  std::string mq_dir;              // mount point for the private mqueue fs (namespaces)
  Isolation isolation = Isolation::kProcessGroup;
};

struct Spawned {
  pid_t pid = -1;       // the runner's direct child; also the process group id
  int result_fd = -1;   // read end of the result channel (non-blocking, cloexec)
};

// Forks and starts the test; throws std::runtime_error when the runner cannot
// (no pipe, no fork). Exec failures are reported through the result channel.
Spawned spawn_test(const SpawnSpec& spec);

// How the test program starts once its process is set up: exec argv/envp,
// or (fork server) call run(ctx) in the already started program and exit
// with what it returns.
struct TestStart {
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int (*run)(void* ctx) = nullptr;
  void* ctx = nullptr;
};

// The child side of starting a test, shared by the runner and the fork
// server: own process group, default signal state, output file on 1 and 2,
// then (namespaces) a fresh PID/IPC/mount namespace under the reaper.
// rfd is the write end of the result channel. Never returns.
[[noreturn]] void become_test(Isolation isolation, const char* output_path, const char* mq_dir,
                              int rfd, const TestStart& start);

// Default dispositions for every signal and an empty mask, as exec gives a
// fresh program: what a runner started with signals ignored or blocked (nohup,
// some CI shells) must not pass on. Async-signal-safe.
void reset_signal_state();

// Pointers to v's strings followed by nullptr: the argv/envp form exec takes.
// v must outlive the result unchanged. Build it before fork: it allocates.
std::vector<char*> exec_array(const std::vector<std::string>& v);

// Whether this machine lets the runner create PID, IPC and mount namespaces.
bool namespaces_available(std::string* why);

}  // namespace sigipc
