#include "reports/expectations.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <algorithm>
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

// "dir/name.cc:47": a path without spaces, a colon, decimal digits.
bool is_file_line_path(const std::string& s) {
  std::size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  for (std::size_t i = colon + 1; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return s.find_first_of(" *?[") == std::string::npos;
}

// A fails: pattern naming a check by "basename:line" rather than its text.
bool is_file_line(const std::string& pattern) {
  return is_file_line_path(pattern) && pattern.find('/') == std::string::npos &&
         pattern.find('.') < pattern.rfind(':');
}

// "not A|B" holds for every value but A and B. Spelled as a word because a
// leading '!' is a YAML tag: `emulator: !gvisor` would silently read as an
// empty string.
constexpr char kNot[] = "not ";

bool word_condition_holds(const std::string& cond, const std::string& value) {
  if (cond.rfind(kNot, 0) == 0) return !one_of(cond.substr(sizeof kNot - 1), value);
  return one_of(cond, value);
}

// "path/file.cc:47: text" -> "path/file.cc:47"; "" when the text does not
// start with a check's location.
std::string located(const std::string& text) {
  std::size_t colon = text.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  std::string where = text.substr(0, colon);
  return where.find(' ') == std::string::npos && is_file_line_path(where) ? where : "";
}

std::string squeezed(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!blank)
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  return out;
}

const char kChildCheckFailed[] = "(a check failed in the child)";
const std::string kKnownDeviation = "known deviation ";

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
  std::set<std::string> ids;
  return load_expectations(path, ids);
}

std::vector<Expectation> load_expectations(const std::string& path, std::set<std::string>& ids) {
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
  return load_expectations_text(text, path, ids);
}

std::vector<Expectation> load_expectation_set(const std::vector<std::string>& paths) {
  std::set<std::string> ids;
  std::vector<Expectation> all;
  for (const auto& p : paths) {
    auto more = load_expectations(p, ids);
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

namespace {

// One file being read: its name for messages, and what every entry inherits.
struct Loader {
  std::string path;
  std::vector<std::pair<std::string, std::string>> file_platform;
  std::set<std::string>* ids;

  int line_of(const YAML::Node& n) const { return n.Mark().line + 1; }

  std::string scalar(const YAML::Node& v, int line, const std::string& key) const {
    if (!v.IsScalar()) bad(path, line, "'" + key + "' must be a string");
    return v.as<std::string>();
  }

  // A string or a list of strings.
  std::vector<std::string> strings(const YAML::Node& v, int line, const std::string& key) const {
    std::vector<std::string> out;
    if (v.IsScalar()) {
      out.push_back(v.as<std::string>());
    } else if (v.IsSequence()) {
      for (const auto& x : v) out.push_back(scalar(x, line_of(x), key));
    } else {
      bad(path, line, "'" + key + "' must be a string or a list of strings");
    }
    for (const auto& x : out)
      if (x.empty()) bad(path, line, "'" + key + "' holds an empty string");
    return out;
  }

  Status status(const YAML::Node& v, int line) const {
    auto s = parse_status(scalar(v, line, "status"));
    if (!s || *s == Status::kPass || *s == Status::kXfail || *s == Status::kXpass)
      bad(path, line, "status must be FAIL, ERROR, TIMEOUT, UNSUPPORTED or SKIP");
    return *s;
  }

  void platform_key(const std::string& pk, const YAML::Node& v, int pl,
                    std::vector<std::pair<std::string, std::string>>& into) const {
    bool known = false;
    for (const char* k : kPlatformKeys) known = known || pk == k;
    if (!known)
      bad(path, pl,
          "unknown platform key '" + pk + "' (kernel, libc, libc_version, arch, emulator)");
    if (!v.IsScalar()) bad(path, pl, "'" + pk + "' must be a string");
    std::string cond = v.as<std::string>();
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
    into.emplace_back(pk, cond);
  }

  std::vector<std::pair<std::string, std::string>> platform(const YAML::Node& v, int line) const {
    if (!v.IsMap()) bad(path, line, "'platform' must be a mapping");
    std::vector<std::pair<std::string, std::string>> out;
    std::set<std::string> seen;
    for (const auto& p : v) {
      int pl = line_of(p.first);
      if (!p.first.IsScalar()) bad(path, pl, "a platform key must be a plain word");
      std::string pk = p.first.as<std::string>();
      if (!seen.insert(pk).second) bad(path, pl, "'" + pk + "' given twice");
      platform_key(pk, p.second, pl, out);
    }
    return out;
  }

  // One item of tests:/rules:, "GLOB" or "GLOB: {status: S, arch: A, ...}":
  // one Expectation, the deviation's own with the item's narrowing added.
  Expectation item(const YAML::Node& x, const Expectation& base, bool rule) const {
    Expectation e = base;
    e.line = line_of(x);
    std::string glob_text;
    if (x.IsScalar()) {
      glob_text = x.as<std::string>();
    } else if (x.IsMap() && x.size() == 1) {
      auto kv = *x.begin();
      if (!kv.first.IsScalar()) bad(path, e.line, "a test or rule glob must be a string");
      glob_text = kv.first.as<std::string>();
      if (!kv.second.IsMap())
        bad(path, e.line, "'" + glob_text + "' must map to {status: ..., platform keys}");
      std::set<std::string> seen;
      for (const auto& n : kv.second) {
        int nl = line_of(n.first);
        if (!n.first.IsScalar()) bad(path, nl, "a key must be a plain word");
        std::string k = n.first.as<std::string>();
        if (!seen.insert(k).second) bad(path, nl, "'" + k + "' given twice");
        if (k == "status")
          e.status = status(n.second, nl);
        else
          platform_key(k, n.second, nl, e.platforms);
      }
    } else {
      bad(path, e.line, "a test or rule must be a glob, or one glob mapped to its narrowing");
    }
    if (glob_text.empty()) bad(path, e.line, "an empty test or rule glob");
    (rule ? e.rule_glob : e.test_glob) = glob_text;
    return e;
  }

  void deviation(const YAML::Node& n, std::vector<Expectation>& out) const {
    Expectation base;
    base.file = path;
    base.line = line_of(n);
    base.platforms = file_platform;
    if (!n.IsMap()) bad(path, base.line, "a deviation must be a mapping");
    std::set<std::string> seen;
    YAML::Node tests, rules;
    bool have_tests = false, have_rules = false;
    for (const auto& kv : n) {
      int line = line_of(kv.first);
      if (!kv.first.IsScalar()) bad(path, line, "a key must be a plain word");
      std::string key = kv.first.as<std::string>();
      if (!seen.insert(key).second) bad(path, line, "'" + key + "' given twice in one entry");
      const YAML::Node& v = kv.second;
      if (key == "id")
        base.id = scalar(v, line, key);
      else if (key == "reason")
        base.reason = scalar(v, line, key);
      else if (key == "link")
        base.link = scalar(v, line, key);
      else if (key == "status")
        base.status = status(v, line);
      else if (key == "platform") {
        auto more = platform(v, line);
        base.platforms.insert(base.platforms.end(), more.begin(), more.end());
      } else if (key == "fails") {
        base.fails = strings(v, line, key);
      } else if (key == "except") {
        base.except = strings(v, line, key);
      } else if (key == "tests" || key == "rules") {
        if (!v.IsSequence() || v.size() == 0)
          bad(path, line, "'" + key + "' must be a non-empty list");
        (key == "tests" ? tests : rules) = v;
        (key == "tests" ? have_tests : have_rules) = true;
      } else {
        bad(path, line,
            "unknown key '" + key +
                "' (id, reason, link, status, platform, tests, rules, except, fails)");
      }
    }
    if (base.id.empty()) bad(path, base.line, "a deviation needs an 'id'");
    if (!ids->insert(base.id).second)
      bad(path, base.line, "deviation id '" + base.id + "' is used twice");
    if (base.reason.empty()) bad(path, base.line, "a deviation needs a 'reason'");
    if (!have_tests && !have_rules) bad(path, base.line, "a deviation needs 'tests' or 'rules'");
    std::size_t first = out.size();
    if (have_tests)
      for (const auto& x : tests) out.push_back(item(x, base, false));
    if (have_rules)
      for (const auto& x : rules) out.push_back(item(x, base, true));
    for (std::size_t i = first; i < out.size(); ++i)
      if (out[i].status != Status::kSkip && out[i].fails.empty())
        bad(path, base.line,
            "deviation '" + base.id + "' needs 'fails': what the failing check says");
  }
};

}  // namespace

std::vector<Expectation> load_expectations_text(const std::string& text, const std::string& path) {
  std::set<std::string> ids;
  return load_expectations_text(text, path, ids);
}

std::vector<Expectation> load_expectations_text(const std::string& text, const std::string& path,
                                                std::set<std::string>& ids) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    bad(path, e.mark.line + 1, "malformed YAML: " + e.msg);
  }
  // An empty document is what a truncated or mistyped file looks like; a
  // file meant to list nothing says so with "deviations: []".
  if (doc.IsNull())
    bad(path, 1, "the expectation file holds no entries (write 'deviations: []' for none)");
  if (!doc.IsMap())
    bad(path, doc.Mark().line + 1, "expected a mapping with 'platform' and 'deviations'");
  Loader ld{path, {}, &ids};
  YAML::Node deviations;
  bool have_deviations = false;
  for (const auto& kv : doc) {
    int line = ld.line_of(kv.first);
    std::string key = kv.first.IsScalar() ? kv.first.as<std::string>() : "";
    if (key == "platform")
      ld.file_platform = ld.platform(kv.second, line);
    else if (key == "deviations")
      deviations = kv.second, have_deviations = true;
    else
      bad(path, line, "unknown top-level key '" + key + "' (platform, deviations)");
  }
  if (!have_deviations) bad(path, 1, "the expectation file has no 'deviations' list");
  if (!deviations.IsSequence()) bad(path, ld.line_of(deviations), "'deviations' must be a list");
  std::vector<Expectation> out;
  for (const auto& n : deviations) ld.deviation(n, out);
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
    for (const auto& x : e.except) match = match && !glob(x, test_id) && !glob(x, requirement);
    if (match && applies_to(e, environment)) return &e;
  }
  return nullptr;
}

std::vector<std::string> recorded_failures(const std::string& message) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= message.size()) {
    std::size_t next = message.find("; ", pos);
    std::string piece = message.substr(pos, next == std::string::npos ? next : next - pos);
    if (out.empty() || !located(piece).empty())
      out.push_back(piece);
    else
      out.back() += "; " + piece;
    if (next == std::string::npos) break;
    pos = next + 2;
  }
  return out;
}

bool failure_matches(const std::string& pattern, const std::string& failure) {
  if (is_file_line(pattern)) {
    std::string where = located(failure);
    std::size_t slash = where.rfind('/');
    return (slash == std::string::npos ? where : where.substr(slash + 1)) == pattern;
  }
  // Runs of blanks count as one: GoogleTest indents its multi-line reports,
  // and the message flattened them.
  return glob("*" + squeezed(pattern) + "*", squeezed(failure));
}

std::string unexplained_failure(const Expectation& e, const std::string& message) {
  auto failures = recorded_failures(message);
  auto explained = [&](const std::string& f) {
    for (const auto& p : e.fails)
      if (failure_matches(p, f)) return true;
    return false;
  };
  bool any = false;
  for (const auto& f : failures) any = any || explained(f);
  for (const auto& f : failures) {
    if (explained(f)) continue;
    // The parent's view of a child's failed check: the child's own failure
    // is recorded beside it and decides.
    if (any && f.find(kChildCheckFailed) != std::string::npos) continue;
    return f;
  }
  return "";
}

std::string deviation_of(const Result& r) {
  if (r.status != Status::kXfail || r.message.rfind(kKnownDeviation, 0) != 0) return "";
  std::size_t start = kKnownDeviation.size(), colon = r.message.find(':', start);
  return colon == std::string::npos ? "" : r.message.substr(start, colon - start);
}

std::vector<DeviationSeen> deviations_seen(const RunRecord& run) {
  std::vector<DeviationSeen> out;
  for (const auto& r : run.results) {
    std::string id = deviation_of(r);
    if (id.empty()) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& d) { return d.id == id; });
    if (it == out.end()) {
      std::size_t start = kKnownDeviation.size() + id.size() + 2;
      std::size_t end = r.message.find("]; ", start);
      out.push_back(
          {id, r.message.substr(start, end == std::string::npos ? end : end + 1 - start), {}});
      it = out.end() - 1;
    }
    it->tests.push_back(r.id);
  }
  return out;
}

bool apply_expectation(Result& r, const Expectation& e) {
  std::string why = e.reason + (e.link.empty() ? "" : " (" + e.link + ")") + " [" + e.where() + "]";
  if (e.status == Status::kSkip) {
    // The entry leaves the test out; a run made without it still says so.
    r.status = Status::kSkip;
    r.message = "skipped: " + e.id + ": " + why;
    return false;
  }
  if (r.status == e.status) {
    std::string other = unexplained_failure(e, r.message);
    if (!other.empty()) {
      r.message += " (deviation " + e.id + " [" + e.where() + "] does not explain: " + other + ")";
      return false;
    }
    r.status = Status::kXfail;
    r.message = kKnownDeviation + e.id + ": " + why + "; " + r.message;
    return true;
  }
  if (r.status == Status::kPass) {
    r.status = Status::kXpass;
    r.message = std::string("listed as ") + status_name(e.status) + " by deviation " + e.id +
                " but passed: " + why;
    return true;
  }
  r.message += std::string(" (expected ") + status_name(e.status) + " by deviation " + e.id + ": " +
               why + ")";
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
