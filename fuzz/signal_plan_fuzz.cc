// Signal plans (injectors/signal_plan.cc: parse_signal, parse_via, validate,
// schedule), the `sigipc inject --signal` side. Input: lines "SIGNALS"
// (comma-separated), "VIA", "RATE", "SEED". Every name either parses to a
// catchable signal number or throws one PlanError line; a plan validate()
// accepts has a schedule that only sends its signals, within the rate bounds,
// the same twice.
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "fuzz/fuzz_check.h"
#include "injectors/signal_injector.h"

using sigipc::inject::PlanError;
using sigipc::inject::SignalPlan;

namespace {
bool one_line(const PlanError& e) {
  std::string m = e.what();
  return !m.empty() && m.find('\n') == std::string::npos;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string signals, via, rate, seed;
  std::getline(in, signals);
  std::getline(in, via);
  std::getline(in, rate);
  std::getline(in, seed);

  SignalPlan plan;
  std::istringstream list(signals);
  std::string name;
  while (std::getline(list, name, ',')) {
    try {
      int sig = sigipc::inject::parse_signal(name);
      FUZZ_CHECK(sig >= 1 && sig <= SIGRTMAX, name + " -> " + std::to_string(sig));
      plan.signals.push_back(sig);
    } catch (const PlanError& e) {
      FUZZ_CHECK(one_line(e), e.what());
    }
  }
  try {
    plan.via = sigipc::inject::parse_via(via);
  } catch (const PlanError& e) {
    FUZZ_CHECK(one_line(e), e.what());
  }
  plan.rate_hz = std::strtod(rate.c_str(), nullptr);
  plan.seed = std::strtoull(seed.c_str(), nullptr, 0);
  try {
    sigipc::inject::validate(plan);
  } catch (const PlanError& e) {
    FUZZ_CHECK(one_line(e), e.what());
    return 0;
  }
  FUZZ_CHECK(plan.rate_hz > 0 && plan.rate_hz <= sigipc::inject::kMaxRateHz, rate);
  for (int s : plan.signals) FUZZ_CHECK(s != SIGKILL && s != SIGSTOP, signals);
  auto steps = sigipc::inject::schedule(plan, 64);
  FUZZ_CHECK(steps.size() == 64, "schedule length");
  const double mean_ns = 1e9 / plan.rate_hz;
  for (const auto& [delay, sig] : steps) {
    bool listed = false;
    for (int s : plan.signals) listed = listed || s == sig;
    FUZZ_CHECK(listed, std::to_string(sig));
    // Gaps are uniform in [mean/2, 3*mean/2] (rounded to whole ns).
    FUZZ_CHECK(delay + 1 >= mean_ns / 2 && delay <= 1.5 * mean_ns + 1, std::to_string(delay));
  }
  FUZZ_CHECK(sigipc::inject::schedule(plan, 64) == steps, "the same plan gave another schedule");
  return 0;
}
