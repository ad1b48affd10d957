// The pages drawn from bench.json: bench.html (bench_html_text) and the
// performance section of the platform matrix, on the fabricated fixture
// documents of tests/bench_pages/cells (a native and an emulated cell).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/bench_doc.h"
#include "reports/bench_html.h"
#include "reports/bench_matrix.h"
#include "reports/matrix.h"

namespace sigipc {
namespace {

using nlohmann::json;

json fixture(const std::string& cell) {
  return load_bench_file(std::string(BENCH_FIXTURES) + "/" + cell + "/bench/bench.json");
}

// A real document, written by sigipc bench --quick on this machine under load.
json sample() { return load_bench_file(std::string(BENCH_FIXTURES) + "/../sample.bench.json"); }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// Every element opened is closed in order (void elements and self-closed
// ones aside); script and style bodies are skipped.
std::string unbalanced_tag(const std::string& html) {
  static const std::vector<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> open;
  for (std::size_t p = html.find('<'); p != std::string::npos; p = html.find('<', p + 1)) {
    if (html.compare(p, 2, "<!") == 0) continue;
    bool closing = html[p + 1] == '/';
    std::size_t s = p + (closing ? 2 : 1), e = html.find_first_of(" >/\n", s);
    std::string name = html.substr(s, e - s);
    std::size_t end = html.find('>', p);
    if (closing) {
      if (open.empty() || open.back() != name)
        return "</" + name + "> at byte " + std::to_string(p);
      open.pop_back();
    } else if (html[end - 1] != '/' && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      open.push_back(name);
      if (name == "script" || name == "style") p = html.find("</" + name + ">", end) - 1;
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> never closed";
}

// The text of the first element whose opening tag contains attr.
std::string element_with(const std::string& html, const std::string& attr, const char* tag) {
  auto p = html.find(attr);
  if (p == std::string::npos) return "";
  p = html.rfind(std::string("<") + tag, p);
  auto e = html.find(std::string("</") + tag + ">", p);
  return html.substr(p, e - p);
}

std::size_t nonzero_bins(const json& row) {
  const auto& c = row["histogram"]["counts"];
  return std::count_if(c.begin(), c.end(), [](const json& v) { return v.get<double>() > 0; });
}

TEST(BenchPage, DrawsEveryPlotOfTheDocument) {
  json doc = fixture("native");
  std::string html = bench_html_text(doc);
  EXPECT_EQ(unbalanced_tag(html), "");
  const json& lat = doc["latency"];
  EXPECT_EQ(count(html, "data-plot=\"histogram\""), lat.size());
  EXPECT_EQ(count(html, "data-plot=\"latency-summary\""), 1u);
  EXPECT_EQ(count(html, "data-plot=\"throughput\""), 1u);
  std::size_t bars = 0;
  for (const auto& r : lat) {
    std::string attrs = "data-mechanism=\"" + r["mechanism"].get<std::string>() +
                        "\" data-topology=\"" + r["topology"].get<std::string>() + "\"";
    std::string svg = element_with(html, attrs, "svg");
    ASSERT_FALSE(svg.empty()) << attrs;
    EXPECT_EQ(count(svg, "<rect class=\"pbar "), nonzero_bins(r)) << attrs;
    EXPECT_EQ(count(svg, "class=\"marker m-p"), 3u) << attrs;
    bars += nonzero_bins(r);
  }
  EXPECT_GT(bars, lat.size());
  std::string summary = element_with(html, "data-plot=\"latency-summary\"", "svg");
  EXPECT_EQ(count(summary, "<rect class=\"pbar "), lat.size());
  EXPECT_EQ(count(summary, "<path class=\"whisker "), lat.size());
  std::string tp = element_with(html, "data-plot=\"throughput\"", "svg");
  EXPECT_EQ(count(tp, "<circle class=\"pt "), doc["throughput"].size());
  EXPECT_EQ(count(tp, "<path class=\"series "), 5u);  // pipe fifo posix-mq sysv-msg shm
  EXPECT_NE(tp.find(">PIPE_BUF<"), std::string::npos);
}

TEST(BenchPage, ShowsClaimsBaselineAndEnvironment) {
  std::string html = bench_html_text(fixture("native"));
  EXPECT_EQ(count(html, "<span class=\"b holds\">holds</span>"), 1u);
  EXPECT_EQ(count(html, "<span class=\"b holds\">pass</span>"), 1u);
  EXPECT_EQ(count(html, "<span class=\"b fails\">regression</span>"), 1u);
  EXPECT_EQ(count(html, "does not hold"), 1u);
  EXPECT_EQ(count(html, "cannot tell"), 1u);
  EXPECT_NE(html.find("id=\"baseline-verdict\">baseline: regression"), std::string::npos);
  EXPECT_NE(html.find("1.600 (1.500 – 1.700)"), std::string::npos);
  EXPECT_NE(html.find("<td>pinning.enabled</td>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"emulated\""), std::string::npos);  // native: no warning
  EXPECT_EQ(html.find("id=\"unsupported\""), std::string::npos);
}

TEST(BenchPage, WarnsThatEmulatedTimesAreNotNative) {
  std::string html = bench_html_text(fixture("qemu-x86_64"));
  EXPECT_NE(html.find("id=\"emulated\">Emulated platform (qemu-user): do not compare absolute "
                      "times with native"),
            std::string::npos);
  std::string unsupported = element_with(html, "id=\"unsupported\"", "table");
  EXPECT_NE(unsupported.find("pidfd_open: ENOSYS under qemu-user"), std::string::npos);
  EXPECT_EQ(unbalanced_tag(html), "");
}

TEST(BenchPage, DrawsARealDocument) {
  json doc = sample();
  std::string html = bench_html_text(doc);
  EXPECT_EQ(unbalanced_tag(html), "");
  EXPECT_EQ(count(html, "data-plot=\"histogram\""), doc["latency"].size());
  std::string tp = element_with(html, "data-plot=\"throughput\"", "svg");
  EXPECT_EQ(count(tp, "<circle class=\"pt "), doc["throughput"].size());
  // Sizes a queue refuses are listed with the size and the platform's limit.
  std::string unsupported = element_with(html, "id=\"unsupported\"", "table");
  EXPECT_EQ(count(unsupported, "<td>64 KiB</td>"), 2u);
  EXPECT_NE(unsupported.find("/proc/sys/kernel/msgmax"), std::string::npos);
}

TEST(BenchPage, EscapesWhatTheDocumentSays) {
  json doc = fixture("native");
  doc["observations"][0]["claim"] = "<script>alert(1)</script> & co";
  doc["latency"][0]["mechanism"] = "a\"b<c>";
  std::string html = bench_html_text(doc);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(html.find("a\"b<c>"), std::string::npos);
  EXPECT_EQ(unbalanced_tag(html), "");
}

TEST(BenchPage, AMinimalDocumentHasNoPlots) {
  json doc = {{"schema", "sigipc-bench/1"}, {"latency", json::array()}, {"later", 1}};
  std::string html = bench_html_text(doc);
  EXPECT_EQ(count(html, "class=\"plot\""), 0u);
  EXPECT_NE(html.find("<h2>Environment</h2>"), std::string::npos);
}

std::string error_of(const json& doc) {
  try {
    bench_html_text(doc);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BenchPage, RefusesWhatIsNotABenchDocument) {
  EXPECT_EQ(error_of(json::array()), "document: not a JSON object");
  EXPECT_EQ(error_of({{"schema", "sigipc-results/1"}, {"latency", json::array()}}),
            "schema: \"sigipc-results/1\", expected \"sigipc-bench/1\"");
  EXPECT_EQ(error_of({{"latency", json::array()}}), "schema: missing, expected \"sigipc-bench/1\"");
  EXPECT_EQ(error_of({{"schema", "sigipc-bench/1"}}), "latency: missing");
  json doc = fixture("native");
  doc["latency"][2]["histogram"]["counts"].push_back(1);
  EXPECT_EQ(error_of(doc),
            "latency[2].histogram: 33 edges for 33 counts (one edge more than "
            "counts expected)");
  doc = fixture("native");
  doc["latency"][1]["summary"]["p99"]["median"] = "fast";
  EXPECT_EQ(error_of(doc), "latency[1].summary.p99.median: not a number");
  doc = fixture("native");
  doc["throughput"][0]["size"] = 0;
  EXPECT_EQ(error_of(doc), "throughput[0].size: not positive");
  doc = fixture("native");
  doc["observations"][0]["holds"] = "yes";
  EXPECT_EQ(error_of(doc), "observations[0].holds: not true, false or null");
}

// The repeats are what the baseline gate compares (--baseline reads
// through the same check).
TEST(BenchPage, RefusesRowsWithoutTheRepeatsTheGateReads) {
  json doc = fixture("native");
  doc["latency"][0].erase("runs");
  EXPECT_EQ(error_of(doc), "latency[0]: no \"runs\"");
  doc = fixture("native");
  doc["latency"][3]["runs"][1]["p50"] = "fast";
  EXPECT_EQ(error_of(doc), "latency[3].runs[1].p50: not a number");
  doc = fixture("native");
  doc["latency"][0]["runs"][0] = 5;
  EXPECT_EQ(error_of(doc), "latency[0].runs[0]: not an object");
  doc = fixture("native");
  doc["throughput"][1]["runs"] = 5;
  EXPECT_EQ(error_of(doc), "throughput[1].runs: not an array");
  doc = fixture("native");
  doc["throughput"][1]["runs"][2] = json::object();
  EXPECT_EQ(error_of(doc), "throughput[1].runs[2]: not a number");
}

std::vector<MatrixColumn> two_cells(bool with_bench = true) {
  std::vector<MatrixColumn> cols(2);
  cols[0].label = "native";
  cols[1].label = "qemu-x86_64";
  if (with_bench) {
    cols[0].bench = fixture("native");
    cols[1].bench = fixture("qemu-x86_64");
  }
  return cols;
}

TEST(BenchMatrix, LaysThePlatformsSideBySide) {
  auto cols = two_cells();
  ASSERT_EQ(bench_reference(cols), 0);
  std::string html = matrix_html(cols);
  EXPECT_EQ(unbalanced_tag(html), "");
  std::string lat = element_with(html, "id=\"bench-latency\"", "table");
  // Every (mechanism, topology) either platform measured: 21 natively.
  EXPECT_EQ(count(lat, "<tr data-mechanism="), cols[0].bench["latency"].size());
  EXPECT_EQ(count(lat, "data-emulated=\"1\""), 1u);
  EXPECT_EQ(count(lat, ">unsupported</td>"), 1u);  // pidfd-send-signal under qemu-user
  EXPECT_EQ(count(lat, ">ref</td>"), cols[0].bench["latency"].size());
  // The fixture's emulated cell is 9 times slower (within 10% jitter).
  std::string pipe = element_with(lat, "data-mechanism=\"pipe\" data-topology=\"process\"", "tr");
  EXPECT_TRUE(pipe.find(">×8.") != std::string::npos || pipe.find(">×9") != std::string::npos ||
              pipe.find(">×10<") != std::string::npos)
      << pipe;
  std::string ratio = element_with(html, "data-plot=\"bench-ratio\"", "svg");
  EXPECT_EQ(count(ratio, "<rect class=\"pbar c0\""), cols[1].bench["latency"].size());
  std::string tp = element_with(html, "id=\"bench-throughput\"", "table");
  EXPECT_EQ(count(tp, "<tr data-mechanism="), 5u);
  EXPECT_NE(tp.find("<th class=\"num\">4 KiB</th>"), std::string::npos);  // PIPE_BUF
  EXPECT_EQ(count(element_with(html, "id=\"bench-claims\"", "table"), "<tr>"), 3u + 1u);
}

TEST(BenchMatrix, MarkdownMarksTheEmulatedColumn) {
  std::string md = matrix_markdown(two_cells());
  EXPECT_NE(md.find("## Performance (sigipc bench)"), std::string::npos);
  EXPECT_NE(md.find("| mechanism | native | qemu-x86_64 (emulated) |"), std::string::npos);
  EXPECT_NE(md.find("| `pidfd-send-signal` | 3"), std::string::npos);
  EXPECT_NE(md.find(" | unsupported |"), std::string::npos);
  EXPECT_LT(md.find("## Performance"), md.find("## Rules"));
  EXPECT_NE(md.find("- qemu-x86_64 (emulated): load 0.40 → 0.90, pinned, 10000 round trips × 5 "
                    "repeats\n"),
            std::string::npos);
}

TEST(BenchMatrix, NoBenchNoSection) {
  auto cols = two_cells(false);
  EXPECT_EQ(bench_matrix_html(cols), "");
  EXPECT_EQ(matrix_html(cols).find("id=\"bench\""), std::string::npos);
  EXPECT_EQ(matrix_markdown(cols).find("Performance"), std::string::npos);
}

TEST(BenchMatrix, UnsupportedSizesAreNamedNotBlank) {
  auto cols = two_cells();
  cols[0].bench = sample();
  std::string html = bench_matrix_html(cols);
  std::string tp = element_with(html, "id=\"bench-throughput\"", "table");
  std::string mq = element_with(tp, "data-mechanism=\"posix-mq\"", "tr");
  EXPECT_EQ(count(mq, ">unsupported</td>"), 1u) << mq;  // 64 KiB above mq_msgsize natively
  EXPECT_NE(mq.find("title=\"a 65536-byte message is above"), std::string::npos);
  // A queue's refusal at one size does not mark its latency row.
  std::string lat = element_with(html, "id=\"bench-latency\"", "table");
  std::string row =
      element_with(lat, "data-mechanism=\"posix-mq\" data-topology=\"process\"", "tr");
  EXPECT_EQ(row.find("unsupported"), std::string::npos) << row;
  // Rows only one platform measured (tgkill, threads only natively here).
  EXPECT_NE(lat.find("data-mechanism=\"tgkill\" data-topology=\"process\""), std::string::npos);
}

TEST(BenchMatrix, OnlyEmulatedPlatformsGiveNoRatios) {
  auto cols = two_cells();
  cols[0].bench = fixture("qemu-x86_64");
  EXPECT_EQ(bench_reference(cols), -1);
  std::string html = bench_matrix_html(cols);
  EXPECT_NE(html.find("every platform here was emulated"), std::string::npos);
  EXPECT_EQ(html.find("data-plot=\"bench-ratio\""), std::string::npos);
  EXPECT_EQ(html.find(">×"), std::string::npos);
}

}  // namespace
}  // namespace sigipc
