// Rebuilding a run from its result stream (reports/stream.h), and reading
// results files written before not_run listed ids.
#include <gtest/gtest.h>

#include "reports/load.h"
#include "reports/stream.h"

namespace sigipc {
namespace {

Result one(const std::string& id, Status s) {
  Result r;
  r.id = id;
  r.family = "f";
  r.requirement = "f.r";
  r.clause = "c";
  r.status = s;
  r.message = s == Status::kPass ? "" : "why";
  return r;
}

std::string header(const std::vector<std::string>& planned) {
  return stream_header_line({{"seed", 1}}, planned, {});
}

TEST(StreamLoad, CompleteStreamEqualsTheRun) {
  RunRecord run;
  run.results = {one("A.a", Status::kPass), one("A.b", Status::kSkip)};
  run.wall_ms = 12;
  std::string text = header({"A.a", "A.b"}) + stream_start_line("A.a") +
                     stream_result_line(run.results[0]) + stream_result_line(run.results[1]) +
                     stream_end_line(run);
  RunRecord back = load_stream_text(text, "s");
  ASSERT_EQ(back.results.size(), 2u);
  EXPECT_EQ(back.results[1].status, Status::kSkip);
  EXPECT_FALSE(back.interrupted);
  EXPECT_TRUE(back.not_run.empty());
  EXPECT_TRUE(back.green());
}

TEST(StreamLoad, NoEndLineMeansCutShort) {
  std::string text = header({"A.a", "A.b", "A.c"}) + stream_start_line("A.a") +
                     stream_result_line(one("A.a", Status::kFail)) + stream_start_line("A.b");
  RunRecord back = load_stream_text(text, "s");
  EXPECT_TRUE(back.interrupted);
  EXPECT_EQ(back.not_run, std::vector<std::string>({"A.b", "A.c"}));
  EXPECT_EQ(back.running, std::vector<std::string>({"A.b"}));
}

TEST(StreamLoad, HalfWrittenLastLineIsDroppedOthersAreErrors) {
  std::string good = header({"A.a"}) + stream_result_line(one("A.a", Status::kPass));
  EXPECT_EQ(load_stream_text(good + "{\"event\":\"res", "s").results.size(), 1u);
  EXPECT_THROW(
      load_stream_text(
          header({"A.a"}) + "garbage\n" + stream_result_line(one("A.a", Status::kPass)), "s"),
      InputError);
  EXPECT_THROW(load_stream_text(stream_result_line(one("A.a", Status::kPass)), "s"), InputError);
  EXPECT_THROW(load_stream_text("", "s"), InputError);
}

TEST(StreamLoad, OldResultsWithACountStillLoad) {
  std::string text =
      R"({"schema":"sigipc-results/1","environment":{},"summary":{"interrupted":true,)"
      R"("not_run":3},"results":[]})";
  RunRecord run = load_results_text(text, "old.json");
  EXPECT_EQ(run.not_run_count(), 3u);
  EXPECT_TRUE(run.not_run.empty());
}

}  // namespace
}  // namespace sigipc
