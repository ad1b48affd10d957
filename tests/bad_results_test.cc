// Bad results files that reports_load_test.cc does not cover: a
// file root could read but the caller cannot (LINE 0 with the errno text).
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fixtures/check.h"
#include "fixtures/isolation.h"
#include "reports/load.h"

namespace sigipc {
namespace {

TEST(BadResults, UnreadableFileIsLineZero) {
  SIGIPC_REQUIRE_USER_SWITCH();
  char dir[] = "/tmp/sigipc-badres-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/results.json";
  std::ofstream(path) << "{}\n";
  ASSERT_SUCCEEDS(chmod(path.c_str(), 0600));
  ASSERT_SUCCEEDS(chmod(dir, 0755));
  // root reads anything: the load runs as nobody, reporting by exit code.
  WaitStatus st = RunAsUser(kNobodyUid, kNobodyGid, [&] {
    try {
      load_results_file(path);
    } catch (const InputError& e) {
      child_exit(std::string(e.what()) == path + ":0: cannot open: Permission denied" ? 0 : 1);
    }
    child_exit(2);
  });
  unlink(path.c_str());
  rmdir(dir);
  EXPECT_TRUE(ExitedWith(st, 0)) << "1: another reason, 2: accepted";
}

}  // namespace
}  // namespace sigipc
