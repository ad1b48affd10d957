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
// found by name prefix, process group and the ids the test recorded as it
// created them (fixtures/ipc_registry.h).
//
// Where the runner lacks CAP_SYS_ADMIN but the kernel lets an ordinary user
// create a user namespace, "namespaces" isolation first puts the test in a
// user namespace of its own, in which the caller's uid and gid are root, and
// makes the same PID, IPC and mount namespaces there. Only the caller's ids
// are mapped, unless the caller has subordinate ids (/etc/subuid,
// /etc/subgid) and newuidmap/newgidmap are installed: then uids and gids
// 1..count inside map to them and tests can drop to a second uid.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace sigipc {

enum class Isolation { kNamespaces, kProcessGroup };
const char* isolation_name(Isolation i);

// How a test enters a user namespace of its own before the others; disabled
// where the runner can make the namespaces directly (root).
struct UserNamespaceMap {
  bool enabled = false;
  uid_t uid = 0;  // the caller's ids, root inside
  gid_t gid = 0;
  // Subordinate ids mapped to 1..count inside (count 0: none), through these
  // setuid helpers.
  unsigned long subuid = 0, subuid_count = 0, subgid = 0, subgid_count = 0;
  std::string newuidmap, newgidmap;
};

// The map every namespace-isolated test of this process uses (set by
// namespaces_available, or from the environment in the fork server).
const UserNamespaceMap& user_namespace();

struct SpawnSpec {
  std::vector<std::string> argv;  // wrapper words, then the program and its arguments
  std::size_t wrapper_words = 0;  // how many of argv's first words are the wrapper
  std::vector<std::string> env;   // "K=V", complete environment
  std::string output_path;        // stdout and stderr of the test
  std::string mq_dir;             // mount point for the private mqueue fs (namespaces)
  Isolation isolation = Isolation::kProcessGroup;
};

struct Spawned {
  pid_t pid = -1;      // the runner's direct child; also the process group id
  int result_fd = -1;  // read end of the result channel (non-blocking, cloexec)
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

// Whether this machine lets the runner create PID, IPC and mount namespaces,
// directly or inside a user namespace; says why not in *why. Chooses the
// user namespace map (the widest that works) and exports it in the
// environment (SIGIPC_USERNS) for a fork server started afterwards.
bool namespaces_available(std::string* why);

// One line for the environment block: what a test gets under isolation i
// (for namespaces, after namespaces_available chose how) and what it loses.
std::string isolation_detail(Isolation i);

// Reads the map namespaces_available exported (the fork server's start).
void load_user_namespace_from_env();

}  // namespace sigipc
