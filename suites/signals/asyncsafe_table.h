// The async-signal-safe functions of XSH 2.4.3 (Signal Actions), one row
// per function: "the following table defines a set of functions and
// function-like macros that shall be async-signal-safe. Therefore,
// applications can call them, without restriction, from signal-catching
// functions."
//
// Each row's op calls its function once and checks the result. The engine
// (asyncsafe_table.cc) runs it from a SIGUSR1 handler while signals sent by
// the signal injector (injectors/, a sibling process sending at random seeded
// points) interrupt
//  (a) the main flow calling the same op in a loop, and
//  (b) a main flow busy in malloc()/free(), snprintf()/fputs() to a stdio
//      stream and locale-dependent calls (strtod(), toupper()),
// and counts, through an "inside" flag set around each main-flow call, how
// many handlers landed inside a call. The handler saves and restores errno
// (the application's duty per 2.4.3), so an op may check errno after its
// call on either side. A FAIL: an op that went wrong in the handler or in the
// interrupted main flow. UNSUPPORTED: no handler landed inside a call within
// the bound (the figures are in the reason).
#pragma once

#include <limits.h>
#include <signal.h>
#include <sys/types.h>

#include "fixtures/registry.h"

namespace sigipc {
namespace asyncsafe_table {

// Which caller an op serves: each side has its own scratch objects, so the
// expected results do not depend on how the two interleave.
enum Side { kMain = 0, kHandler = 1, kSides = 2 };

// One call of the function and its check; async-signal-safe (it may run in a
// handler). True when the result is the specified one.
using Op = bool (*)(int side);
// Runs in the main flow, before the first and after the last signal.
using Hook = void (*)();
// After both phases: null when all is well, or what is wrong.
using Verify = const char* (*)();
// Null when the platform provides what the row needs, or why not.
using Probe = const char* (*)();

// Per-side objects every row may use, made before the row's own prepare().
struct Scratch {
  char dir[PATH_MAX];    // a folder of its own
  char file[PATH_MAX];   // a regular file in it holding kFileText
  char name[PATH_MAX];   // a path in it that does not exist
  char name2[PATH_MAX];  // another one
  int file_fd;           // file, O_RDWR
  int dir_fd;            // dir, O_RDONLY | O_DIRECTORY
  int pipe_fd[2];        // an empty pipe
  int sock[2];           // an AF_UNIX stream socket pair
};
constexpr char kFileText[] = "0123456789abcdef";
extern Scratch g_scratch[kSides];

// Signal deliveries to this process during a row (both engine handlers
// count), for ops that check a signal was delivered before they returned.
extern volatile sig_atomic_t g_deliveries;

struct Row {
  const char* function;
  Op op;
  Hook prepare = nullptr;
  Hook cleanup = nullptr;
  Verify verify = nullptr;
  Probe probe = nullptr;
  // Run the phases in a forked child with a time bound: for ops that may
  // deadlock when a handler re-enters them.
  bool isolate = false;
  // Handlers inside a call each phase waits for (0: the default, 4): more
  // where a shim under tests/ must be caught every time.
  int want_inside = 0;
};

// The body of a row's test: phases (a) and (b) with the row's op in the
// handler. GoogleTest assertions; UNSUPPORTED as described above.
void run_row(const Row& row);

// How a row whose op ends the process must end it.
struct Ending {
  int exit_status;  // >= 0: exited with it
  int signal;       // > 0: killed by it
};
// For _exit(), abort(), the exec family: phase (b) only, in a forked child
// whose handler reports whether it landed inside a busy call and then calls
// the op; repeated until one landed inside (a bounded number of times).
void run_ending_row(const Row& row, Ending ending);

}  // namespace asyncsafe_table
}  // namespace sigipc

// One row: its test, rule id (a whole literal, see tests/check_rule_ids.py)
// and the clause. fn is the function's name as written in the table.
#define SIGIPC_ASYNCSAFE_STATEMENT(fn)                      \
#fn "() called by a signal handler that interrupted " #fn \
      "() or malloc(), stdio "                              \
      "and locale calls gives its specified result, and the interrupted calls theirs"
#define SIGIPC_ASYNCSAFE_ENDING_ROW(Name, fn, id, ending, ...)                                  \
  SIGIPC_TEST(SignalAsyncSafeTable, Name, id, "XSH 2.4.3 Signal Actions; XSH " #fn "()",        \
              #fn                                                                               \
              "() called by a signal handler that interrupted malloc(), stdio and locale "      \
              "calls ends the process as specified") {                                          \
    ::sigipc::asyncsafe_table::run_ending_row(::sigipc::asyncsafe_table::Row{#fn, __VA_ARGS__}, \
                                              ending);                                          \
  }
#define SIGIPC_ASYNCSAFE_ROW(Name, fn, id, ...)                                           \
  SIGIPC_TEST(SignalAsyncSafeTable, Name, id, "XSH 2.4.3 Signal Actions; XSH " #fn "()",  \
              SIGIPC_ASYNCSAFE_STATEMENT(fn)) {                                           \
    ::sigipc::asyncsafe_table::run_row(::sigipc::asyncsafe_table::Row{#fn, __VA_ARGS__}); \
  }
