// The supervisor's decision for one notified call, kept apart from seccomp so
// it can be tested without a filter: which rules the call matches, its number
// for each rule and thread, whether a rule fails it, and the restart rule of
// docs/DESIGN.md section 5 (an interrupted call restarted under SA_RESTART is
// notified again and must not be counted twice).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "injectors/syscall_fail.h"

namespace sigipc::inject::detail {

struct Call {
  pid_t tid = 0;
  int nr = -1;
  std::uint64_t args[6] = {};
};

struct Decision {
  int rule = -1;           // index of the rule that fails the call; -1: let it through
  std::uint64_t call = 0;  // the call's number for that rule and thread
  int error = 0;
};

bool args_match(const FailRule& rule, const std::uint64_t args[6]);

class NotifyDecider {
 public:
  NotifyDecider(std::vector<FailRule> rules, std::uint64_t seed);

  // Counts the call against every rule it matches and returns the first
  // (in rule order) that fails it. A call that repeats the one whose answer
  // was cancelled (same thread, syscall and arguments) is not counted again:
  // it gets the cancelled call's decision.
  Decision decide(const Call& c);
  // The answer to c could not be delivered (ENOENT: the call was interrupted
  // by a signal); under SA_RESTART the same call is notified again.
  void cancelled(const Call& c, const Decision& d);

  const std::vector<FailRule>& rules() const { return rules_; }

 private:
  struct Pending {
    Call call;
    Decision decision;
  };
  bool fires(std::size_t rule, pid_t tid, std::uint64_t n);

  std::vector<FailRule> rules_;
  std::uint64_t seed_;
  std::map<std::pair<std::size_t, pid_t>, std::uint64_t> counts_;
  std::map<std::pair<std::size_t, pid_t>, std::mt19937_64> rngs_;
  std::map<pid_t, Pending> pending_;
};

// The generator of a probability rule: every thread draws the same sequence,
// fixed by the seed and the rule's index, so the Nth call of a thread fails
// in a replay whatever the threads' interleaving. std::seed_seq and
// std::mt19937_64 are specified exactly by the C++ standard.
std::mt19937_64 rule_rng(std::uint64_t seed, std::size_t rule_index);
// P scaled to 2^64 (a draw below it fails the call); integer arithmetic, so
// the outcome is the same on every libc and arch.
std::uint64_t probability_threshold(double p);

}  // namespace sigipc::inject::detail
