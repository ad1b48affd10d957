// The shared body of every mutation set in tests/mutations/.
#include "tests/mutation_selftest.h"

#include <string>

#include "tests/selftest_util.h"

namespace selftest {

std::string mutation_name(const ::testing::TestParamInfo<Mutation>& info) {
  std::string s = info.param.shim;
  s = s.substr(8, s.size() - 8 - 3);  // strip "libshim_" and ".so"
  for (char& c : s)
    if (c == '_') c = 'X';
  // One shim may break the rule of several tests: the test's name keeps the
  // parameter names of a set apart.
  const std::string id = info.param.test_id;
  return s + "For" + id.substr(id.find('.') + 1);
}

namespace {

std::string status_of(const std::string& test_id, const std::vector<std::string>& env, int* rc) {
  TempDir out;
  // Some shims turn a call that should return into one that waits for the
  // test's own 5 s safety net; a longer limit keeps a loaded CI machine from
  // turning that FAIL into a TIMEOUT.
  auto r = run_cmd(
      {SIGIPC_BIN, "run", "--out", out.path(), "--filter", test_id, "--timeout-mul", "3"}, env);
  *rc = r.exit_code;
  auto res = find_result(read_json(out.path() + "/results.json"), test_id);
  return res.is_null() ? "missing" : res["status"].get<std::string>();
}

}  // namespace

TEST_P(MutationSelfTest, SuiteFailsUnderShimAndPassesWithout) {
  const auto& m = GetParam();
  int rc = -1;
  EXPECT_EQ(status_of(m.test_id, {}, &rc), "PASS") << m.test_id << " without the shim";
  EXPECT_EQ(rc, 0);
  std::string preload = std::string("LD_PRELOAD=") + SHIM_DIR + "/" + m.shim;
  EXPECT_EQ(status_of(m.test_id, {preload}, &rc), "FAIL") << m.test_id << " under " << m.shim;
  EXPECT_EQ(rc, 1);
}

}  // namespace selftest
