// Reading a saved results.json back. The text is parsed by nlohmann, then
// checked field by field against the shape of reports/schema/results.schema.json
// before run_from_json converts it, so every problem is reported as one
// "FILE:LINE: reason" InputError (the line of the offending value, found by
// re-scanning the text) and nothing reaches the commands as another exception.
#include "reports/load.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <variant>

namespace sigipc {

namespace {

using nlohmann::json;

// Results files nest four levels; anything far deeper is not one, and deep
// nesting would make the (recursive) dump of the environment block overflow
// the stack in the writers.
constexpr std::size_t kMaxDepth = 64;
constexpr off_t kMaxFileBytes = 256L << 20;

using PathStep = std::variant<std::string, std::size_t>;
using Path = std::vector<PathStep>;

std::size_t line_at(const std::string& text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line;
  return line;
}

// Walks syntactically valid JSON text and reports where each value starts,
// with its path, and how deep the nesting goes. Only used on text nlohmann
// has already accepted.
class Scanner {
 public:
  explicit Scanner(const std::string& text) : text_(text) {}

  // Offset of the value at path, or npos.
  std::size_t find(const Path& target) {
    std::size_t found = std::string::npos;
    scan([&](const Path& p, std::size_t off) {
      if (p == target) {
        found = off;
        return true;
      }
      return false;
    });
    return found;
  }

  // Offset of the first bracket deeper than max_depth, or npos.
  std::size_t too_deep(std::size_t max_depth) {
    std::size_t found = std::string::npos;
    scan([&](const Path& p, std::size_t off) {
      if (p.size() > max_depth) {
        found = off;
        return true;
      }
      return false;
    });
    return found;
  }

 private:
  struct Frame {
    bool object = false;
    std::size_t index = 0;
    std::string key;
    bool expect_key = false;
  };

  template <typename Visit>
  void scan(Visit visit) {
    std::vector<Frame> stack;
    Path path;
    auto at_value = [&](std::size_t off) {
      path.clear();
      for (const auto& f : stack) {
        if (f.object)
          path.emplace_back(f.key);
        else
          path.emplace_back(f.index);
      }
      return visit(path, off);
    };
    const std::size_t n = text_.size();
    std::size_t i = 0;
    while (i < n) {
      char c = text_[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (c == '{' || c == '[') {
        if (at_value(i)) return;
        Frame f;
        f.object = c == '{';
        f.expect_key = f.object;
        stack.push_back(std::move(f));
        ++i;
      } else if (c == '}' || c == ']') {
        if (!stack.empty()) stack.pop_back();
        ++i;
      } else if (c == ',') {
        if (!stack.empty()) {
          if (stack.back().object)
            stack.back().expect_key = true;
          else
            stack.back().index++;
        }
        ++i;
      } else if (c == ':') {
        if (!stack.empty()) stack.back().expect_key = false;
        ++i;
      } else if (c == '"') {
        std::size_t start = i++;
        while (i < n && text_[i] != '"') i += text_[i] == '\\' ? 2 : 1;
        ++i;
        if (!stack.empty() && stack.back().object && stack.back().expect_key) {
          std::string key;
          try {
            key = json::parse(text_.substr(start, i - start)).get<std::string>();
          } catch (const std::exception&) {
          }
          stack.back().key = std::move(key);
        } else if (at_value(start)) {
          return;
        }
      } else if (c == '\0') {
        return;  // nlohmann reads a NUL byte as the end of the input
      } else {
        if (at_value(i)) return;
        do ++i;
        while (i < n && text_[i] != '\0' && std::strchr(",]} \t\r\n", text_[i]) == nullptr);
      }
    }
  }

  const std::string& text_;
};

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "a number";
  }
}

// Checks the parsed document against the results schema, throwing with the
// line of the value at fault.
class Checker {
 public:
  Checker(const std::string& text, const std::string& name) : text_(text), name_(name) {}

  [[noreturn]] void fail(const Path& at, const std::string& why) {
    Scanner s(text_);
    // The value itself, else the closest enclosing value that exists.
    Path p = at;
    std::size_t off = s.find(p);
    while (off == std::string::npos && !p.empty()) {
      p.pop_back();
      off = s.find(p);
    }
    if (off == std::string::npos) off = 0;
    // One line even when the reason quotes a key or id holding a newline
    // (fuzz/corpus/results_fuzz).
    std::string msg = name_ + ":" + std::to_string(line_at(text_, off)) + ": " + why;
    for (char& c : msg)
      if (c == '\n' || c == '\r') c = ' ';
    throw InputError(msg);
  }

  void check(const json& doc) {
    const Path top;
    if (!doc.is_object())
      fail(top, "the top level is " + describe(doc) + ", not a sigipc results object");
    const json& schema = need(doc, top, "schema", "top level");
    if (!schema.is_string() || schema.get<std::string>() != kResultsSchema)
      fail({std::string("schema")}, std::string("field \"schema\" is not \"") + kResultsSchema +
                                        "\" (not a sigipc results file, or another version)");
    const json& env = need(doc, top, "environment", "top level");
    if (!env.is_object())
      fail({std::string("environment")},
           "field \"environment\" is " + describe(env) + ", not an object");
    check_summary(need(doc, top, "summary", "top level"));
    if (doc.contains("expectations")) check_expectations(doc["expectations"]);
    const json& results = need(doc, top, "results", "top level");
    if (!results.is_array())
      fail({std::string("results")},
           "field \"results\" is " + describe(results) + ", not an array");
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < results.size(); ++i) check_result(results[i], i, seen);
  }

 private:
  const json& need(const json& obj, const Path& at, const char* key, const std::string& where) {
    if (!obj.contains(key)) fail(at, where + ": missing field \"" + key + "\"");
    return obj[key];
  }

  void check_summary(const json& s) {
    const Path at{std::string("summary")};
    if (!s.is_object()) fail(at, "field \"summary\" is " + describe(s) + ", not an object");
    auto sub = [&](const char* k) {
      Path p = at;
      p.emplace_back(std::string(k));
      return p;
    };
    if (s.contains("interrupted") && !s["interrupted"].is_boolean())
      fail(sub("interrupted"),
           "summary: field \"interrupted\" is " + describe(s["interrupted"]) + ", not a boolean");
    // A list of test ids; files written before it was one hold a count.
    if (s.contains("not_run") && !small_count(s["not_run"], 0) && !id_list(s["not_run"]))
      fail(sub("not_run"), "summary: field \"not_run\" is not a list of test ids");
    if (s.contains("running") && !id_list(s["running"]))
      fail(sub("running"), "summary: field \"running\" is not a list of test ids");
    if (s.contains("not_run_unnamed") && !small_count(s["not_run_unnamed"], 0))
      fail(sub("not_run_unnamed"), "summary: field \"not_run_unnamed\" is not a whole number >= 0");
    if (s.contains("wall_ms") && !duration(s["wall_ms"]))
      fail(sub("wall_ms"), "summary: field \"wall_ms\" is not a number >= 0");
  }

  void check_expectations(const json& e) {
    const Path at{std::string("expectations")};
    if (!e.is_object()) fail(at, "field \"expectations\" is " + describe(e) + ", not an object");
    for (const char* k : {"files", "stale"}) {
      Path p = at;
      p.emplace_back(std::string(k));
      if (!e.contains(k)) continue;
      const json& a = e[k];
      if (!a.is_array()) fail(p, std::string("expectations: field \"") + k + "\" is not an array");
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].is_string()) continue;
        Path q = p;
        q.emplace_back(i);
        fail(q, std::string("expectations.") + k + "[" + std::to_string(i) + "] is not a string");
      }
    }
  }

  void check_result(const json& r, std::size_t i, std::map<std::string, std::size_t>& seen) {
    const Path at{std::string("results"), i};
    std::string where = "results[" + std::to_string(i) + "]";
    if (!r.is_object()) fail(at, where + " is " + describe(r) + ", not a test object");
    if (r.contains("id") && r["id"].is_string()) where += " (" + r["id"].get<std::string>() + ")";
    auto sub = [&](const char* k) {
      Path p = at;
      p.emplace_back(std::string(k));
      return p;
    };
    auto string_field = [&](const char* k, bool required, bool nonempty) {
      if (!r.contains(k)) {
        if (required) fail(at, where + ": missing field \"" + k + "\"");
        return;
      }
      const json& v = r[k];
      if (!v.is_string())
        fail(sub(k), where + ": field \"" + k + "\" is " + describe(v) + ", not a string");
      if (nonempty && v.get_ref<const std::string&>().empty())
        fail(sub(k), where + ": field \"" + k + "\" is empty");
    };
    string_field("id", true, true);
    string_field("family", true, true);
    string_field("requirement", true, true);
    string_field("clause", true, false);
    string_field("statement", false, false);
    string_field("status", true, true);
    string_field("message", true, false);
    const std::string& status = r["status"].get_ref<const std::string&>();
    if (!parse_status(status))
      fail(sub("status"), where + ": unknown status \"" + status +
                              "\" (PASS, FAIL, ERROR, TIMEOUT, UNSUPPORTED, XFAIL, XPASS or SKIP)");
    if (!r.contains("duration_ms")) fail(at, where + ": missing field \"duration_ms\"");
    if (!duration(r["duration_ms"]))
      fail(sub("duration_ms"), where + ": field \"duration_ms\" is not a number >= 0");
    if (r.contains("runs") && !small_count(r["runs"], 1))
      fail(sub("runs"), where + ": field \"runs\" is not a whole number >= 1");
    if (r.contains("run_counts")) {
      const json& rc = r["run_counts"];
      if (!rc.is_object())
        fail(sub("run_counts"), where + ": field \"run_counts\" is not an object");
      for (auto it = rc.begin(); it != rc.end(); ++it) {
        if (!parse_status(it.key()) || !small_count(it.value(), 0)) {
          Path p = sub("run_counts");
          p.emplace_back(it.key());
          fail(p, where + ": run_counts entry \"" + it.key() +
                      "\" is not a status with a whole number >= 0");
        }
      }
    }
    const std::string& id = r["id"].get_ref<const std::string&>();
    auto [prev, fresh] = seen.emplace(id, i);
    if (!fresh) {
      Scanner s(text_);
      std::size_t off = s.find({std::string("results"), prev->second});
      fail(sub("id"), where + ": duplicate test id, first at line " +
                          std::to_string(line_at(text_, off == std::string::npos ? 0 : off)));
    }
  }

  static bool small_count(const json& v, long long min) {
    if (!v.is_number_integer()) return false;
    if (v.is_number_unsigned()) return v.get<unsigned long long>() <= INT_MAX;
    long long n = v.get<long long>();
    return n >= min && n <= INT_MAX;
  }

  static bool id_list(const json& v) {
    if (!v.is_array()) return false;
    for (const auto& e : v)
      if (!e.is_string()) return false;
    return true;
  }

  static bool duration(const json& v) {
    if (!v.is_number()) return false;
    double d = v.get<double>();
    return std::isfinite(d) && d >= 0;
  }

  const std::string& text_;
  const std::string& name_;
};

// nlohmann's messages read "[json.exception.parse_error.101] parse error at
// line 3, column 5: syntax error while parsing ..."; keep what follows the
// position, since the line is given in front.
std::string parse_reason(const std::string& what) {
  std::string s = what;
  auto bracket = s.find("] ");
  if (s.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos)
    s = s.substr(bracket + 2);
  auto colon = s.find(": ");
  if (s.rfind("parse error", 0) == 0 && colon != std::string::npos) s = s.substr(colon + 2);
  // The "last read" excerpt is raw input: keep the line printable.
  for (char& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return s;
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

RunRecord load_checked(const std::string& text, const std::string& name) {
  if (blank(text)) throw InputError(name + ":1: empty file, expected a sigipc results JSON object");
  // nlohmann stops at a NUL byte as if the text ended there, and the
  // Scanner would never step past one (fuzz/corpus/results_fuzz).
  std::size_t nul = text.find('\0');
  if (nul != std::string::npos)
    throw InputError(name + ":" + std::to_string(line_at(text, nul)) +
                     ": a NUL byte: not a JSON text file");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    std::size_t last = text.find_last_not_of(" \t\r\n");
    // byte is 1-based: the character the parser stopped at.
    if (e.byte > last + 1)
      throw InputError(
          name + ":" + std::to_string(line_at(text, last)) +
          ": truncated JSON (the text ends inside a value): " + parse_reason(e.what()));
    std::size_t off = e.byte > 0 ? e.byte - 1 : 0;
    throw InputError(name + ":" + std::to_string(line_at(text, off)) +
                     ": malformed JSON: " + parse_reason(e.what()));
  } catch (const json::exception& e) {
    // A number too large for a double: "number overflow parsing '1e400'"
    // carries no position, so look for the number itself.
    std::string what = e.what();
    std::size_t off = 0, q1 = what.find('\''), q2 = what.rfind('\'');
    if (q1 != std::string::npos && q2 > q1 + 1) {
      std::size_t at = text.find(what.substr(q1 + 1, q2 - q1 - 1));
      if (at != std::string::npos) off = at;
    }
    throw InputError(name + ":" + std::to_string(line_at(text, off)) +
                     ": malformed JSON: " + parse_reason(what));
  }
  {
    Scanner s(text);
    std::size_t deep = s.too_deep(kMaxDepth);
    if (deep != std::string::npos)
      throw InputError(name + ":" + std::to_string(line_at(text, deep)) + ": nested more than " +
                       std::to_string(kMaxDepth) + " levels deep: not a sigipc results file");
  }
  Checker(text, name).check(doc);
  try {
    return run_from_json(doc);
  } catch (const std::exception& e) {
    // Unreachable once the checker accepted the document; kept so a future
    // field the checker misses still comes out as one line.
    std::size_t first = text.find_first_not_of(" \t\r\n");
    throw InputError(name + ":" + std::to_string(line_at(text, first)) + ": " + e.what());
  }
}

}  // namespace

RunRecord load_results_text(const std::string& text, const std::string& name) {
  try {
    return load_checked(text, name);
  } catch (const InputError& e) {
    // Keys, ids and statuses quoted from the input stay on one line.
    std::string m = e.what();
    for (char& c : m) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) c = '?';
    }
    throw InputError(m);
  } catch (const std::bad_alloc&) {
    throw InputError(name + ":0: out of memory while reading the results");
  } catch (const std::exception& e) {
    throw InputError(name + ":0: cannot read the results: " + parse_reason(e.what()));
  } catch (...) {
    throw InputError(name + ":0: cannot read the results");
  }
}

RunRecord load_results_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ":0: cannot open: " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    close(fd);
    throw InputError(path + ":0: cannot open: " + std::strerror(err));
  }
  if (S_ISREG(st.st_mode) && st.st_size > kMaxFileBytes) {
    close(fd);
    throw InputError(path + ":0: too large for a results file (" + std::to_string(st.st_size) +
                     " bytes)");
  }
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw InputError(path + ":0: cannot read: " + std::strerror(err));
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > static_cast<std::size_t>(kMaxFileBytes)) {
      close(fd);
      throw InputError(path + ":0: too large for a results file");
    }
  }
  close(fd);
  return load_results_text(text, path);
}

}  // namespace sigipc
