#include "injectors/notify_decider.h"

#include <cmath>
#include <cstring>

namespace sigipc::inject::detail {

bool args_match(const FailRule& rule, const std::uint64_t args[6]) {
  for (const auto& f : rule.args) {
    const std::uint64_t a = args[f.index];
    bool ok = false;
    switch (f.op) {
      case ArgFilter::Op::kEq:
        ok = a == f.value;
        break;
      case ArgFilter::Op::kNe:
        ok = a != f.value;
        break;
      case ArgFilter::Op::kLt:
        ok = a < f.value;
        break;
      case ArgFilter::Op::kLe:
        ok = a <= f.value;
        break;
      case ArgFilter::Op::kGt:
        ok = a > f.value;
        break;
      case ArgFilter::Op::kGe:
        ok = a >= f.value;
        break;
      case ArgFilter::Op::kMaskedEq:
        ok = (a & f.mask) == f.value;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

std::mt19937_64 rule_rng(std::uint64_t seed, std::size_t rule_index) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(rule_index)};
  return std::mt19937_64(seq);
}

std::uint64_t probability_threshold(double p) {
  if (!(p < 1.0)) return UINT64_MAX;
  return static_cast<std::uint64_t>(std::ldexp(p, 64));
}

NotifyDecider::NotifyDecider(std::vector<FailRule> rules, std::uint64_t seed)
    : rules_(std::move(rules)), seed_(seed) {}

bool NotifyDecider::fires(std::size_t i, pid_t tid, std::uint64_t n) {
  const FailRule& r = rules_[i];
  switch (r.when) {
    case When::kAlways:
      return true;
    case When::kNth:
      return n == r.n;
    case When::kFromNth:
      return n >= r.n;
    case When::kEveryNth:
      return n % r.n == 0;
    case When::kProbability: {
      auto key = std::make_pair(i, tid);
      auto it = rngs_.find(key);
      if (it == rngs_.end()) it = rngs_.emplace(key, rule_rng(seed_, i)).first;
      const std::uint64_t draw = it->second();
      return r.probability >= 1.0 || draw < probability_threshold(r.probability);
    }
  }
  return false;
}

Decision NotifyDecider::decide(const Call& c) {
  auto p = pending_.find(c.tid);
  if (p != pending_.end()) {
    Pending prev = p->second;
    pending_.erase(p);
    if (prev.call.nr == c.nr && std::memcmp(prev.call.args, c.args, sizeof c.args) == 0)
      return prev.decision;
  }
  Decision d;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FailRule& r = rules_[i];
    bool on_syscall = false;
    for (int nr : r.syscalls) on_syscall = on_syscall || nr == c.nr;
    if (!on_syscall || !args_match(r, c.args)) continue;
    const std::uint64_t n = ++counts_[std::make_pair(i, c.tid)];
    // Every matching rule draws, even after an earlier one failed the call,
    // so each rule's sequence depends only on its own calls.
    if (fires(i, c.tid, n) && d.rule < 0) {
      d.rule = static_cast<int>(i);
      d.call = n;
      d.error = r.error;
    }
  }
  return d;
}

void NotifyDecider::cancelled(const Call& c, const Decision& d) { pending_[c.tid] = Pending{c, d}; }

}  // namespace sigipc::inject::detail
