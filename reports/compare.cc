#include "reports/compare.h"

#include <map>
#include <sstream>

#include "reports/writers.h"

namespace sigipc {

namespace {

const char* name_or(const std::optional<Status>& s, const char* absent) {
  return s ? status_name(*s) : absent;
}

nlohmann::json change_json(const StatusChange& c) {
  return {{"id", c.id},
          {"before", c.before ? nlohmann::json(status_name(*c.before)) : nlohmann::json(nullptr)},
          {"after", c.after ? nlohmann::json(status_name(*c.after)) : nlohmann::json(nullptr)},
          {"message", c.message}};
}

std::string one_line(const std::string& s, std::size_t max) {
  std::string o;
  for (char c : s) {
    if (o.size() >= max) return o + "...";
    o += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return o;
}

}  // namespace

RunDiff compare_runs(const RunRecord& before, const RunRecord& after) {
  RunDiff d;
  std::map<std::string, const Result*> old_by_id, new_by_id;
  for (const auto& r : before.results) old_by_id.emplace(r.id, &r);
  for (const auto& r : after.results) new_by_id.emplace(r.id, &r);
  // New run order, then the tests that are gone in old run order.
  for (const auto& r : after.results) {
    auto it = old_by_id.find(r.id);
    StatusChange c{r.id, std::nullopt, r.status, r.message};
    if (it == old_by_id.end()) {
      d.added.push_back(r.id);
      if (is_bad(r.status)) d.new_failures.push_back(c);
      continue;
    }
    c.before = it->second->status;
    if (*c.before == r.status) continue;
    if (is_bad(r.status) && !is_bad(*c.before))
      d.new_failures.push_back(c);
    else if (!is_bad(r.status) && is_bad(*c.before))
      d.fixes.push_back(c);
    else
      d.other_changes.push_back(c);
  }
  for (const auto& r : before.results)
    if (!new_by_id.count(r.id)) d.removed.push_back(r.id);

  auto a = flat_environment(before.environment), b = flat_environment(after.environment);
  std::map<std::string, std::string> am(a.begin(), a.end()), bm(b.begin(), b.end());
  std::map<std::string, std::pair<std::string, std::string>> keys;
  for (const auto& [k, v] : am) keys[k] = {v, bm.count(k) ? bm[k] : "(absent)"};
  for (const auto& [k, v] : bm)
    if (!am.count(k)) keys[k] = {"(absent)", v};
  for (const auto& [k, vals] : keys)
    if (vals.first != vals.second) d.environment.push_back({k, vals.first, vals.second});
  return d;
}

std::string diff_text(const RunDiff& d, const std::string& old_name, const std::string& new_name) {
  std::ostringstream o;
  o << "sigipc diff " << old_name << " -> " << new_name << "\n";
  auto section = [&](const char* title, const std::vector<StatusChange>& v) {
    o << title << ": " << v.size() << "\n";
    for (const auto& c : v) {
      o << "  " << c.id << ": " << name_or(c.before, "(absent)") << " -> "
        << name_or(c.after, "(absent)");
      if (!c.message.empty() && c.after && *c.after != Status::kPass)
        o << "  " << one_line(c.message, 200);
      o << "\n";
    }
  };
  section("new failures", d.new_failures);
  section("fixed", d.fixes);
  section("other status changes", d.other_changes);
  o << "tests added: " << d.added.size() << "\n";
  for (const auto& id : d.added) o << "  + " << id << "\n";
  o << "tests removed: " << d.removed.size() << "\n";
  for (const auto& id : d.removed) o << "  - " << id << "\n";
  o << "environment differences: " << d.environment.size() << "\n";
  for (const auto& e : d.environment)
    o << "  " << e.key << ": " << one_line(e.before, 120) << " -> " << one_line(e.after, 120)
      << "\n";
  return o.str();
}

namespace {

// GitHub refuses comments over 65536 characters: tables stop well before.
constexpr std::size_t kDiffMarkdownBudget = 60000;
constexpr std::size_t kDiffMessageMax = 300;

// Appends rows while the text stays under the budget; says how many did not fit.
void budget_rows(std::ostringstream& m, const std::vector<std::string>& rows) {
  std::size_t written = 0;
  for (const auto& row : rows) {
    if (static_cast<std::size_t>(m.tellp()) + row.size() > kDiffMarkdownBudget) break;
    m << row;
    ++written;
  }
  if (written < rows.size())
    m << "\n_" << rows.size() - written << " more not shown; see `sigipc diff` for all._\n";
}

void change_table(std::ostringstream& m, const std::vector<StatusChange>& v) {
  std::vector<std::string> rows;
  for (const auto& c : v) {
    std::string after = name_or(c.after, "(absent)");
    if (c.after && is_bad(*c.after)) after = "**" + after + "**";
    rows.push_back(
        "| `" + markdown_cell(c.id) + "` | " + name_or(c.before, "(absent)") + " | " + after +
        " | " +
        (c.after && *c.after != Status::kPass ? markdown_cell(c.message, kDiffMessageMax) : "") +
        " |\n");
  }
  m << "| test | before | after | message |\n|---|---|---|---|\n";
  budget_rows(m, rows);
}

void id_list(std::ostringstream& m, const std::vector<std::string>& ids) {
  std::vector<std::string> rows;
  for (const auto& id : ids) rows.push_back("- `" + markdown_cell(id) + "`\n");
  budget_rows(m, rows);
}

}  // namespace

std::string diff_markdown(const RunDiff& d, const std::string& old_name,
                          const std::string& new_name) {
  std::ostringstream m;
  const std::size_t n = d.new_failures.size();
  m << "## sigipc diff: "
    << (n ? std::to_string(n) + (n == 1 ? " new failure" : " new failures") : "no new failures")
    << "\n\n`" << markdown_cell(old_name) << "` → `" << markdown_cell(new_name) << "`\n\n";
  m << "| change | tests |\n|---|---:|\n| new failures | " << n << " |\n| fixed | "
    << d.fixes.size() << " |\n| other status changes | " << d.other_changes.size()
    << " |\n| tests added | " << d.added.size() << " |\n| tests removed | " << d.removed.size()
    << " |\n| environment differences | " << d.environment.size() << " |\n";
  if (!d.new_failures.empty()) {
    m << "\n### New failures\n\n";
    change_table(m, d.new_failures);
  }
  if (!d.fixes.empty()) {
    m << "\n### Fixed\n\n";
    change_table(m, d.fixes);
  }
  auto folded = [&](const char* title, std::size_t count, auto body) {
    if (!count) return;
    m << "\n<details><summary>" << title << " (" << count << ")</summary>\n\n";
    body();
    m << "\n</details>\n";
  };
  folded("Other status changes", d.other_changes.size(), [&] { change_table(m, d.other_changes); });
  folded("Tests added", d.added.size(), [&] { id_list(m, d.added); });
  folded("Tests removed", d.removed.size(), [&] { id_list(m, d.removed); });
  folded("Environment differences", d.environment.size(), [&] {
    std::vector<std::string> rows;
    for (const auto& e : d.environment)
      rows.push_back("| " + markdown_cell(e.key) + " | " + markdown_cell(e.before, 120) + " | " +
                     markdown_cell(e.after, 120) + " |\n");
    m << "| key | old | new |\n|---|---|---|\n";
    budget_rows(m, rows);
  });
  return m.str();
}

nlohmann::json diff_json(const RunDiff& d, const std::string& old_name,
                         const std::string& new_name) {
  nlohmann::json j = {{"old", old_name}, {"new", new_name}};
  for (auto [key, v] : {std::pair{"new_failures", &d.new_failures}, std::pair{"fixes", &d.fixes},
                        std::pair{"other_changes", &d.other_changes}}) {
    j[key] = nlohmann::json::array();
    for (const auto& c : *v) j[key].push_back(change_json(c));
  }
  j["added"] = d.added;
  j["removed"] = d.removed;
  j["environment"] = nlohmann::json::array();
  for (const auto& e : d.environment)
    j["environment"].push_back({{"key", e.key}, {"old", e.before}, {"new", e.after}});
  return j;
}

}  // namespace sigipc
