// The injection.kernel family: each IPC or signal call that allocates runs
// with its Nth kernel fault point failed (injectors/kernel_fault.h, fail-nth
// with failslab), for N = 1, 2, ... until it runs through every fault point
// it reaches and succeeds. Each N runs in a fresh forked child, so a leak
// kmemleak finds later names the child, whose name carries the call's tag
// and N ("kfmsgsnd@3"; ci/kernel/kmemleak-attribute).
//
// Every failure must be an errno the call's man page documents for running
// out of a resource (the page's other errnos name conditions the setup
// rules out: a bad id, missing permission, bad flags), and must leave the
// object exactly as it was: no new object, descriptor, mapping, timer,
// message, semaphore adjustment, pending signal or notification. A fault
// that fired while the call still succeeded (the kernel fell back) is fine
// when the object then shows the success.
//
// Between arming and the call the child touches no memory it has not
// touched before (the stack and the call's buffers are faulted in first):
// a page fault there could reach a fault point of its own.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/registry.h"
#include "fixtures/result_channel.h"
#include "injectors/kernel_fault.h"

namespace sigipc {
namespace kernel_faults {

// More fault points than this in one call is a runaway loop, not a call.
constexpr unsigned kMaxPoints = 200;
// Per-test limit: under TCG each N (fork, call, exit) takes milliseconds.
constexpr double kTimeoutS = 120.0;

struct Call {
  Call(const char* call_name, std::vector<int> errnos)
      : name(call_name), resource_errnos(std::move(errnos)) {}
  const char* name;                  // "msgsnd": the call, as in notes and reports
  const char* tag = nullptr;         // children's name tag (<= 8 chars); default from name
  std::vector<int> resource_errnos;  // what a failure may return
  // In the child before arming: touch the call's buffers, take snapshots.
  std::function<void()> prepare = [] {};
  // The call; -1 with errno when it fails.
  std::function<long()> invoke;
  // In the child after the call, fault disarmed: appends what changed
  // although the call failed (or is missing although it succeeded) to
  // change; undoes a success the child can undo. No allocation here.
  std::function<void(bool failed, long ret, SafeBuf& change)> check_child = [](bool, long,
                                                                               SafeBuf&) {};
  // In the test process after the child ended: what changed (empty when
  // nothing did); puts the object back for the next N.
  std::function<std::string(bool failed)> check_parent = [](bool) { return std::string(); };
};

// Runs the loop; each kind of problem is one gtest failure naming the call,
// the Ns and what was wrong or changed.
void ExpectFaultsLeaveNoTrace(const Call& call);

// The lowest free descriptor (where a new one would land). Async-signal-safe.
int lowest_free_fd() noexcept;
// Appends "a new descriptor was left (lowest free fd was X, is Y)" when the
// table grew. Async-signal-safe.
void check_no_new_fd(int before, SafeBuf& change) noexcept;

}  // namespace kernel_faults
}  // namespace sigipc

// A test of the family: skipped (UNSUPPORTED) without fail-nth.
#define KERNEL_FAULT_TEST(Name, id, clause, statement, make_call)                                \
  SIGIPC_TEST_T(KernelFaults, Name, ::sigipc::kernel_faults::kTimeoutS, id, clause, statement) { \
    std::string why;                                                                             \
    if (!::sigipc::kfault::available(&why)) SIGIPC_UNSUPPORTED(why);                             \
    ::sigipc::kernel_faults::ExpectFaultsLeaveNoTrace(make_call());                              \
  }
