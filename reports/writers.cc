#include "reports/writers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sigipc {

std::string xml_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') o += '?';
        else o += static_cast<char>(c);
    }
  }
  return o;
}

std::string results_json_text(const RunRecord& run) { return to_json(run).dump(2) + "\n"; }

std::string junit_text(const RunRecord& run) {
  std::ostringstream x;
  auto c = run.counts();
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"sigipc\" tests=\"" << run.results.size() << "\" failures=\""
    << c[Status::kFail] + c[Status::kTimeout] << "\" errors=\""
    << c[Status::kError] + c[Status::kXpass] << "\" skipped=\"" << c[Status::kUnsupported]
    << "\" time=\"" << run.wall_ms / 1000.0 << "\">\n";
  for (const auto& [family, fc] : run.by_family()) {
    int n = 0;
    double t = 0;
    for (const auto& r : run.results)
      if (r.family == family) ++n, t += r.duration_ms;
    auto get = [&](Status s) { auto it = fc.find(s); return it == fc.end() ? 0 : it->second; };
    x << "  <testsuite name=\"" << xml_escape(family) << "\" tests=\"" << n << "\" failures=\""
      << get(Status::kFail) + get(Status::kTimeout) << "\" errors=\""
      << get(Status::kError) + get(Status::kXpass) << "\" skipped=\""
      << get(Status::kUnsupported) << "\" time=\"" << t / 1000.0 << "\">\n";
    for (const auto& r : run.results) {
      if (r.family != family) continue;
      auto dot = r.id.find('.');
      x << "    <testcase classname=\"" << xml_escape(r.id.substr(0, dot)) << "\" name=\""
        << xml_escape(r.id.substr(dot + 1)) << "\" time=\"" << r.duration_ms / 1000.0 << "\">\n";
      x << "      <properties><property name=\"requirement\" value=\"" << xml_escape(r.requirement)
        << "\"/><property name=\"clause\" value=\"" << xml_escape(r.clause) << "\"/></properties>\n";
      std::string msg = xml_escape(r.message);
      switch (r.status) {
        case Status::kFail:
        case Status::kTimeout:
          x << "      <failure type=\"" << status_name(r.status) << "\" message=\"" << msg
            << "\">" << msg << "</failure>\n";
          break;
        case Status::kError:
        case Status::kXpass:
          x << "      <error type=\"" << status_name(r.status) << "\" message=\"" << msg
            << "\">" << msg << "</error>\n";
          break;
        case Status::kUnsupported:
          x << "      <skipped message=\"" << msg << "\"/>\n";
          break;
        case Status::kXfail:
          x << "      <system-out>XFAIL: " << msg << "</system-out>\n";
          break;
        case Status::kPass: break;
      }
      x << "    </testcase>\n";
    }
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

namespace {
std::string md_cell(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '|') o += "\\|";
    else if (ch == '\n') o += ' ';
    else o += ch;
  }
  return o;
}

std::string env_str(const nlohmann::json& env, const char* key) {
  if (!env.contains(key)) return "?";
  const auto& v = env[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}
}  // namespace

std::string markdown_text(const RunRecord& run) {
  std::ostringstream m;
  auto c = run.counts();
  const auto& env = run.environment;
  m << "# sigipc conformance report\n\n";
  m << (run.green() ? "**Result: green**" : "**Result: red**");
  if (run.interrupted) m << " (interrupted; " << run.not_run << " tests not run)";
  m << "\n\n";
  m << "Kernel " << env_str(env, "kernel_release") << ", " << env_str(env, "libc") << " "
    << env_str(env, "libc_version") << ", " << env_str(env, "arch") << ", emulator "
    << env_str(env, "emulator") << ", isolation " << env_str(env, "isolation") << ", seed "
    << env_str(env, "seed") << ".\n\n";
  m << "| status | tests |\n|---|---:|\n";
  for (Status s : all_statuses())
    if (c[s]) m << "| " << status_name(s) << " | " << c[s] << " |\n";
  m << "| total | " << run.results.size() << " |\n\n";
  m << "## By family\n\n| family |";
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
  if (!run.stale_expectations.empty()) {
    m << "\n## Stale expectations\n\n";
    for (const auto& st : run.stale_expectations) m << "- " << md_cell(st) << "\n";
  }
  bool any = false;
  for (const auto& r : run.results) {
    if (r.status == Status::kPass) continue;
    if (!any) {
      m << "\n## Not passing\n\n| test | requirement | clause | status | message |\n"
           "|---|---|---|---|---|\n";
      any = true;
    }
    m << "| `" << md_cell(r.id) << "` | " << md_cell(r.requirement) << " | "
      << md_cell(r.clause) << " | " << status_name(r.status) << " | " << md_cell(r.message)
      << " |\n";
  }
  return m.str();
}

std::string summary_table(const RunRecord& run) {
  std::ostringstream t;
  std::size_t w = 6;
  for (const auto& [family, fc] : run.by_family()) w = std::max(w, family.size());
  char line[256];
  std::snprintf(line, sizeof line, "%-*s %6s %6s %6s %7s %6s %6s %6s\n", static_cast<int>(w),
                "family", "PASS", "FAIL", "ERROR", "TIMEOUT", "UNSUP", "XFAIL", "XPASS");
  t << line;
  auto row = [&](const std::string& name, const std::map<Status, int>& fc) {
    auto g = [&](Status s) { auto it = fc.find(s); return it == fc.end() ? 0 : it->second; };
    std::snprintf(line, sizeof line, "%-*s %6d %6d %6d %7d %6d %6d %6d\n", static_cast<int>(w),
                  name.c_str(), g(Status::kPass), g(Status::kFail), g(Status::kError),
                  g(Status::kTimeout), g(Status::kUnsupported), g(Status::kXfail),
                  g(Status::kXpass));
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

void write_all_reports(const RunRecord& run, const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir + ": " + std::strerror(errno));
  write_file_atomically(dir + "/results.json", results_json_text(run));
  write_file_atomically(dir + "/junit.xml", junit_text(run));
  write_file_atomically(dir + "/report.md", markdown_text(run));
}

}  // namespace sigipc
