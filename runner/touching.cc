#include "runner/touching.h"

#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "runner/commands.h"

namespace sigipc {

namespace {

constexpr const char* kSchema = "sigipc-kernel-attribution/1";

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read attribution file " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error&) {
    throw UsageError(path + ": not JSON (expected " + kSchema +
                     ", from ci/kernel/coverage-report)");
  }
}

std::vector<std::string> unit_list(const std::string& path, const std::string& key,
                                   const nlohmann::json& units) {
  if (!units.is_array()) throw UsageError(path + ": functions." + key + " is not a list");
  std::vector<std::string> out;
  for (const auto& u : units) {
    if (!u.is_string()) throw UsageError(path + ": functions." + key + " holds a non-string");
    out.push_back(u.get<std::string>());
  }
  return out;
}

std::string joined(const std::vector<std::string>& v, std::size_t limit = 6) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > limit) s += ", ... (" + std::to_string(v.size()) + " in all)";
  return s;
}

// Profiled functions of the same file whose name contains the one asked
// for: SYSCALL_DEFINE makes sys_kill into __do_sys_kill, __se_sys_kill and
// __x64_sys_kill.
std::vector<std::string> similar_functions(const KernelAttribution& a,
                                           const std::string& function) {
  const std::size_t colon = function.rfind(':');
  if (colon == std::string::npos || colon + 1 == function.size()) return {};
  const std::string file = function.substr(0, colon + 1), name = function.substr(colon + 1);
  std::vector<std::string> out;
  for (auto it = a.functions.lower_bound(file);
       it != a.functions.end() && it->first.compare(0, file.size(), file) == 0; ++it)
    if (it->first.find(name, file.size()) != std::string::npos) out.push_back(it->first);
  return out;
}

// The units that reach `function`, or UsageError saying why there are none.
const std::vector<std::string>& units_reaching(const KernelAttribution& a,
                                               const std::string& function) {
  auto it = a.functions.find(function);
  if (it == a.functions.end()) {
    std::vector<std::string> near = similar_functions(a, function);
    throw UsageError(function + " is not a profiled function in " + a.path +
                     (near.empty() ? " (FILE:FUNCTION, e.g. kernel/signal.c:do_sigaction)"
                                   : " (did you mean " + joined(near, 3) + "?)"));
  }
  if (it->second.empty())
    throw UsageError(function + " is reached by no test in " + a.path +
                     ": it is in the report's unreached list (unreached.json)");
  return it->second;
}

}  // namespace

KernelAttribution load_attribution(const std::string& path) {
  const nlohmann::json j = read_json(path);
  if (!j.is_object() || j.value("schema", nlohmann::json()) != kSchema)
    throw UsageError(path + ": not an attribution file (schema must be " + kSchema + ")");
  KernelAttribution a;
  a.path = path;
  const auto& g = j.value("granularity", nlohmann::json());
  if (g != "family" && g != "test")
    throw UsageError(path + ": granularity must be \"family\" or \"test\"");
  a.granularity = g.get<std::string>();
  const auto& fns = j.value("functions", nlohmann::json());
  if (!fns.is_object()) throw UsageError(path + ": no \"functions\" object");
  for (const auto& [key, units] : fns.items()) a.functions[key] = unit_list(path, key, units);
  return a;
}

std::vector<const TestMeta*> select_touching(const std::vector<const TestMeta*>& tests,
                                             const std::vector<std::string>& functions,
                                             const std::string& attribution_file) {
  if (functions.empty()) return tests;
  if (attribution_file.empty())
    throw UsageError(
        "--touching needs the attribution file of a kernel coverage report: --attribution FILE "
        "or $SIGIPC_KERNEL_ATTRIBUTION");
  const KernelAttribution a = load_attribution(attribution_file);
  std::set<std::string> units;
  std::vector<std::string> all_units;
  for (const auto& f : functions)
    for (const auto& u : units_reaching(a, f))
      if (units.insert(u).second) all_units.push_back(u);
  std::vector<const TestMeta*> out;
  for (const auto* t : tests)
    if (units.count(a.granularity == "family" ? t->family() : t->id())) out.push_back(t);
  if (out.empty())
    throw UsageError("no selected test is in the " + a.granularity + " units reaching " +
                     joined(functions) + " (" + joined(all_units) + ")");
  return out;
}

}  // namespace sigipc
