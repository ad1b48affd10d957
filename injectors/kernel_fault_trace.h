// Kernel fault injection into another program's call (`sigipc inject
// --fail-kernel`): the program runs under ptrace; at the entry of the first
// call of the named syscall (in any of its threads or children) the tracer
// writes N to that thread's fail-nth, and at the call's exit reads back
// whether the fault fired, disarms the rest and records what the call
// returned. fail-nth counts only the thread it belongs to, so the fault
// lands inside that one call or nowhere.
//
// Spec text: NAME@N (fail the Nth fault point of the first NAME call) or
// NAME@all (N = 1, 2, ... in fresh runs until a run reaches the call's end
// with no fault fired). NAME is a syscall or a libc function name, resolved
// as the seccomp rules are (syscall_fail.h).
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "injectors/kernel_fault.h"

namespace sigipc::kfault {

struct Spec {
  std::string text;
  std::string name;
  std::vector<int> syscalls;
  unsigned n = 0;  // 0 with all
  bool all = false;
};

// Throws Error with one line naming the text and what is wrong.
Spec parse_spec(const std::string& text);

// What one traced run saw.
struct TracedRun {
  bool reached = false;  // the program made the call
  int fired = 0;         // FailNth::fired() of the call's thread
  long ret = 0;          // the call's return (negative errno on failure)
  pid_t tid = 0;
  int wait_status = 0;  // of the program
  std::vector<std::string> sites;
};

// Runs program (execvp) under the tracer with the first call of spec's
// syscall failed at fault point n. started(pid) runs once the program is
// forked (to forward signals to it). Throws Error when the program cannot
// be traced or fail-nth cannot be written. proc stands in for /proc (the
// fail-nth files are PROC/TID/task/TID/fail-nth).
TracedRun run_traced(const Spec& spec, unsigned n, const std::vector<std::string>& program,
                     const std::function<void(pid_t)>& started, const std::string& proc = "/proc");

// "msgsnd@3: fault fired, msgsnd returned -1 ENOMEM (site load_msg<do_msgsnd)"
std::string describe(const Spec& spec, unsigned n, const TracedRun& r);

}  // namespace sigipc::kfault
