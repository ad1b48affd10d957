#include "reports/writers.h"

#include "reports/expectations.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace sigipc {

std::string xml_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
          o += '?';
        else
          o += static_cast<char>(c);
    }
  }
  return o;
}

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&#39;";
        break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t')
          o += "&#xFFFD;";
        else
          o += static_cast<char>(c);
    }
  }
  return o;
}

// A message may carry bytes from a test's output that are not UTF-8: they
// become U+FFFD rather than making the whole report fail.
std::string results_json_text(const RunRecord& run) {
  return to_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

namespace {
// Bytes that are not UTF-8 (a test's raw output) become '?': one bad byte
// must not make a whole XML report unreadable.
std::string utf8_clean(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok)
      o.append(s, i, n), i += n;
    else
      o += '?', ++i;
  }
  return o;
}

// The end of a file, at most max bytes, with a line saying what was cut.
bool read_tail(const std::string& path, std::size_t max, std::string& text) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return false;
  const std::streamoff size = f.tellg();
  const std::streamoff from = size > static_cast<std::streamoff>(max) ? size - max : 0;
  f.seekg(from);
  text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  if (from > 0) text = "[first " + std::to_string(from) + " bytes of the log left out]\n" + text;
  return true;
}

// "2026-12-06T18:27:52": the run's start in UTC, as the JUnit schema's
// timestamp (an xs:dateTime without a zone); empty when unknown.
std::string junit_timestamp(const nlohmann::json& env) {
  if (!env.is_object() || !env.contains("started_at") || !env["started_at"].is_number_integer())
    return "";
  std::time_t t = static_cast<std::time_t>(env["started_at"].get<long long>());
  std::tm tm{};
  char buf[32];
  if (!gmtime_r(&t, &tm) || !std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm)) return "";
  return buf;
}

void junit_case(std::ostringstream& x, const Result& r, const std::string& label,
                const TestLogs& logs) {
  auto dot = r.id.find('.');
  x << "    <testcase classname=\"" << xml_escape(label + "." + r.id.substr(0, dot)) << "\" name=\""
    << xml_escape(r.id.substr(dot + 1)) << "\" time=\"" << r.duration_ms / 1000.0 << "\">\n";
  x << "      <properties><property name=\"requirement\" value=\"" << xml_escape(r.requirement)
    << "\"/><property name=\"clause\" value=\"" << xml_escape(r.clause) << "\"/></properties>\n";
  std::string msg = xml_escape(utf8_clean(r.message));
  switch (r.status) {
    case Status::kFail:
    case Status::kTimeout:
      x << "      <failure type=\"" << status_name(r.status) << "\" message=\"" << msg << "\">"
        << msg << "</failure>\n";
      break;
    case Status::kError:
    case Status::kXpass:
      x << "      <error type=\"" << status_name(r.status) << "\" message=\"" << msg << "\">" << msg
        << "</error>\n";
      break;
    case Status::kUnsupported:
    case Status::kSkip:
      x << "      <skipped message=\"" << msg << "\"/>\n";
      break;
    case Status::kXfail:
    case Status::kPass:
      break;
  }
  auto it = logs.find(r.id);
  if (r.status == Status::kXfail || (r.status != Status::kPass && it != logs.end())) {
    x << "      <system-out>";
    if (r.status == Status::kXfail) x << "XFAIL: " << msg << "\n";
    if (it != logs.end())
      for (const auto& log : it->second)
        x << "--- " << xml_escape(log.file) << " ---\n" << xml_escape(utf8_clean(log.text)) << "\n";
    x << "</system-out>\n";
  }
  x << "    </testcase>\n";
}
}  // namespace

std::vector<std::string> log_files_of(const Result& r) {
  std::vector<std::string> files;
  if (r.runs <= 1) files.push_back("logs/" + r.id + ".log");
  for (int i = 0; r.runs > 1 && i < r.runs; ++i)
    files.push_back("logs/" + r.id + "." + std::to_string(i) + ".log");
  return files;
}

TestLogs read_test_logs(const RunRecord& run, const std::string& dir) {
  TestLogs logs;
  for (const auto& r : run.results) {
    if (r.status == Status::kPass) continue;
    for (const auto& file : log_files_of(r)) {
      TestLog log{file, ""};
      if (read_tail(dir + "/" + file, kLogTextMax, log.text)) logs[r.id].push_back(std::move(log));
    }
  }
  return logs;
}

std::string junit_text(const RunRecord& run, const TestLogs& logs) {
  std::ostringstream x;
  auto c = run.counts();
  const std::string label = platform_label(run.environment);
  const std::string host = env_str(run.environment, "hostname");
  const std::string stamp = junit_timestamp(run.environment);
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"" << xml_escape("sigipc (" + label + ")") << "\" tests=\""
    << run.results.size() << "\" failures=\"" << c[Status::kFail] + c[Status::kTimeout]
    << "\" errors=\"" << c[Status::kError] + c[Status::kXpass] << "\" skipped=\""
    << c[Status::kUnsupported] + c[Status::kSkip] << "\" time=\"" << run.wall_ms / 1000.0
    << "\">\n";
  for (const auto& [family, fc] : run.by_family()) {
    int n = 0;
    double t = 0;
    for (const auto& r : run.results)
      if (r.family == family) ++n, t += r.duration_ms;
    auto get = [&](Status s) {
      auto it = fc.find(s);
      return it == fc.end() ? 0 : it->second;
    };
    x << "  <testsuite name=\"" << xml_escape(family + " (" + label + ")") << "\" tests=\"" << n
      << "\" failures=\"" << get(Status::kFail) + get(Status::kTimeout) << "\" errors=\""
      << get(Status::kError) + get(Status::kXpass) << "\" skipped=\""
      << get(Status::kUnsupported) + get(Status::kSkip) << "\" time=\"" << t / 1000.0
      << "\" hostname=\"" << xml_escape(host == "?" ? "unknown" : host) << "\"";
    if (!stamp.empty()) x << " timestamp=\"" << stamp << "\"";
    x << ">\n";
    for (const auto& r : run.results)
      if (r.family == family) junit_case(x, r, label, logs);
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

namespace {
// A Markdown table cell: no row breaks, no column breaks, no raw HTML
// (GitHub renders tags in comments).
std::string md_cell(const std::string& s, std::size_t max = std::string::npos) {
  std::string o;
  std::size_t n = 0;
  for (char ch : s) {
    if (n++ >= max) {
      o += "...";
      break;
    }
    if (ch == '|')
      o += "\\|";
    else if (ch == '\n' || ch == '\r')
      o += ' ';
    else if (ch == '<')
      o += "&lt;";
    else if (ch == '>')
      o += "&gt;";
    else
      o += ch;
  }
  return o;
}

std::string json_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void flatten(const nlohmann::json& v, const std::string& prefix,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object() && !v.empty()) {
    for (auto it = v.begin(); it != v.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out.emplace_back(prefix, json_text(v));
  }
}
}  // namespace

std::string markdown_cell(const std::string& s, std::size_t max) { return md_cell(s, max); }

std::string env_str(const nlohmann::json& env, const char* key) {
  if (!env.is_object() || !env.contains(key)) return "?";
  return json_text(env[key]);
}

std::string platform_label(const nlohmann::json& env) {
  std::string emu = env_str(env, "emulator");
  if (emu == "none" || emu == "?") emu = "native";
  return emu + " " + env_str(env, "arch") + ", Linux " + env_str(env, "kernel_release") + ", " +
         env_str(env, "libc") + " " + env_str(env, "libc_version");
}

std::vector<std::pair<std::string, std::string>> flat_environment(const nlohmann::json& env) {
  std::vector<std::pair<std::string, std::string>> out;
  if (env.is_object()) flatten(env, "", out);
  return out;
}

namespace {
// GitHub refuses comments over 65536 characters; the list of tests that did
// not pass stops well before, leaving room for the rest of the report.
constexpr std::size_t kMarkdownBudget = 60000;
constexpr std::size_t kMarkdownMessageMax = 400;

// Tests that did not pass, the ones that make the run red first.
std::vector<const Result*> not_passing(const RunRecord& run) {
  std::vector<const Result*> v;
  for (const auto& r : run.results)
    if (r.status != Status::kPass) v.push_back(&r);
  std::stable_sort(v.begin(), v.end(), [](const Result* a, const Result* b) {
    if (is_bad(a->status) != is_bad(b->status)) return is_bad(a->status);
    return severity(a->status) > severity(b->status);
  });
  return v;
}
}  // namespace

std::string markdown_text(const RunRecord& run) {
  std::ostringstream m;
  auto c = run.counts();
  const auto& env = run.environment;
  int bad = 0;
  for (Status s : all_statuses())
    if (is_bad(s)) bad += c[s];
  m << "## sigipc: " << (run.green() ? "green" : "red") << " — " << c[Status::kPass] << " of "
    << run.results.size() << " rules pass";
  if (bad) m << ", " << bad << " not green";
  if (run.interrupted) m << " (interrupted; " << run.not_run_count() << " tests not run)";
  m << "\n\n";
  m << "Kernel " << md_cell(env_str(env, "kernel_release")) << ", " << md_cell(env_str(env, "libc"))
    << " " << md_cell(env_str(env, "libc_version")) << ", " << md_cell(env_str(env, "arch"))
    << ", emulator " << md_cell(env_str(env, "emulator")) << ", isolation "
    << md_cell(env_str(env, "isolation")) << ", seed " << md_cell(env_str(env, "seed"))
    << ", suite " << md_cell(env_str(env, "suite_version")) << ".\n\n";
  m << "| status | tests |\n|---|---:|\n";
  for (Status s : all_statuses())
    if (c[s]) m << "| " << status_name(s) << " | " << c[s] << " |\n";
  m << "| total | " << run.results.size() << " |\n\n";
  m << "<details><summary>By family</summary>\n\n| family |";
  for (Status s : all_statuses()) m << " " << status_name(s) << " |";
  m << "\n|---|";
  for (std::size_t i = 0; i < all_statuses().size(); ++i) m << "---:|";
  m << "\n";
  for (const auto& [family, fc] : run.by_family()) {
    m << "| " << md_cell(family) << " |";
    for (Status s : all_statuses()) {
      auto it = fc.find(s);
      m << " " << (it == fc.end() ? 0 : it->second) << " |";
    }
    m << "\n";
  }
  m << "\n</details>\n";
  if (!run.stale_expectations.empty()) {
    m << "\n### Stale expectations\n\n";
    std::size_t shown = 0;
    for (const auto& st : run.stale_expectations) {
      if (shown++ == 50) {
        m << "- ... " << run.stale_expectations.size() - 50 << " more\n";
        break;
      }
      m << "- " << md_cell(st, kMarkdownMessageMax) << "\n";
    }
  }
  auto deviations = deviations_seen(run);
  if (!deviations.empty()) {
    m << "\n### Known deviations\n\n";
    for (const auto& d : deviations) {
      m << "- **" << md_cell(d.id) << "** (" << d.tests.size()
        << " tests): " << md_cell(d.why, kMarkdownMessageMax) << ":";
      std::size_t shown = 0;
      for (const auto& t : d.tests) {
        if (shown++ == 20) {
          m << " and " << d.tests.size() - 20 << " more";
          break;
        }
        m << (shown > 1 ? ", `" : " `") << md_cell(t) << "`";
      }
      m << "\n";
    }
  }
  auto rest = not_passing(run);
  if (!rest.empty()) {
    m << "\n### Not passing\n\n| test | status | requirement | clause | message |\n"
         "|---|---|---|---|---|\n";
    std::size_t written = 0;
    for (const Result* r : rest) {
      std::ostringstream row;
      row << "| `" << md_cell(r->id) << "` | **" << status_name(r->status) << "** | "
          << md_cell(r->requirement) << " | " << md_cell(r->clause) << " | "
          << (deviation_of(*r).empty() ? md_cell(r->message, kMarkdownMessageMax)
                                       // Its reason is listed once under "Known deviations".
                                       : "known deviation " + md_cell(deviation_of(*r)))
          << " |\n";
      if (static_cast<std::size_t>(m.tellp()) + row.str().size() > kMarkdownBudget) break;
      m << row.str();
      ++written;
    }
    if (written < rest.size())
      m << "\n_" << rest.size() - written
        << " more tests not passing; see results.json or report.html._\n";
  }
  return m.str();
}

std::string summary_table(const RunRecord& run) {
  std::ostringstream t;
  std::size_t w = 6;
  for (const auto& [family, fc] : run.by_family()) w = std::max(w, family.size());
  char line[256];
  std::snprintf(line, sizeof line, "%-*s %6s %6s %6s %7s %6s %6s %6s %6s\n", static_cast<int>(w),
                "family", "PASS", "FAIL", "ERROR", "TIMEOUT", "UNSUP", "XFAIL", "XPASS", "SKIP");
  t << line;
  auto row = [&](const std::string& name, const std::map<Status, int>& fc) {
    auto g = [&](Status s) {
      auto it = fc.find(s);
      return it == fc.end() ? 0 : it->second;
    };
    std::snprintf(line, sizeof line, "%-*s %6d %6d %6d %7d %6d %6d %6d %6d\n", static_cast<int>(w),
                  name.c_str(), g(Status::kPass), g(Status::kFail), g(Status::kError),
                  g(Status::kTimeout), g(Status::kUnsupported), g(Status::kXfail),
                  g(Status::kXpass), g(Status::kSkip));
    t << line;
  };
  for (const auto& [family, fc] : run.by_family()) row(family, fc);
  row("total", run.counts());
  return t.str();
}

void write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    f << text;
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
}

std::vector<std::string> write_all_reports(const RunRecord& run, const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
  const TestLogs logs = read_test_logs(run, dir);
  auto junit = [&logs](const RunRecord& r) { return junit_text(r, logs); };
  auto html = [&logs](const RunRecord& r) { return html_text(r, logs); };
  const std::vector<std::pair<const char*, std::function<std::string(const RunRecord&)>>> formats =
      {{"results.json", results_json_text}, {"junit.xml", junit},
       {"report.md", markdown_text},        {"report.html", html},
       {"results.ktap", ktap_text},         {"lava.sh", lava_script_text},
       {"result.txt", lava_results_text},   {"kcidb.json", kcidb_json_text},
       {"openposix.txt", openposix_text}};
  std::vector<std::string> written;
  for (const auto& [name, text] : formats) {
    write_file_atomically(dir + "/" + name, text(run));
    written.push_back(name);
  }
  chmod((dir + "/lava.sh").c_str(), 0755);
  return written;
}

}  // namespace sigipc
