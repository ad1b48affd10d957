// Reading saved runs back (reports/load.h): every bad input is one
// "NAME:LINE: reason" InputError, LINE where the text goes wrong.
#include <gtest/gtest.h>

#include <algorithm>

#include "reports/load.h"
#include "reports/writers.h"
#include "tests/reports_sample.h"

namespace sigipc {
namespace {

std::string error_of(const std::string& text) {
  try {
    load_results_text(text, "f.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string sample_text() { return results_json_text(reports_test::every_status_run()); }

// The 1-based line of the first occurrence of needle.
int line_of(const std::string& text, const std::string& needle) {
  auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

TEST(ReportsLoad, RoundTripsWhatTheWritersWrite) {
  auto run = load_results_text(sample_text(), "f.json");
  auto orig = reports_test::every_status_run();
  ASSERT_EQ(run.results.size(), orig.results.size());
  EXPECT_EQ(run.counts(), orig.counts());
  EXPECT_EQ(run.results[1].message, orig.results[1].message);
  EXPECT_EQ(run.environment["kernel_release"], "6.18.44-test");
}

TEST(ReportsLoad, MissingFileIsLineZeroWithErrno) {
  try {
    load_results_file("/nonexistent/results.json");
    FAIL() << "loaded";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/results.json:0: cannot open: No such file or directory");
  }
}

TEST(ReportsLoad, FolderIsRefused) {
  try {
    load_results_file("/tmp");
    FAIL() << "loaded";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/tmp:0: cannot open: Is a directory");
  }
}

TEST(ReportsLoad, EmptyText) {
  EXPECT_EQ(error_of(""), "f.json:1: empty file, expected a sigipc results JSON object");
  EXPECT_EQ(error_of(" \n\n"), "f.json:1: empty file, expected a sigipc results JSON object");
}

TEST(ReportsLoad, TruncatedTextNamesItsLastLine) {
  std::string t = sample_text();
  std::string cut = t.substr(0, t.find("\"SigA.Error\"") + 5);
  int last = 1 + static_cast<int>(std::count(cut.begin(), cut.end(), '\n'));
  std::string e = error_of(cut);
  EXPECT_EQ(e.rfind("f.json:" + std::to_string(last) + ": truncated JSON", 0), 0u) << e;
}

TEST(ReportsLoad, MalformedTextNamesTheLine) {
  std::string t = replace_once(sample_text(), "\"family\": \"pipe\"", "\"family\" \"pipe\"");
  int line = line_of(t, "\"family\" \"pipe\"");
  std::string e = error_of(t);
  EXPECT_EQ(e.rfind("f.json:" + std::to_string(line) + ": malformed JSON: ", 0), 0u) << e;
}

TEST(ReportsLoad, WrongTypeNamesTheFieldAndItsLine) {
  std::string t = replace_once(sample_text(), "\"status\": \"TIMEOUT\"", "\"status\": 7");
  int line = line_of(t, "\"status\": 7");
  EXPECT_EQ(error_of(t),
            "f.json:" + std::to_string(line) +
                ": results[3] (SigA.Timeout): field \"status\" is a number, not a string");
}

TEST(ReportsLoad, MissingFieldNamesTheTestObjectLine) {
  auto j = nlohmann::json::parse(sample_text());
  j["results"][2].erase("clause");
  std::string t = j.dump(1);
  // The line of the object's opening brace.
  std::size_t brace = t.rfind('{', t.find("\"SigA.Error\""));
  int line = 1 + static_cast<int>(std::count(t.begin(), t.begin() + brace, '\n'));
  EXPECT_EQ(error_of(t), "f.json:" + std::to_string(line) +
                             ": results[2] (SigA.Error): missing field \"clause\"");
}

TEST(ReportsLoad, UnknownStatusAndBadDuration) {
  std::string t = replace_once(sample_text(), "\"status\": \"XPASS\"", "\"status\": \"MAYBE\"");
  EXPECT_NE(error_of(t).find("unknown status \"MAYBE\""), std::string::npos) << error_of(t);
  auto j = nlohmann::json::parse(sample_text());
  j["results"][0]["duration_ms"] = -1;
  EXPECT_NE(error_of(j.dump()).find(
                "results[0] (SigA.Pass1): field \"duration_ms\" is not a number >= 0"),
            std::string::npos);
}

TEST(ReportsLoad, WrongSchemaAndTopLevel) {
  EXPECT_EQ(error_of("[1, 2]"), "f.json:1: the top level is an array, not a sigipc results object");
  EXPECT_EQ(error_of("{\n\"schema\": \"other/2\"}"),
            "f.json:2: field \"schema\" is not \"sigipc-results/1\" (not a sigipc results file, or "
            "another version)");
  auto j = nlohmann::json::parse(sample_text());
  j.erase("summary");
  EXPECT_EQ(error_of(j.dump()), "f.json:1: top level: missing field \"summary\"");
}

TEST(ReportsLoad, DuplicateIdsAreRefused) {
  auto j = nlohmann::json::parse(sample_text());
  j["results"][4]["id"] = "SigA.Pass1";
  std::string e = error_of(j.dump(2));
  EXPECT_NE(e.find("results[4] (SigA.Pass1): duplicate test id, first at line"), std::string::npos)
      << e;
}

TEST(ReportsLoad, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep =
      "{\"schema\": \"sigipc-results/1\", \"environment\": " + std::string(200000, '[') +
      std::string(200000, ']') + "}";
  EXPECT_NE(error_of(deep).find("nested more than 64 levels deep"), std::string::npos);
}

TEST(ReportsLoad, NumberOverflowAndBadUtf8AreOneLine) {
  std::string e = error_of("{\n\n\"a\": 1e999}");
  EXPECT_EQ(e.rfind("f.json:3: malformed JSON", 0), 0u) << e;
  e = error_of("{\"a\": \"\xff\xfe\"}");
  EXPECT_EQ(e.rfind("f.json:1: malformed JSON", 0), 0u) << e;
  for (unsigned char c : e) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "unprintable byte in " << e;
}

TEST(ReportsLoad, NulByteAndControlCharactersInQuotedInputStayOneLine) {
  std::string t = results_json_text(reports_test::every_status_run());
  std::string with_nul = t + std::string("\n\0[[[[", 6);
  EXPECT_EQ(error_of(with_nul).rfind("f.json:", 0), 0u);
  EXPECT_NE(error_of(with_nul).find("a NUL byte"), std::string::npos) << error_of(with_nul);
  auto j = nlohmann::json::parse(t);
  j["results"][0]["run_counts"] = {{"PA\nSS", 1}};
  std::string e = error_of(j.dump());
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_NE(e.find("run_counts entry \"PA"), std::string::npos) << e;
}

}  // namespace
}  // namespace sigipc
