// Running the sigipc binaries from the project's own tests.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace selftest {

struct CmdResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out, err;
};

// Runs argv with extra "K=V" environment entries; waits for it.
CmdResult run_cmd(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// A fresh folder under the build tree's temp area, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

nlohmann::json read_json(const std::string& path);
// The result entry for a test id, or null.
nlohmann::json find_result(const nlohmann::json& results, const std::string& id);

}  // namespace selftest
