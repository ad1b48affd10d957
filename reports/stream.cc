#include "reports/stream.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "reports/load.h"

namespace sigipc {

namespace {

using nlohmann::json;

std::string line_of(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ":0: cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Rebuilt {
  RunRecord run;
  bool ended = false;
};

std::vector<std::string> id_list(const json& j, const std::string& where) {
  if (!j.is_array()) throw InputError(where + ": not a list of test ids");
  std::vector<std::string> out;
  for (const auto& e : j) {
    if (!e.is_string()) throw InputError(where + ": not a list of test ids");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Rebuilt rebuild(const std::string& text, const std::string& name) {
  Rebuilt b;
  std::vector<std::string> planned;
  std::set<std::string> planned_set, started;
  std::map<std::string, Result> results;
  std::vector<std::string> result_order;
  bool header = false;
  std::size_t pos = 0, lineno = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    bool last = nl == std::string::npos;
    std::string line = text.substr(pos, last ? std::string::npos : nl - pos);
    pos = last ? text.size() : nl + 1;
    ++lineno;
    std::string where = name + ":" + std::to_string(lineno);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception&) {
      // The line being written when the power went: nothing after it.
      if (last) break;
      throw InputError(where + ": not a JSON line of a sigipc result stream");
    }
    if (!j.is_object()) throw InputError(where + ": not a JSON object");
    if (j.contains("stream")) {
      if (!j["stream"].is_string() || j["stream"] != kStreamFormat)
        throw InputError(where + ": \"stream\" is not \"" + kStreamFormat + "\"");
      if (!j.contains("environment") || !j["environment"].is_object())
        throw InputError(where + ": the header has no environment object");
      header = true;
      b.run.environment = j["environment"];
      for (const auto& id : id_list(j.value("planned", json::array()), where + ": \"planned\""))
        if (planned_set.insert(id).second) planned.push_back(id);
      if (j.contains("expectation_files"))
        b.run.expectation_files =
            id_list(j["expectation_files"], where + ": \"expectation_files\"");
      b.ended = false;
      continue;
    }
    if (!header)
      throw InputError(where + ": no stream header before this line (not a sigipc result stream)");
    std::string ev =
        j.contains("event") && j["event"].is_string() ? j["event"].get<std::string>() : "";
    if (ev == "start") {
      if (!j.contains("id") || !j["id"].is_string())
        throw InputError(where + ": start without an id");
      started.insert(j["id"].get<std::string>());
    } else if (ev == "result") {
      Result r;
      try {
        r = result_from_json(j, "result");
      } catch (const std::exception& e) {
        throw InputError(where + ": " + e.what());
      }
      if (!results.count(r.id)) result_order.push_back(r.id);
      results[r.id] = std::move(r);
    } else if (ev == "end") {
      b.ended = true;
      const json& s = j.value("summary", json::object());
      if (s.contains("interrupted") && s["interrupted"].is_boolean())
        b.run.interrupted = s["interrupted"];
      if (s.contains("wall_ms") && s["wall_ms"].is_number()) b.run.wall_ms = s["wall_ms"];
      if (j.contains("expectations") && j["expectations"].is_object() &&
          j["expectations"].contains("stale"))
        b.run.stale_expectations = id_list(j["expectations"]["stale"], where + ": \"stale\"");
    } else {
      throw InputError(where + ": unknown event \"" + ev + "\"");
    }
  }
  if (!header) throw InputError(name + ":1: empty stream, expected a sigipc-stream header line");
  // Results in run order; a result for a test not announced still counts.
  for (const auto& id : planned) {
    auto it = results.find(id);
    if (it != results.end()) {
      b.run.results.push_back(it->second);
      continue;
    }
    b.run.not_run.push_back(id);
    if (started.count(id) && !b.ended) b.run.running.push_back(id);
  }
  for (const auto& id : result_order)
    if (!planned_set.count(id)) b.run.results.push_back(results[id]);
  if (!b.ended) b.run.interrupted = true;
  return b;
}

}  // namespace

std::string stream_header_line(const json& environment, const std::vector<std::string>& planned,
                               const std::vector<std::string>& expectation_files) {
  json j = {{"stream", kStreamFormat}, {"environment", environment}, {"planned", planned}};
  if (!expectation_files.empty()) j["expectation_files"] = expectation_files;
  return line_of(j);
}

std::string stream_start_line(const std::string& id) {
  return line_of({{"event", "start"}, {"id", id}});
}

std::string stream_result_line(const Result& r) {
  json j = {{"event", "result"}};
  j.update(result_to_json(r));
  return line_of(j);
}

std::string stream_end_line(const RunRecord& run) {
  json j = {{"event", "end"}, {"summary", summary_json(run)}};
  if (!run.expectation_files.empty())
    j["expectations"] = {{"files", run.expectation_files}, {"stale", run.stale_expectations}};
  return line_of(j);
}

RunRecord load_stream_text(const std::string& text, const std::string& name) {
  return rebuild(text, name).run;
}

RunRecord load_run(const std::string& path) {
  if (!is_dir(path)) {
    if (path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0)
      return load_stream_text(read_text(path), path);
    return load_results_file(path);
  }
  const std::string json_path = path + "/results.json", stream_path = path + "/results.jsonl";
  if (!exists(stream_path)) {
    if (!exists(json_path))
      throw InputError(path + ":0: neither results.json nor results.jsonl in this folder");
    return load_results_file(json_path);
  }
  Rebuilt b = rebuild(read_text(stream_path), stream_path);
  // The reports the runner writes after the end line are complete; a
  // results.json next to an unfinished stream is from an earlier run.
  if (b.ended && exists(json_path)) return load_results_file(json_path);
  return b.run;
}

std::vector<std::string> planned_ids(const RunRecord& run) {
  std::vector<std::string> ids;
  for (const auto& r : run.results) ids.push_back(r.id);
  ids.insert(ids.end(), run.not_run.begin(), run.not_run.end());
  return ids;
}

}  // namespace sigipc
