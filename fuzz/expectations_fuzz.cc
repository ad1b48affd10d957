// Expectation files (reports/expectations.cc): any text either loads or is
// refused with "<fuzz>:LINE: reason"; what loads can be matched against
// environments, well-formed or not, and against any message without throwing.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.h"
#include "reports/expectations.h"

using sigipc::Expectation;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<Expectation> exps;
  try {
    exps = sigipc::load_expectations_text(text, "<fuzz>");
  } catch (const std::runtime_error& e) {
    FUZZ_CHECK(sigipc_fuzz::names_input(e.what(), "<fuzz>"), e.what());
    return 0;
  }
  // Environments as a run records them, and as a hand-edited or foreign
  // results file might: the matcher must not throw on any of them.
  const nlohmann::json envs[] = {
      {{"kernel_release", "6.18.44-fc"},
       {"libc", "glibc"},
       {"libc_version", "2.36"},
       {"arch", "x86_64"},
       {"emulator", "none"}},
      {{"kernel_release", ""}, {"libc", "musl"}, {"libc_version", "unknown"}},
      {{"kernel_release", 6}, {"libc", nullptr}, {"arch", {1, 2}}},
      nlohmann::json::object(),
  };
  sigipc::RunRecord run;
  run.environment = envs[0];
  for (const auto& e : exps) {
    FUZZ_CHECK(e.line >= 1, e.where());
    FUZZ_CHECK(e.test_glob.empty() != e.rule_glob.empty(), e.where());
    FUZZ_CHECK(!e.reason.empty(), e.where());
    FUZZ_CHECK(!e.id.empty(), e.where());
    FUZZ_CHECK(e.status == sigipc::Status::kSkip || !e.fails.empty(), e.where());
    for (const auto& env : envs) (void)sigipc::applies_to(e, env);
    // Conditions accepted by the loader are well-formed for any version text.
    for (const auto& [key, cond] : e.platforms)
      if (key == "kernel" || key == "libc_version") {
        (void)sigipc::version_matches(text.substr(0, 40), cond);
        (void)sigipc::version_matches("99999999999999999999999.1", cond);
      }
    sigipc::Result r;
    r.id = e.test_glob.empty() ? "Fuzz.Case" : e.test_glob;
    r.requirement = e.rule_glob.empty() ? "fuzz.case" : e.rule_glob;
    r.status = e.status;
    // The input itself as the message: the splitter and the patterns meet
    // arbitrary text, "; " and "file:line: " pieces included.
    r.message = text.substr(0, 200);
    (void)sigipc::unexplained_failure(e, r.message);
    run.results.push_back(r);
  }
  std::vector<std::string> ids, rules;
  for (const auto& r : run.results) ids.push_back(r.id), rules.push_back(r.requirement);
  auto rep = sigipc::apply_expectations(run, exps, ids, rules);
  FUZZ_CHECK(rep.applied <= static_cast<int>(run.results.size()), "applied count");
  return 0;
}
