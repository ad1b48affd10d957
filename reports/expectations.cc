#include "reports/expectations.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace sigipc {

namespace {

// The reason is one line even when it quotes a key holding a newline (the
// command prints it as its one-line answer).
[[noreturn]] void bad(const std::string& file, int line, const std::string& what) {
  std::string msg = file + ":" + std::to_string(line) + ": " + what;
  for (char& c : msg)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  throw std::runtime_error(msg);
}

std::vector<long> version_parts(const std::string& v) {
  std::vector<long> parts;
  std::size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    long n = 0;
    // Saturates: a 30-digit component must not overflow (it compares as huge).
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      int d = v[i++] - '0';
      n = n > (LONG_MAX - d) / 10 ? LONG_MAX : n * 10 + d;
    }
    parts.push_back(n);
    if (i < v.size() && v[i] == '.')
      ++i;
    else
      break;
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

// "not A|B" holds for every value but A and B. Spelled as a word because a
// leading '!' is a YAML tag: `emulator: !gvisor` would silently read as an
// empty string.
constexpr char kNot[] = "not ";

bool word_condition_holds(const std::string& cond, const std::string& value) {
  if (cond.rfind(kNot, 0) == 0) return !one_of(cond.substr(sizeof kNot - 1), value);
  return one_of(cond, value);
}

const char* const kPlatformKeys[] = {"kernel", "libc", "libc_version", "arch", "emulator"};

}  // namespace

bool version_matches(const std::string& version, const std::string& condition) {
  // Every term is checked before any is evaluated: the loader validates a
  // condition against "0", and a term after one that fails there must not
  // wait for a real run to be found bad.
  std::stringstream ss(condition);
  std::vector<std::pair<std::string, std::string>> terms;  // op, version
  std::string term;
  while (ss >> term) {
    std::string op;
    while (!term.empty() && (term[0] == '<' || term[0] == '>' || term[0] == '=')) {
      op += term[0];
      term.erase(0, 1);
    }
    if (term.empty() || version_parts(term).empty())
      throw std::runtime_error("bad version condition '" + condition + "'");
    if (op != ">=" && op != "<=" && op != ">" && op != "<" && op != "=" && op != "==" &&
        !op.empty())
      throw std::runtime_error("bad comparison '" + op + "' in '" + condition + "'");
    terms.emplace_back(op, term);
  }
  if (terms.empty()) throw std::runtime_error("empty version condition");
  for (const auto& [op, v] : terms) {
    int c = compare_versions(version, v);
    bool ok = op == ">="   ? c >= 0
              : op == "<=" ? c <= 0
              : op == ">"  ? c > 0
              : op == "<"  ? c < 0
                           : c == 0;
    if (!ok) return false;
  }
  return true;
}

std::vector<Expectation> load_expectations(const std::string& path) {
  // Read here rather than through YAML::LoadFile, which cannot tell a missing
  // file from an unreadable one and parses a directory as an empty document.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    bad(path, 0, std::string("cannot read the expectation file: ") + std::strerror(errno));
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      bad(path, 0, std::string("cannot read the expectation file: ") + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return load_expectations_text(text, path);
}

std::vector<Expectation> load_expectations_text(const std::string& text, const std::string& path) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    bad(path, e.mark.line + 1, "malformed YAML: " + e.msg);
  }
  // An empty document is what a truncated or mistyped file looks like; a
  // file meant to list nothing says so with [].
  if (doc.IsNull())
    bad(path, 1, "the expectation file holds no entries (write [] for an empty list)");
  std::vector<Expectation> out;
  if (!doc.IsSequence()) bad(path, doc.Mark().line + 1, "expected a list of entries");
  for (const auto& n : doc) {
    Expectation e;
    e.file = path;
    e.line = n.Mark().line + 1;
    if (!n.IsMap()) bad(path, e.line, "an entry must be a mapping");
    std::set<std::string> seen;
    for (const auto& kv : n) {
      int line = kv.first.Mark().line + 1;
      if (!kv.first.IsScalar()) bad(path, line, "a key must be a plain word");
      std::string key = kv.first.as<std::string>();
      if (!seen.insert(key).second) bad(path, line, "'" + key + "' given twice in one entry");
      const YAML::Node& v = kv.second;
      auto text = [&]() {
        if (!v.IsScalar()) bad(path, line, "'" + key + "' must be a string");
        return v.as<std::string>();
      };
      if (key == "test")
        e.test_glob = text();
      else if (key == "rule")
        e.rule_glob = text();
      else if (key == "reason")
        e.reason = text();
      else if (key == "link")
        e.link = text();
      else if (key == "status") {
        auto s = parse_status(text());
        if (!s || *s == Status::kPass || *s == Status::kXfail || *s == Status::kXpass)
          bad(path, line, "status must be FAIL, ERROR, TIMEOUT, UNSUPPORTED or SKIP");
        e.status = *s;
      } else if (key == "platforms") {
        if (!v.IsMap()) bad(path, line, "'platforms' must be a mapping");
        for (const auto& p : v) {
          int pl = p.first.Mark().line + 1;
          if (!p.first.IsScalar()) bad(path, pl, "a platform key must be a plain word");
          std::string pk = p.first.as<std::string>();
          bool known = false;
          for (const char* k : kPlatformKeys) known = known || pk == k;
          if (!known)
            bad(path, pl,
                "unknown platform key '" + pk + "' (kernel, libc, libc_version, arch, emulator)");
          if (!p.second.IsScalar()) bad(path, pl, "'" + pk + "' must be a string");
          std::string cond = p.second.as<std::string>();
          if (cond.empty() || cond == "not" ||
              (cond.rfind(kNot, 0) == 0 &&
               cond.find_first_not_of(' ', sizeof kNot - 1) == std::string::npos))
            bad(path, pl, "'" + pk + "' needs a value (alternatives A|B, or 'not A|B')");
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
    } else if (!word_condition_holds(cond, field(key.c_str()))) {
      return false;
    }
  }
  return true;
}

const Expectation* deciding_expectation(const std::vector<Expectation>& expectations,
                                        const nlohmann::json& environment,
                                        const std::string& test_id,
                                        const std::string& requirement) {
  for (const auto& e : expectations) {
    bool match = e.test_glob.empty() ? glob(e.rule_glob, requirement) : glob(e.test_glob, test_id);
    if (match && applies_to(e, environment)) return &e;
  }
  return nullptr;
}

bool apply_expectation(Result& r, const Expectation& e) {
  std::string why = e.reason + (e.link.empty() ? "" : " (" + e.link + ")") + " [" + e.where() + "]";
  if (e.status == Status::kSkip) {
    // The entry leaves the test out; a run made without it still says so.
    r.status = Status::kSkip;
    r.message = "skipped: " + why;
    return false;
  }
  if (r.status == e.status) {
    r.status = Status::kXfail;
    r.message = "known deviation: " + why + "; " + r.message;
    return true;
  }
  if (r.status == Status::kPass) {
    r.status = Status::kXpass;
    r.message = std::string("listed as ") + status_name(e.status) + " but passed: " + why;
    return true;
  }
  r.message += std::string(" (expected ") + status_name(e.status) + ": " + why + ")";
  return false;
}

ExpectationReport apply_expectations(RunRecord& run, const std::vector<Expectation>& expectations,
                                     const std::vector<std::string>& all_test_ids,
                                     const std::vector<std::string>& all_rules) {
  ExpectationReport rep;
  for (const auto& e : expectations) {
    bool names_something = false;
    for (const auto& id : all_test_ids)
      names_something = names_something || (!e.test_glob.empty() && glob(e.test_glob, id));
    for (const auto& r : all_rules)
      names_something = names_something || (!e.rule_glob.empty() && glob(e.rule_glob, r));
    if (!names_something)
      rep.stale.push_back(e.where() + ": names no test in the suite (" +
                          (e.test_glob.empty() ? e.rule_glob : e.test_glob) + ")");
  }
  for (auto& r : run.results) {
    const Expectation* e = deciding_expectation(expectations, run.environment, r.id, r.requirement);
    if (!e || !apply_expectation(r, *e)) continue;
    ++rep.applied;
    if (r.status == Status::kXpass) rep.stale.push_back(e->where() + ": " + r.id + " now passes");
  }
  return rep;
}

}  // namespace sigipc
