#include "reports/expectations.h"

#include <fnmatch.h>

#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace sigipc {

namespace {

[[noreturn]] void bad(const std::string& file, int line, const std::string& what) {
  throw std::runtime_error(file + ":" + std::to_string(line) + ": " + what);
}

std::vector<long> version_parts(const std::string& v) {
  std::vector<long> parts;
  std::size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    long n = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) n = n * 10 + (v[i++] - '0');
    parts.push_back(n);
    if (i < v.size() && v[i] == '.') ++i;
    else break;
  }
  return parts;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto pa = version_parts(a), pb = version_parts(b);
  for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
    long x = i < pa.size() ? pa[i] : 0, y = i < pb.size() ? pb[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool one_of(const std::string& alternatives, const std::string& value) {
  std::stringstream ss(alternatives);
  std::string alt;
  while (std::getline(ss, alt, '|'))
    if (glob(alt, value)) return true;
  return false;
}

const char* const kPlatformKeys[] = {"kernel", "libc", "libc_version", "arch", "emulator"};

}  // namespace

bool version_matches(const std::string& version, const std::string& condition) {
  std::stringstream ss(condition);
  std::string term;
  bool any = false;
  while (ss >> term) {
    any = true;
    std::string op;
    while (!term.empty() && (term[0] == '<' || term[0] == '>' || term[0] == '=')) {
      op += term[0];
      term.erase(0, 1);
    }
    if (term.empty() || version_parts(term).empty())
      throw std::runtime_error("bad version condition '" + condition + "'");
    int c = compare_versions(version, term);
    bool ok = op == ">=" ? c >= 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : op == "<" ? c < 0
            : (op == "=" || op == "==" || op.empty()) ? c == 0
            : throw std::runtime_error("bad comparison '" + op + "' in '" + condition + "'");
    if (!ok) return false;
  }
  if (!any) throw std::runtime_error("empty version condition");
  return true;
}

std::vector<Expectation> load_expectations(const std::string& path) {
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw std::runtime_error(path + ": cannot read the expectation file");
  } catch (const YAML::Exception& e) {
    bad(path, e.mark.line + 1, "malformed YAML: " + e.msg);
  }
  std::vector<Expectation> out;
  if (doc.IsNull()) return out;
  if (!doc.IsSequence()) bad(path, doc.Mark().line + 1, "expected a list of entries");
  for (const auto& n : doc) {
    Expectation e;
    e.file = path;
    e.line = n.Mark().line + 1;
    if (!n.IsMap()) bad(path, e.line, "an entry must be a mapping");
    for (const auto& kv : n) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      int line = kv.first.Mark().line + 1;
      auto text = [&]() {
        if (!v.IsScalar()) bad(path, line, "'" + key + "' must be a string");
        return v.as<std::string>();
      };
      if (key == "test") e.test_glob = text();
      else if (key == "rule") e.rule_glob = text();
      else if (key == "reason") e.reason = text();
      else if (key == "link") e.link = text();
      else if (key == "status") {
        auto s = parse_status(text());
        if (!s || *s == Status::kPass || *s == Status::kXfail || *s == Status::kXpass)
          bad(path, line, "status must be FAIL, ERROR, TIMEOUT or UNSUPPORTED");
        e.status = *s;
      } else if (key == "platforms") {
        if (!v.IsMap()) bad(path, line, "'platforms' must be a mapping");
        for (const auto& p : v) {
          std::string pk = p.first.as<std::string>();
          int pl = p.first.Mark().line + 1;
          bool known = false;
          for (const char* k : kPlatformKeys) known = known || pk == k;
          if (!known)
            bad(path, pl, "unknown platform key '" + pk +
                              "' (kernel, libc, libc_version, arch, emulator)");
          if (!p.second.IsScalar()) bad(path, pl, "'" + pk + "' must be a string");
          std::string cond = p.second.as<std::string>();
          if (pk == "kernel" || pk == "libc_version") {
            try {
              version_matches("0", cond);
            } catch (const std::exception& ex) {
              bad(path, pl, ex.what());
            }
          }
          e.platforms.emplace_back(pk, cond);
        }
      } else {
        bad(path, line, "unknown key '" + key + "' (test, rule, platforms, status, reason, link)");
      }
    }
    if (e.test_glob.empty() == e.rule_glob.empty())
      bad(path, e.line, "an entry needs exactly one of 'test' or 'rule'");
    if (e.reason.empty()) bad(path, e.line, "an entry needs a 'reason'");
    out.push_back(std::move(e));
  }
  return out;
}

bool applies_to(const Expectation& e, const nlohmann::json& env) {
  auto field = [&](const char* k) {
    return env.contains(k) && env[k].is_string() ? env[k].get<std::string>() : std::string();
  };
  for (const auto& [key, cond] : e.platforms) {
    if (key == "kernel") {
      if (!version_matches(field("kernel_release"), cond)) return false;
    } else if (key == "libc_version") {
      if (!version_matches(field("libc_version"), cond)) return false;
    } else if (!one_of(cond, field(key.c_str()))) {
      return false;
    }
  }
  return true;
}

ExpectationReport apply_expectations(RunRecord& run, const std::vector<Expectation>& expectations,
                                     const std::vector<std::string>& all_test_ids,
                                     const std::vector<std::string>& all_rules) {
  ExpectationReport rep;
  for (const auto& e : expectations) {
    bool names_something = false;
    for (const auto& id : all_test_ids) names_something = names_something || (!e.test_glob.empty() && glob(e.test_glob, id));
    for (const auto& r : all_rules) names_something = names_something || (!e.rule_glob.empty() && glob(e.rule_glob, r));
    if (!names_something)
      rep.stale.push_back(e.where() + ": names no test in the suite (" +
                          (e.test_glob.empty() ? e.rule_glob : e.test_glob) + ")");
  }
  for (auto& r : run.results) {
    for (const auto& e : expectations) {
      bool match = e.test_glob.empty() ? glob(e.rule_glob, r.requirement) : glob(e.test_glob, r.id);
      if (!match || !applies_to(e, run.environment)) continue;
      std::string why = e.reason + (e.link.empty() ? "" : " (" + e.link + ")") + " [" + e.where() + "]";
      if (r.status == e.status) {
        r.status = Status::kXfail;
        r.message = "known deviation: " + why + "; " + r.message;
        ++rep.applied;
      } else if (r.status == Status::kPass) {
        r.status = Status::kXpass;
        r.message = std::string("listed as ") + status_name(e.status) + " but passed: " + why;
        ++rep.applied;
        rep.stale.push_back(e.where() + ": " + r.id + " now passes");
      } else {
        r.message += std::string(" (expected ") + status_name(e.status) + ": " + why + ")";
      }
      break;
    }
  }
  return rep;
}

}  // namespace sigipc
