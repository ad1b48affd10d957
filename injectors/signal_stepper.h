// The schedule generator behind schedule() and the sender: one step per call,
// no allocation, so a forked sender can run it. Portable by construction:
// std::mt19937_64's output is fixed by the C++ standard, and the draws use
// integer arithmetic only (std:: distributions differ between libstdc++ and
// libc++, and libm's log() is not correctly rounded everywhere).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

#include "injectors/signal_injector.h"

namespace sigipc::inject::detail {

// High 64 bits of a*b: a draw r scaled to [0, n). Written with 32-bit halves
// because 32-bit targets (armhf) have no 128-bit integer.
inline std::uint64_t mul_high(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo;
  const std::uint64_t lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
  const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
  return hi_hi + (hi_lo >> 32) + (cross >> 32);
}

// Mean gap in ns, rounded to nearest (an IEEE division, the same everywhere).
inline std::uint64_t mean_gap_ns(double rate_hz) {
  return static_cast<std::uint64_t>(1e9 / rate_hz + 0.5);
}

class Stepper {
 public:
  // plan must have passed validate(); the signal list must outlive the stepper.
  explicit Stepper(const SignalPlan& plan)
      : engine_(plan.seed),
        mean_ns_(mean_gap_ns(plan.rate_hz)),
        signals_(plan.signals.data()),
        count_(plan.signals.size()) {}

  struct Step {
    std::uint64_t delay_ns;
    int signal;
  };

  // Two draws a step, always in this order: the gap, then the signal.
  Step next() {
    const std::uint64_t gap = mean_ns_ / 2 + mul_high(engine_(), mean_ns_ + 1);
    const std::uint64_t pick = mul_high(engine_(), count_);
    return {gap, signals_[pick]};
  }

 private:
  std::mt19937_64 engine_;
  std::uint64_t mean_ns_;
  const int* signals_;
  std::uint64_t count_;
};

}  // namespace sigipc::inject::detail
