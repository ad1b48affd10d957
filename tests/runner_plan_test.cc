// --shard's split and --shuffle's order: deterministic, complete, disjoint.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "fixtures/registry.h"
#include "runner/plan.h"

namespace sigipc {
namespace {

std::vector<TestMeta> fake_tests(int n) {
  std::vector<TestMeta> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    v[static_cast<std::size_t>(i)].suite = "S";
    v[static_cast<std::size_t>(i)].name = "T" + std::to_string(i);
    v[static_cast<std::size_t>(i)].timeout_s = 10;
  }
  return v;
}

std::vector<const TestMeta*> ptrs(const std::vector<TestMeta>& v) {
  std::vector<const TestMeta*> p;
  for (const auto& t : v) p.push_back(&t);
  return p;
}

TEST(Shard, ParsesIOfNAndRefusesTheRest) {
  EXPECT_EQ(parse_shard("2/4").index, 2);
  EXPECT_EQ(parse_shard("2/4").count, 4);
  EXPECT_EQ(parse_shard("1/1").count, 1);
  for (const char* bad :
       {"0/4", "5/4", "4", "/4", "1/", "-1/4", "1/0", "a/b", "1/4/2", "1/99999999999"})
    EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

TEST(Shard, EveryTestInExactlyOneShardBalancedByDuration) {
  auto tests = fake_tests(101);
  auto all = ptrs(tests);
  std::map<std::string, double> durations;
  for (int i = 0; i < 101; ++i) durations["S.T" + std::to_string(i)] = (i * 37) % 500 + 1;
  const int n = 4;
  std::multiset<std::string> seen;
  std::vector<double> load;
  for (int i = 1; i <= n; ++i) {
    double total = 0;
    for (const auto* t : shard_tests(all, {i, n}, durations)) {
      seen.insert(t->id());
      total += durations[t->id()];
    }
    load.push_back(total);
  }
  ASSERT_EQ(seen.size(), 101u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 101u)
      << "a test is in two shards";
  // Longest-first greedy: no shard exceeds another by more than the longest test.
  EXPECT_LE(
      *std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end()),
      500);
}

TEST(Shard, SplitDoesNotDependOnTheOrderGiven) {
  auto tests = fake_tests(30);
  auto a = ptrs(tests), b = a;
  std::reverse(b.begin(), b.end());
  for (int i = 1; i <= 3; ++i) {
    std::set<std::string> sa, sb;
    for (const auto* t : shard_tests(a, {i, 3}, {})) sa.insert(t->id());
    for (const auto* t : shard_tests(b, {i, 3}, {})) sb.insert(t->id());
    EXPECT_EQ(sa, sb);
  }
}

TEST(Shuffle, SameSeedSameOrderAndAPermutation) {
  auto tests = fake_tests(50);
  auto a = ptrs(tests), b = a, c = a;
  shuffle_tests(a, 42);
  shuffle_tests(b, 42);
  shuffle_tests(c, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, ptrs(tests));
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, ptrs(tests));
}

}  // namespace
}  // namespace sigipc
