#include "reports/bench_doc.h"

#include <limits.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sigipc {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

const json& member(const json& obj, const std::string& where, const char* key) {
  if (!obj.contains(key)) bad(where, std::string("no \"") + key + "\"");
  return obj.at(key);
}

void need_string(const json& obj, const std::string& where, const char* key) {
  if (!member(obj, where, key).is_string()) bad(where + "." + key, "not a string");
}

void need_number(const json& v, const std::string& where) {
  if (!v.is_number()) bad(where, "not a number");
}

// An array of objects under key (absent: nothing to check when optional).
const json* object_array(const json& doc, const char* key, bool required) {
  if (!doc.contains(key)) {
    if (required) bad(key, "missing");
    return nullptr;
  }
  const json& a = doc.at(key);
  if (!a.is_array()) bad(key, "not an array");
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].is_object()) bad(std::string(key) + "[" + std::to_string(i) + "]", "not an object");
  return &a;
}

void check_histogram(const json& h, const std::string& where) {
  if (!h.is_object()) bad(where, "not an object");
  const json& edges = member(h, where, "edges_ns");
  const json& counts = member(h, where, "counts");
  if (!edges.is_array() || !counts.is_array()) bad(where, "edges_ns and counts must be arrays");
  if (edges.size() != counts.size() + 1)
    bad(where, std::to_string(edges.size()) + " edges for " + std::to_string(counts.size()) +
                   " counts (one edge more than counts expected)");
  for (std::size_t i = 0; i < edges.size(); ++i) {
    need_number(edges[i], where + ".edges_ns[" + std::to_string(i) + "]");
    if (edges[i].get<double>() <= 0 || (i && edges[i] <= edges[i - 1]))
      bad(where + ".edges_ns[" + std::to_string(i) + "]", "edges must be positive and increasing");
  }
  for (std::size_t i = 0; i < counts.size(); ++i) {
    need_number(counts[i], where + ".counts[" + std::to_string(i) + "]");
    if (counts[i].get<double>() < 0) bad(where + ".counts[" + std::to_string(i) + "]", "negative");
  }
}

// The repeats the baseline gate compares: objects with a numeric p50 in a
// latency row, numbers (bytes per second) in a throughput row.
void check_runs(const json& r, const std::string& where, bool latency) {
  const json& runs = member(r, where, "runs");
  if (!runs.is_array()) bad(where + ".runs", "not an array");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string w = where + ".runs[" + std::to_string(i) + "]";
    if (!latency) {
      need_number(runs[i], w);
      continue;
    }
    if (!runs[i].is_object()) bad(w, "not an object");
    need_number(member(runs[i], w, "p50"), w + ".p50");
  }
}

void check_latency_row(const json& r, const std::string& where) {
  need_string(r, where, "mechanism");
  need_string(r, where, "topology");
  check_runs(r, where, true);
  const json& s = member(r, where, "summary");
  if (!s.is_object()) bad(where + ".summary", "not an object");
  for (const char* m : {"p50", "p99", "p999"}) {
    const std::string w = where + ".summary." + m;
    const json& v = member(s, where + ".summary", m);
    if (!v.is_object()) bad(w, "not an object");
    need_number(member(v, w, "median"), w + ".median");
  }
  if (r.contains("histogram")) check_histogram(r.at("histogram"), where + ".histogram");
}

void check_throughput_row(const json& r, const std::string& where) {
  need_string(r, where, "mechanism");
  need_number(member(r, where, "size"), where + ".size");
  if (r.at("size").get<double>() <= 0) bad(where + ".size", "not positive");
  check_runs(r, where, false);
  const json& s = member(r, where, "summary");
  if (!s.is_object()) bad(where + ".summary", "not an object");
  need_number(member(s, where + ".summary", "median"), where + ".summary.median");
}

void check_observation(const json& o, const std::string& where) {
  need_string(o, where, "claim");
  if (o.contains("holds") && !o.at("holds").is_boolean() && !o.at("holds").is_null())
    bad(where + ".holds", "not true, false or null");
}

}  // namespace

void check_bench_doc(const json& doc) {
  if (!doc.is_object()) bad("document", "not a JSON object");
  const std::string expected = std::string("expected \"") + kBenchSchema + "\"";
  if (!doc.contains("schema") || !doc.at("schema").is_string())
    bad("schema", "missing, " + expected);
  if (doc.at("schema") != kBenchSchema)
    bad("schema", "\"" + doc.at("schema").get<std::string>() + "\", " + expected);
  if (doc.contains("environment") && !doc.at("environment").is_object())
    bad("environment", "not an object");
  if (const json* a = object_array(doc, "latency", true))
    for (std::size_t i = 0; i < a->size(); ++i)
      check_latency_row((*a)[i], "latency[" + std::to_string(i) + "]");
  if (const json* a = object_array(doc, "throughput", false))
    for (std::size_t i = 0; i < a->size(); ++i)
      check_throughput_row((*a)[i], "throughput[" + std::to_string(i) + "]");
  if (const json* a = object_array(doc, "observations", false))
    for (std::size_t i = 0; i < a->size(); ++i)
      check_observation((*a)[i], "observations[" + std::to_string(i) + "]");
  if (const json* a = object_array(doc, "unsupported", false))
    for (std::size_t i = 0; i < a->size(); ++i)
      need_string((*a)[i], "unsupported[" + std::to_string(i) + "]", "mechanism");
  if (doc.contains("baseline")) {
    const json& b = doc.at("baseline");
    if (!b.is_object()) bad("baseline", "not an object");
    if (b.contains("rows") && !b.at("rows").is_array()) bad("baseline.rows", "not an array");
  }
}

json load_bench_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": not JSON (byte " + std::to_string(e.byte) + ")");
  }
  try {
    check_bench_doc(doc);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  return doc;
}

const json& bench_rows(const json& doc, const char* key) {
  static const json empty = json::array();
  auto it = doc.find(key);
  return it != doc.end() && it->is_array() ? *it : empty;
}

double bench_median(const json& row, const std::string& metric) {
  auto s = row.find("summary");
  if (s == row.end() || !s->is_object()) return -1;
  const json* v = &*s;
  if (!metric.empty()) {
    auto m = s->find(metric);
    if (m == s->end() || !m->is_object()) return -1;
    v = &*m;
  }
  auto med = v->find("median");
  return med != v->end() && med->is_number() ? med->get<double>() : -1;
}

double bench_pipe_buf(const json& doc) {
  const json* v = &doc;
  for (const char* k : {"environment", "limits", "pipe_buf"}) {
    auto it = v->find(k);
    if (it == v->end()) return PIPE_BUF;
    v = &*it;
  }
  return v->is_number() && v->get<double>() > 0 ? v->get<double>() : PIPE_BUF;
}

std::string bench_emulator(const json& doc) {
  auto env = doc.find("environment");
  if (env == doc.end() || !env->is_object()) return "";
  auto e = env->find("emulator");
  if (e == env->end() || !e->is_string()) return "";
  std::string s = e->get<std::string>();
  return s == "none" || s == "?" ? "" : s;
}

bool bench_emulated(const json& doc) {
  auto env = doc.find("environment");
  if (env != doc.end() && env->is_object()) {
    auto e = env->find("emulated");
    if (e != env->end() && e->is_boolean()) return e->get<bool>();
  }
  return !bench_emulator(doc).empty();
}

}  // namespace sigipc
