// Syscall-failure rules (injectors/syscall_rule.cc parse_fail_rule, the
// `sigipc inject --fail` syntax): any text is a rule or one RuleError line.
// A parsed rule is usable as is: resolved syscalls, an errno, a sane WHEN,
// argument indexes 0..5, and its text parses again to the same rule.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "injectors/syscall_fail.h"

using sigipc::inject::FailRule;
using sigipc::inject::When;

namespace {
bool same(const FailRule& a, const FailRule& b) {
  if (a.name != b.name || a.syscalls != b.syscalls || a.error != b.error || a.when != b.when ||
      a.n != b.n || a.probability != b.probability || a.args.size() != b.args.size())
    return false;
  for (std::size_t i = 0; i < a.args.size(); ++i)
    if (a.args[i].index != b.args[i].index || a.args[i].op != b.args[i].op ||
        a.args[i].value != b.args[i].value || a.args[i].mask != b.args[i].mask)
      return false;
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  FailRule r;
  try {
    r = sigipc::inject::parse_fail_rule(text);
  } catch (const sigipc::inject::RuleError& e) {
    const std::string m = e.what();
    FUZZ_CHECK(!m.empty() && m.find('\n') == std::string::npos, m);
    return 0;
  }
  FUZZ_CHECK(!r.syscalls.empty(), text);
  for (int nr : r.syscalls) FUZZ_CHECK(nr >= 0, text);
  FUZZ_CHECK(r.error > 0 && r.error < 4096, text);
  switch (r.when) {
    case When::kAlways:
      break;
    case When::kNth:
    case When::kFromNth:
    case When::kEveryNth:
      FUZZ_CHECK(r.n >= 1, text);
      break;
    case When::kProbability:
      FUZZ_CHECK(r.probability > 0 && r.probability <= 1, text);
      break;
  }
  for (const auto& a : r.args) FUZZ_CHECK(a.index <= 5, text);
  FUZZ_CHECK(r.text == text, r.text);
  FailRule again;
  try {
    again = sigipc::inject::parse_fail_rule(r.text);
  } catch (const sigipc::inject::RuleError& e) {
    FUZZ_CHECK(false, std::string("a parsed rule's text does not parse again: ") + e.what());
  }
  FUZZ_CHECK(same(r, again), text);
  return 0;
}
