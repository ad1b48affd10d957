// sigipc inject --fail-kernel (runner/inject_kernel.h).
#include "runner/inject_kernel.h"

#include <sys/wait.h>

#include <memory>

#include "injectors/kernel_fault_trace.h"
#include "runner/commands.h"

namespace sigipc {

namespace {

// @all gives up here: a call with more fault points is a runaway loop.
constexpr unsigned kMaxPoints = 200;

kfault::Spec parse(const std::string& text) {
  try {
    return kfault::parse_spec(text);
  } catch (const kfault::Error& e) {
    throw UsageError(std::string("--fail-kernel: ") + e.what());
  }
}

void say(const std::string& line, bool quiet, FILE* log) {
  if (log) std::fprintf(log, "%s\n", line.c_str());
  if (!log && !quiet) std::fprintf(stderr, "%s\n", line.c_str());
}

int exit_status(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 1;
}

}  // namespace

void check_kernel_fault_spec(const std::string& spec) { parse(spec); }

int run_kernel_fault(const std::string& text, const std::vector<std::string>& program, bool quiet,
                     FILE* log, const std::function<void(pid_t)>& started) {
  const kfault::Spec spec = parse(text);
  std::string why;
  if (!kfault::available(&why)) {
    std::fprintf(stderr, "sigipc inject: --fail-kernel unsupported here: %s\n", why.c_str());
    return kKernelFaultUnsupportedExit;
  }
  std::unique_ptr<kfault::FaultKnobs> knobs;
  try {
    knobs = std::make_unique<kfault::FaultKnobs>();
    knobs->configure_for_fail_nth(2);
  } catch (const kfault::Error& e) {
    std::fprintf(stderr, "sigipc inject: --fail-kernel unsupported here: %s\n", e.what());
    return kKernelFaultUnsupportedExit;
  }
  const unsigned first = spec.all ? 1 : spec.n;
  const unsigned last = spec.all ? kMaxPoints : spec.n;
  for (unsigned n = first; n <= last; ++n) {
    const kfault::TracedRun r = kfault::run_traced(spec, n, program, started);
    say("sigipc inject: kernel fault " + kfault::describe(spec, n, r), quiet, log);
    if (!spec.all || !r.reached || r.fired == 0) return exit_status(r.wait_status);
  }
  say("sigipc inject: kernel fault " + spec.name +
          " still reached a fault point at N=" + std::to_string(kMaxPoints),
      quiet, log);
  return 1;
}

}  // namespace sigipc
